"""A stream's `$parameters`, each fact said once: the keys a stream may declare (any other is an error naming
the stream, so a typo such as `change_logs:` cannot silently make a zone "not logged"), and their defaults
(docs/architecture.md#the-manifest).

>>> parameters = {"name": "tasks", "primary_key": ["taskid"], "zone": "tasks"}
>>> record_id_field(parameters), record_key(parameters)
('taskid', 'tasks')
>>> record_id_field({"name": "levels", "primary_key": ["itemid", "assignedtoid"], "zone": "x"}) is None
True
>>> check_parameters({**parameters, "change_logs": "tasks"})
Traceback (most recent call last):
...
ValueError: Stream tasks: unknown $parameters key(s) change_logs; a stream declares only ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Every key a stream's `$parameters` may hold, and who reads it.
KEYS = {
    "name": "the stream (the CDK)",
    "primary_key": "the stream (the CDK); its one field is the record id unless `id` says otherwise",
    "zone": "plan.py: the `zone=` value",
    "record_key": "plan.py, extractors.py: the records' key in `zoneresponse` (default: the zone, lowered)",
    "id": "plan.py: the record id where it is not the primary key (a documents stream: its parent's id)",
    "id_where": "plan.py: the id's WHERE name where different",
    "full_read": "plan.py: how a full read defeats the 30-day default filter",
    "change_log": "plan.py: the zone's `zonename` in LastUpdate",
    "updated": "plan.py: documented UTC update/creation WHERE fields and the records' own update field",
    "join_fields": "joins.py, the spec's Joined Detail (scripts/join_options.py): join -> record keys",
    "default_joins": "joins.py, the spec's Joined Detail: the joins on by default",
    "documents_of": "attachments.py: a `<parent>_documents` stream",
    "zero_means_none": "normalize.py: fields where a number 0 means none",
}


def check_parameters(parameters: Mapping[str, Any]) -> None:
    unknown = sorted(set(parameters) - set(KEYS))
    if unknown:
        raise ValueError(
            f"Stream {parameters.get('name')}: unknown $parameters key(s) {', '.join(unknown)}; a stream "
            f"declares only {', '.join(KEYS)} (source_aroflo/components/stream_parameters.py)."
        )


def record_id_field(parameters: Mapping[str, Any]) -> str | None:
    """The records' id: `id`, else the primary key when it is a single field."""
    if parameters.get("id"):
        return str(parameters["id"])
    primary_key = parameters.get("primary_key")
    if isinstance(primary_key, list | tuple) and len(primary_key) == 1 and isinstance(primary_key[0], str):
        return primary_key[0]
    return None


def record_key(parameters: Mapping[str, Any]) -> str:
    """The key of the records in AroFlo's `zoneresponse`: `record_key`, else the zone in lower case."""
    return str(parameters.get("record_key") or parameters["zone"]).lower()
