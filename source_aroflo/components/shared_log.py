"""One read of AroFlo's change log for every zone stream of a sync (docs/architecture.md).

LastUpdate is free of the daily limit, but not of the 120-a-minute rate every integration of the account
shares: read zone by zone, an idle sync asked it once per logged zone (and once more per zone to probe it);
read once, it asks it once per 500 entries. The component factory makes one `SharedChangeLog` per sync and
gives it to every zone stream's cursor; each stream that may read the log says, as it is built, from when
(`need`). The first stream that asks reads every zone's entries once, from the oldest of those moments
(streams more than `SPAN` behind the median are left out: a zone far behind reads its own stretch rather than
make the shared read long), by time as `changes.ChangeLog` reads them; each zone takes its own. An asker that
needs older entries than the shared read holds (a resumed full read's deletions, a zone far behind) reads its
own zone's, as before.

The shared read is complete up to the moment it began (`as_of`): a zone planning its fetches later still
takes that moment as its new position, so an entry logged after it is read by the next sync. What it holds
was visible before any zone's read of this sync began, so a full read of the zone delivers it (`seen`).

Probes (`coverage.py`) are answered from the shared read when it holds the moments asked about; otherwise
they ask AroFlo as before. The `last_update` stream takes its window's rows, as AroFlo sent them, from the
same read when it holds the window (`change_log_retriever.py`).

>>> from datetime import UTC
>>> t = datetime(2026, 11, 30, 9, tzinfo=UTC)
>>> class Log:  # every zone's entries, as `ChangeLog.entries(None, after)` pages them
...     reads = 0
...     def entries(self, zonename, after, rows=None):
...         Log.reads += 1
...         yield [Entry("a", t, False, "tasks"), Entry("b", t, False, "quotes")]
>>> shared = SharedChangeLog(Log(), clock=lambda: t)  # type: ignore[arg-type]
>>> shared.need("tasks", t - timedelta(minutes=5)); shared.need("quotes", t - timedelta(minutes=10))
>>> [e.record_id for rows in shared.since("tasks", t - timedelta(minutes=5), t).pages for e in rows]
['a']
>>> [e.record_id for rows in shared.since("quotes", t - timedelta(minutes=10), t).pages for e in rows]
['b']
>>> Log.reads
1
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from source_aroflo.components.changes import ChangeLog, Entry, LogWindow

LOGGER = logging.getLogger("airbyte")
SECOND = timedelta(seconds=1)
SPAN = timedelta(days=2)  # streams further behind the median need read their own zone's entries


@dataclass(frozen=True)
class SharedRead:
    """Every zone's entries later than `after`, complete up to `as_of`, by zone name."""

    after: datetime
    as_of: datetime
    by_zone: dict[str, list[Entry]]
    rows: list[tuple[datetime | None, Mapping[str, Any]]]  # every row as AroFlo sent it, with its time

    def of(self, zonename: str, after: datetime) -> list[Entry]:
        return [entry for entry in self.by_zone.get(zonename.lower(), []) if entry.at > after]

    def between(self, start: datetime, end: datetime) -> list[Mapping[str, Any]] | None:
        """The rows from `start` to `end`, both included (None: a row whose time cannot be read)."""
        if any(at is None for at, _ in self.rows):
            return None
        return [dict(row) for at, row in self.rows if at is not None and start <= at <= end]


