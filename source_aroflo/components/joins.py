"""Joined detail (docs/aroflo.md#joined-detail): AroFlo sends every joinable field of a record, as `[]` or
`{}` when its join was not requested. Left in, such a placeholder would tell a warehouse "this task has no
notes" when the notes were simply not asked for; this transformation removes the placeholders of the joins
that are off, so those fields are absent (null) rather than falsely empty.

The stream's `$parameters` name its joins (`join_fields`: join value -> record fields it fills) and the
ones on by default (`default_joins`); the config's `joins.<stream>` list overrides the defaults, exactly as
the requesters' `join` parameter reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.types import Config, StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_aroflo.components.record_step import RecordStep


def chosen_joins(config: Mapping[str, Any], stream: str, defaults: list[str]) -> list[str]:
    """The joins requested for `stream`: the config's choice when it makes one, else the defaults."""
    choice = (config.get("joins") or {}).get(stream)
    return list(defaults if choice is None else choice)


@dataclass
class DropUnrequestedJoins(RecordStep):
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    _unrequested: frozenset[str] = field(init=False, repr=False, default=frozenset())

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        join_fields: Mapping[str, list[str]] = parameters.get("join_fields") or {}
        stream = str(parameters.get("name", ""))
        chosen = chosen_joins(self.config, stream, parameters.get("default_joins") or [])
        unknown = sorted(set(chosen) - set(join_fields))
        if unknown:
            message = f"Joined Detail for {stream}: no such join {unknown}; possible: {sorted(join_fields)}"
            raise AirbyteTracedException(message=message, failure_type=FailureType.config_error)
        filled = {name for join in chosen for name in join_fields[join]}
        # A field two joins fill (locations and locationcustomfields) stays if either is on.
        self._unrequested = (
            frozenset(name for join, names in join_fields.items() if join not in chosen for name in names)
            - filled
        )

    def apply(self, record: dict[str, Any], stream_slice: StreamSlice | None) -> None:
        for name in self._unrequested & record.keys():
            if _all_blank(record[name]):
                del record[name]


def _all_blank(value: Any) -> bool:
    """A placeholder of a join that is off: Tasks `substatus` {"substatusid": "", "substatus": ""}, Quotes
    `project` {"location": {}, "projectid": ""} - blank strings and empty (or blank) objects all through."""
    if isinstance(value, Mapping):
        return all(_all_blank(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return isinstance(value, str) and not value.strip()
