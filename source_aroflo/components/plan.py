"""What one AroFlo zone offers a sync, from its stream's `$parameters` in the manifest, and the WHERE clauses
built from it (docs/aroflo.md#how-a-zone-is-read).

Only documented WHERE fields are used (each zone's WHERE table in AroFlo's API documentation):
* `full_read: {date: <field>}` - the zone has a 30-day default filter; a full read defeats it with `<field> >
  1900-01-01` (or the day before `start_date`), the vendor's own pattern. The field is the one the default
  filter uses wherever AroFlo documents it, so every record AroFlo could ever show is in range.
* `full_read: {id: <field>, literal: <an id from AroFlo's examples>}` - a documented field that is never
  blank, with a clause true for every record: `(<field> = L or <field> != L)`. `required: true` where the zone
  has a default filter and no documented date field; otherwise the clause only guards against a default filter
  the documentation does not show, and is dropped (with a warning) if AroFlo rejects it.
* no `full_read` - the zone documents neither a default filter nor an id field: no WHERE, as AroFlo's
  examples.

>>> plan = ZonePlan.from_parameters({"name": "tasks", "zone": "tasks", "id": "taskid",
...                                  "full_read": {"date": "datetimerequested"}, "change_log": "tasks"})
>>> plan.full_read_where(start_date=None)
['and|datetimerequested|>|1900-01-01 00:00:00']
>>> plan.full_read_where(start_date="2024-03-01")
['and|datetimerequested|>|2024-02-29 23:59:59']
>>> plan.ids_where(["a", "b"]), plan.ids_where(["a"])
(['and|taskid|IN|a*b'], ['and|taskid|=|a'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from source_aroflo.components.attachments import AttachedTo
from source_aroflo.components.stream_parameters import record_id_field, record_key

EPOCH = "1900-01-01"  # before any AroFlo record; also SQL Server's smalldatetime minimum
DATE = "%Y-%m-%d"
DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class DateField:
    """A documented WHERE field holding a date or a date-time (AroFlo's tables type them DATE / DATETIME)."""

    name: str
    has_time: bool

    @classmethod
    def of(cls, spec: str | None) -> DateField | None:
        """`"workdate"` is a DATE field, `"datetimerequested"`/`"createddatetimeutc"` DATETIME ones (by name,
        as AroFlo's tables type them; `date:` / `datetime:` prefixes override)."""
        if not spec:
            return None
        kind, _, name = spec.rpartition(":")
        return cls(name, kind == "datetime" or (not kind and "time" in name))

    def literal(self, moment: datetime) -> str:
        return moment.strftime(DATETIME if self.has_time else DATE)

    def after(self, moment: datetime) -> str:
        """A clause keeping records on or after `moment` (AroFlo has `>` but no `>=`)."""
        step = timedelta(seconds=1) if self.has_time else timedelta(days=1)
        return f"and|{self.name}|>|{self.literal(moment - step)}"

    def before(self, moment: datetime) -> str:
        """A clause keeping records on or before `moment`."""
        step = timedelta(seconds=1) if self.has_time else timedelta(days=1)
        return f"and|{self.name}|<|{self.literal(moment + step)}"


@dataclass(frozen=True)
class ZonePlan:
    stream: str
    zone: str  # the `zone=` value
    record_key: str  # the key of the records in `zoneresponse`
    id_field: str | None  # the id's key in the records
    id_where: str | None  # the id's documented WHERE name (IN batches and single-id reads)
    date_field: DateField | None  # the full read's date clause; also `start_date` and narrower windows
    id_clause: tuple[str, str, bool] | None  # (field, literal, required) of an always-true id clause
    change_log: str | None  # the zone's `zonename` in LastUpdate
    updated: (
        DateField | None
    )  # documented UTC update field, for a window when LastUpdate does not log the zone
    created: DateField | None  # documented UTC creation field, OR-ed with `updated` (a never-updated record's
    #                            update time is blank, docs/aroflo.md#incremental-sync)
    record_updated: str | None  # the records' own UTC update time (evidence that LastUpdate logs the zone)
    default_joins: tuple[str, ...] = ()
    join_fields: Mapping[str, tuple[str, ...]] | None = None
    # A `<parent>_documents` stream: the zone is the parent's, the records its attached documents.
    attached_to: AttachedTo | None = None

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> ZonePlan:
        """The stream's `$parameters` (their defaults: `stream_parameters.py`); `id_where` defaults to the
        id."""
        zone = str(parameters["zone"])
        full_read = parameters.get("full_read") or {}
        updated = parameters.get("updated") or {}
        id_field = record_id_field(parameters)
        id_clause = None
        if "id" in full_read:
            id_clause = (str(full_read["id"]), str(full_read["literal"]), bool(full_read.get("required")))
        return cls(
            stream=str(parameters["name"]),
            zone=zone,
            record_key=record_key(parameters),
            id_field=id_field,
            id_where=str(parameters.get("id_where") or id_field) if id_field else None,
            date_field=DateField.of(full_read.get("date")),
            id_clause=id_clause,
            change_log=parameters.get("change_log"),
            updated=DateField.of(updated.get("field")),
            created=DateField.of(updated.get("created")),
            record_updated=updated.get("in_records"),
            default_joins=tuple(parameters.get("default_joins") or ()),
            join_fields={k: tuple(v) for k, v in (parameters.get("join_fields") or {}).items()},
            attached_to=AttachedTo.from_parameters(parameters),
        )

    @property
    def keeps_ids(self) -> bool:
        """Full reads keep the ids they find, to find deletions by comparing them with the next read; a
        documents stream's records are not its zone's, and it tells no deletions (its state stays small)."""
        return self.id_field is not None and self.attached_to is None

    @property
    def optional_where(self) -> bool:
        """The full read's clause may be dropped if AroFlo rejects it (the zone has no default filter)."""
        return self.id_clause is not None and not self.id_clause[2]

    def full_read_where(self, start_date: str | None, drop_optional: bool = False) -> list[str]:
        if self.date_field:
            start = datetime.strptime(start_date, DATE) if start_date else datetime.strptime(EPOCH, DATE)
            if not start_date:  # `> 1900-01-01` itself: nothing is older
                return [f"and|{self.date_field.name}|>|{self.date_field.literal(start)}"]
            return [self.date_field.after(start)]
        if self.id_clause and not (drop_optional and self.optional_where):
            name, literal, _ = self.id_clause
            return [f"and|(|{name}|=|{literal}", f"or|{name}|!=|{literal}|)"]
        return []

    def window_where(self, low: datetime, high: datetime) -> list[str]:
        """The full read limited to `low`..`high` (both inclusive) on the date field: narrower windows."""
        assert self.date_field
        return [self.date_field.after(low), self.date_field.before(high)]

    def updated_where(self, since: datetime) -> list[str]:
        """Records created or updated since `since`, by their own documented UTC fields."""
        assert self.updated
        if not self.created:
            return [self.updated.after(since)]
        return [
            f"and|(|{self.updated.after(since).removeprefix('and|')}",
            f"or|{self.created.after(since).removeprefix('and|')}|)",
        ]

    def ids_where(self, ids: list[str]) -> list[str]:
        """One record by id counts against AroFlo's secondary allowance; several are an `IN` batch."""
        assert self.id_where
        if len(ids) == 1:
            return [f"and|{self.id_where}|=|{ids[0]}"]
        return [f"and|{self.id_where}|IN|{'*'.join(ids)}"]
