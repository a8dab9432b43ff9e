"""The slice of a zone stream: the first request of a partition and what its reading needs, named once.

The cursor (`sync.ZoneSync`) makes them, the requester (`zone_requester` in the manifest: `zone`, `where`,
`join`, `page`, `page_size`), the paginator, the change-position stamp and the retriever read them. A slice's
`partition` is its identity: the partition's number in this sync (the split windows of a partition keep it),
so the cursor finds a partition by a value the slice carries, never by the slice object.

>>> first = ZoneSlice(3, FULL, "tasks", where=("and|taskid|=|a",), allowance=Allowance.SECONDARY)
>>> stream_slice = first.stream_slice()
>>> stream_slice["zone"], stream_slice["page"], stream_slice.partition
('tasks', 1, {'read': 'full', 'partition': 3})
>>> ZoneSlice.of(stream_slice) == first
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from airbyte_cdk.sources.types import StreamSlice

from aroflo_client.budget import Allowance
from aroflo_client.paging import MAX_PAGE_SIZE

# What a partition reads (`ZoneSlice.read`).
FULL = "full"  # the whole zone, or its narrower windows: checkpointed page by page
FETCH = "fetch"  # the records the change log names, by id
WINDOW = "window"  # the records created or updated since a moment, by their own update field
DELETED = "deleted"  # no request: the deletions the change log names, as records
_PARTITION = ("read", "partition")  # the slice's identity (StreamSlice.partition); the rest is its request


@dataclass(frozen=True)
class ZoneSlice:
    partition: int  # the partition's number in this sync: the cursor's key for it
    read: str  # FULL, FETCH, WINDOW or DELETED
    zone: str
    join: str = ""
    where: tuple[str, ...] = ()
    page: int = 1
    page_size: int = MAX_PAGE_SIZE
    as_of: str | None = None  # the change position of every record read (ISO, UTC)
    changes: Mapping[str, str] | None = None  # FETCH/DELETED: record id -> its change time (ISO)
    window: tuple[str, str] | None = None  # a narrower window of a full read (ISO, both ends inclusive)
    splittable: bool = False  # may be read in narrower windows
    optional_where: bool = False  # the clause only guards against an undocumented default filter
    allowance: Allowance = (
        Allowance.DAILY
    )  # which of AroFlo's allowances its requests spend (aroflo_client/budget.py)

    @property
    def sends_requests(self) -> bool:
        return self.read != DELETED

    def stream_slice(self) -> StreamSlice:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _PARTITION}
        values["where"] = list(self.where)
        values["window"] = list(self.window) if self.window else None
        values["changes"] = dict(self.changes) if self.changes is not None else None
        return StreamSlice(partition={"read": self.read, "partition": self.partition}, cursor_slice=values)

    @classmethod
    def of(cls, stream_slice: Mapping[str, Any]) -> ZoneSlice:
        """The slice the cursor made, from the mapping the CDK hands back (a split window's child too)."""
        values = {name: stream_slice[name] for name in _FIELDS if stream_slice.get(name) is not None}
        values["where"] = tuple(values.get("where", ()))
        if "window" in values:
            values["window"] = tuple(values["window"])
        return cls(**values)

    @classmethod
    def of_any(cls, stream_slice: Mapping[str, Any] | None) -> ZoneSlice | None:
        """A zone stream's slice, or None for any other (the LastUpdate stream's dates, no slice at all)."""
        return cls.of(stream_slice) if stream_slice is not None and "partition" in stream_slice else None

    def but(self, **changes: Any) -> ZoneSlice:
        return replace(self, **changes)


_FIELDS = tuple(f.name for f in fields(ZoneSlice))  # what `ZoneSlice.of` reads from a slice
