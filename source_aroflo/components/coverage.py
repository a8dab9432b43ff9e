"""Whether AroFlo's change log logs a zone, from evidence read for free (docs/aroflo.md#incremental-sync).

LastUpdate does not say which zones it logs, so before a sync relies on it: the most recently updated record
the connector saw, by its own UTC update time, must have its entry; for a zone whose records carry no update
time, any entry at all will do. Without the evidence the zone is read through its fallbacks.

>>> from datetime import UTC
>>> class Log:
...     def probe(self, zonename, after=None, pages=1):
...         return [Entry("a", datetime(2026, 11, 30, 9, tzinfo=UTC), False)]
>>> logged(Log(), "tasks", newest=("a", "2026-11-30T09:00:00Z"))
(True, 'the newest update, a at 2026-11-30T09:00:00Z, is in LastUpdate')
>>> logged(Log(), "tasks", newest=("b", "2026-11-30T09:00:00Z"))[0]
False
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from source_aroflo.components.changes import Entry, LogWindow
from source_aroflo.components.sync_run import ZoneRun
from source_aroflo.components.sync_state import parse_iso

LOGGER = logging.getLogger("airbyte")


class Probe(Protocol):
    def probe(self, zonename: str, after: datetime | None = None, pages: int = 1) -> list[Entry]: ...


class ChangeLogReader(Probe, Protocol):
    """What the sync reads LastUpdate with: one read for every zone (`shared_log.SharedChangeLog`)."""

    def entries(self, zonename: str, after: datetime) -> Iterator[list[Entry]]: ...

    def since(self, zonename: str, after: datetime, now: datetime) -> LogWindow: ...

    def seen(self, zonename: str, after: datetime) -> list[Entry]: ...


def logged(change_log: Probe, zonename: str, newest: tuple[str, str] | None) -> tuple[bool, str]:
    """(whether LastUpdate is shown to log the zone, the evidence in words)."""
    if newest is not None:
        record_id, at = newest
        entries = change_log.probe(zonename, parse_iso(at) - timedelta(minutes=1), pages=2)
        covered = any(entry.record_id == record_id for entry in entries)
        return covered, f"the newest update, {record_id} at {at}, is {'' if covered else 'not '}in LastUpdate"
    covered = bool(change_log.probe(zonename))
    return covered, f"LastUpdate has {'entries' if covered else 'no entry'} for {zonename}"


@dataclass
class Coverage:
    """A sync's view of the change log's coverage of its zone: the evidence, once found kept in the state."""

    run: ZoneRun
    change_log: ChangeLogReader

    def covered(self) -> bool:
        run, plan = self.run, self.run.plan
        if run.state.covered:
            return True
        assert plan.change_log is not None
        covered, evidence = logged(self.change_log, plan.change_log, run.state.newest)
        fallback = ("a window on " + plan.updated.name) if plan.updated else "full re-reads"
        how = "LastUpdate" if covered else fallback
        LOGGER.info(f"{plan.stream}: changes are found through {how} ({evidence}).")
        if covered:
            run.state = run.state.but(covered=True, ids=None)
        return covered

    def deletions_since_started(self) -> int | None:
        """Records deleted since the unfinished full read started, when the change log shows them."""
        full_read, zonename = self.run.state.full_read, self.run.plan.change_log
        if zonename is None or full_read is None or not self.covered():
            return None
        since = full_read.started - self.run.settings.overlap
        return sum(e.deleted for rows in self.change_log.entries(zonename, since) for e in rows)