def unique_rows(rows: list[Mapping[str, Any]]) -> list[tuple[datetime | None, Mapping[str, Any]]]:
    """Each row once (a page read by time starts again at its predecessor's last second), with its time."""
    seen: set[str] = set()
    unique = []
    for row in rows:
        key = json.dumps(row, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            entry = Entry.of({**row, "zoneid": row.get("zoneid") or "-"})  # its time, whatever its id
            unique.append((entry.at if entry is not None else None, row))
    return unique


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SharedChangeLog:
    """What a zone's sync reads LastUpdate with (`coverage.ChangeLogReader`); thread-safe: streams plan their
    slices in the CDK's worker threads, and the one that reads holds the others until it is done."""

    log: ChangeLog | None = (
        None  # set by the first zone stream built (the `last_update` stream is built first)
    )
    clock: Callable[[], datetime] = _now
    needs: dict[str, datetime] = field(default_factory=dict)  # stream -> the oldest entry it may need
    streams: set[str] = field(default_factory=set)  # every stream built with this log (a rebuild repeats one)
    _read: SharedRead | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def need(self, stream: str, after: datetime | None) -> None:
        """`stream` may read the log's entries after `after` in this sync (None: it will not read it)."""
        with self._lock:
            self.streams.add(stream)
            if after is not None:
                self.needs[stream] = after

    def rows(self, start: datetime, end: datetime) -> list[Mapping[str, Any]] | None:
        """LastUpdate's rows from `start` to `end` (both included), if the shared read holds them."""
        shared = self._shared(start - SECOND)
        return shared.between(start, end) if shared is not None else None

    def since(self, zonename: str, after: datetime, now: datetime) -> LogWindow:
        shared = self._shared(after)
        if shared is None:
            return self._own().since(zonename, after, now)
        return LogWindow([shared.of(zonename, after)], shared.as_of)

    def entries(self, zonename: str, after: datetime) -> Iterator[list[Entry]]:
        shared = self._shared(after)
        if shared is None:
            yield from self._own().entries(zonename, after)
        else:
            yield shared.of(zonename, after)

    def seen(self, zonename: str, after: datetime) -> list[Entry]:
        """The zone's entries after `after` that were visible before this call (none known: [])."""
        shared = self._shared(after)
        return shared.of(zonename, after) if shared is not None else []

    def probe(self, zonename: str, after: datetime | None = None, pages: int = 1) -> list[Entry]:
        """The zone's entries after `after` (all of them, where the shared read holds them: a superset of
        AroFlo's first pages), or, without `after`, one entry of the zone if the shared read has any."""
        shared = self._shared(after)
        if shared is not None:
            if after is not None:
                return shared.of(zonename, after)
            found = shared.by_zone.get(zonename.lower())
            if found:
                return found[:1]
        return self._own().probe(zonename, after, pages)

    def _own(self) -> ChangeLog:
        assert self.log is not None, "a zone stream's cursor reads the log: the first zone stream set it"
        return self.log

    def _start(self) -> datetime | None:
        """Where the shared read starts: the oldest need within `SPAN` of the median one (a daily sync's
        zones and a stream new to it share the read; one zone days behind does not stretch it)."""
        if not self.needs:
            return None
        needs = sorted(self.needs.values())
        median = needs[len(needs) // 2]
        return min(need for need in needs if need >= median - SPAN)

    def _shared(self, after: datetime | None) -> SharedRead | None:
        """The shared read (made by the first stream it serves), if it holds the entries after `after` (any
        moment it holds, when None)."""
        with self._lock:
            if self._read is None:
                start = self._start()
                if start is None or self.log is None or (after is not None and after < start):
                    return None
                self._read = self._read_from(start)
            if after is not None and after < self._read.after:
                return None
            return self._read

    def _read_from(self, start: datetime) -> SharedRead:
        as_of, rows = self.clock(), list[Mapping[str, Any]]()
        by_zone: dict[str, list[Entry]] = {}
        # A page read by time starts again at its predecessor's last second: its entries come twice.
        seen: set[tuple[str, Entry]] = set()
        for page in self._own().entries(None, start, rows):
            for entry in page:
                if (entry.zonename, entry) not in seen:
                    seen.add((entry.zonename, entry))
                    by_zone.setdefault(entry.zonename, []).append(entry)
        count = sum(map(len, by_zone.values()))
        LOGGER.info(
            f"LastUpdate read once for every zone: {count} entr{'y' if count == 1 else 'ies'} after "
            f"{start.isoformat()} in {len(by_zone)} zone(s)."
        )
        return SharedRead(start, as_of, by_zone, unique_rows(rows))
