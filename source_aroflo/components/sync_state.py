"""The state one zone stream saves between syncs (docs/aroflo.md#incremental-sync), as plain JSON.

>>> state = SyncState.load({"_ab_cdc_updated_at": "2026-11-30T20:00:00Z", "coverage": "covered",
...                         "recent": {"a": "2026-11-30T19:58:00Z"}})
>>> state.position, state.covered, state.full_read
(datetime.datetime(2026, 11, 30, 20, 0, tzinfo=datetime.timezone.utc), True, None)
>>> SyncState.load(state.dump()) == state
True

* `_ab_cdc_updated_at` - the position: every change up to this moment (UTC) has been delivered. It is also the
  stream's cursor field, so Airbyte shows it as the cursor.
* `full_read` - a full read that has not finished: when it started, the next page, the page size and the
  last record id read (a later sync continues there), the narrower windows still to read if AroFlo asked for
  them, and the ids read so far when they are kept (see `ids`).
* `recent` - change-log entries already fetched whose time is within the overlap before the position, so the
  next sync re-reads that stretch of the log for free without fetching them again.
* `read_at`, `ids` - when the last complete full read started, and the ids it found (compressed), to find
  deletions by comparison where AroFlo's change log cannot tell them.
* `coverage` - "covered" once there is evidence that LastUpdate logs the zone.
* `newest` - the most recently updated record seen by its own UTC update time: the evidence to look for.
* `records` - how many records the last complete full read found: when fetching a sync's changes 50 a call
  would cost more calls than reading the zone again, it is read again.
* `documents` - a `<parent>_documents` stream's own memory (`document_ledger.DocumentLedger`): whether
  uploads are shown to change their parent, the documents delivered within the overlap, the files still to
  fetch.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from aroflo_client.paging import MAX_PAGE_SIZE

CURSOR_FIELD = "_ab_cdc_updated_at"
DELETED_AT = "_ab_cdc_deleted_at"
ISO = "%Y-%m-%dT%H:%M:%SZ"
Span = tuple[datetime, datetime]  # a window's stretch, both ends inclusive: what names it


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(ISO)


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, ISO).replace(tzinfo=UTC)


def pack_ids(ids: Iterable[str]) -> str:
    """Ids as one compressed string: a reference zone's ids, or a large one's, fit in a small state."""
    return base64.b64encode(zlib.compress("\n".join(sorted(ids)).encode(), 9)).decode()


def unpack_ids(packed: str) -> set[str]:
    text = zlib.decompress(base64.b64decode(packed)).decode()
    return set(text.split("\n")) if text else set()


@dataclass(frozen=True)
class Window:
    """A narrower stretch of a full read (both ends inclusive, UTC) and its next page."""

    low: datetime
    high: datetime
    page: int = 1

    @property
    def span(self) -> Span:
        return self.low, self.high

    @classmethod
    def span_of(cls, ends: tuple[str, str] | None) -> Span | None:
        """The span a slice's `window` names (ISO ends), or None for the whole zone."""
        return (parse_iso(ends[0]), parse_iso(ends[1])) if ends else None

    def ends(self) -> tuple[str, str]:
        return iso(self.low), iso(self.high)

    def dump(self) -> list[Any]:
        return [iso(self.low), iso(self.high), self.page]

    @classmethod
    def load(cls, data: list[Any]) -> Window:
        return cls(parse_iso(data[0]), parse_iso(data[1]), int(data[2]) if len(data) > 2 else 1)


@dataclass(frozen=True)
class FullRead:
    started: datetime
    page_size: int = MAX_PAGE_SIZE
    page: int = 1  # the next page of the whole-zone read
    windows: tuple[Window, ...] | None = None  # narrower windows still to read, when AroFlo asked for them
    last_id: str | None = None
    optional_where_dropped: bool = False
    ids: str | None = None  # packed ids read so far; absent when they were not kept
    records: int = 0  # records read so far

    def dump(self, with_ids: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"started": iso(self.started), "page": self.page, "page_size": self.page_size}
        if self.records:
            data["records"] = self.records
        if self.windows is not None:
            data["windows"] = [window.dump() for window in self.windows]
        if self.last_id is not None:
            data["last_id"] = self.last_id
        if self.optional_where_dropped:
            data["optional_where_dropped"] = True
        if with_ids and self.ids is not None:
            data["ids"] = self.ids
        return data

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> FullRead:
        windows = data.get("windows")
        return cls(
            started=parse_iso(data["started"]),
            page_size=int(data.get("page_size", MAX_PAGE_SIZE)),
            page=int(data.get("page", 1)),
            windows=tuple(Window.load(w) for w in windows) if windows is not None else None,
            last_id=data.get("last_id"),
            optional_where_dropped=bool(data.get("optional_where_dropped")),
            ids=data.get("ids"),
            records=int(data.get("records", 0)),
        )

    def but(self, **changes: Any) -> FullRead:
        return replace(self, **changes)


@dataclass(frozen=True)
class SyncState:
    position: datetime | None = None
    full_read: FullRead | None = None
    recent: Mapping[str, str] = field(default_factory=dict)
    read_at: datetime | None = None
    ids: str | None = None
    covered: bool = False
    newest: tuple[str, str] | None = None  # (record id, its UTC update time as ISO)
    records: int | None = None  # records the last complete full read found
    documents: Mapping[str, Any] | None = None  # a documents stream's ledger (document_ledger.py)

    @classmethod
    def load(cls, data: Mapping[str, Any] | None) -> SyncState:
        """An empty or unreadable state is no state: the stream starts with a full read."""
        if not data or not isinstance(data, Mapping):
            return cls()
        try:
            newest = data.get("newest")
            return cls(
                position=parse_iso(data[CURSOR_FIELD]) if data.get(CURSOR_FIELD) else None,
                full_read=FullRead.load(data["full_read"]) if data.get("full_read") else None,
                recent=dict(data.get("recent") or {}),
                read_at=parse_iso(data["read_at"]) if data.get("read_at") else None,
                ids=data.get("ids"),
                covered=data.get("coverage") == "covered",
                newest=(str(newest["id"]), str(newest["at"])) if newest else None,
                records=int(data["records"]) if data.get("records") is not None else None,
                documents=data.get("documents") if isinstance(data.get("documents"), Mapping) else None,
            )
        except (KeyError, TypeError, ValueError):
            return cls()

    def dump(self, with_ids: bool = True) -> dict[str, Any]:
        """The JSON state; page checkpoints leave the (large) id lists out, the final state keeps them."""
        data: dict[str, Any] = {}
        if self.position is not None:
            data[CURSOR_FIELD] = iso(self.position)
        if self.full_read is not None:
            data["full_read"] = self.full_read.dump(with_ids)
        if self.recent:
            data["recent"] = dict(sorted(self.recent.items()))
        if self.read_at is not None:
            data["read_at"] = iso(self.read_at)
        if with_ids and self.ids is not None:
            data["ids"] = self.ids
        if self.covered:
            data["coverage"] = "covered"
        if self.newest is not None:
            data["newest"] = {"id": self.newest[0], "at": self.newest[1]}
        if self.records is not None:
            data["records"] = self.records
        if self.documents:
            data["documents"] = dict(self.documents)
        return data

    def but(self, **changes: Any) -> SyncState:
        return replace(self, **changes)
