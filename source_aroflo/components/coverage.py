"""Whether AroFlo's change log logs a zone, from evidence read for free (docs/aroflo.md#incremental-sync).

LastUpdate does not say which zones it logs, so before a sync relies on it: the most recently updated record
the connector saw, by its own UTC update time, must have its entry; for a zone whose records carry no update
time, any entry at all will do. Without the evidence the zone is read through its fallbacks.

>>> class Log:
...     def probe(self, zonename, after=None, pages=1):
...         return [Entry("a", datetime(2026, 11, 30, 9, tzinfo=UTC), False)]
>>> logged(Log(), "tasks", newest=("a", "2026-11-30T09:00:00Z"))
(True, 'the newest update, a at 2026-11-30T09:00:00Z, is in LastUpdate')
>>> logged(Log(), "tasks", newest=("b", "2026-11-30T09:00:00Z"))[0]
False
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from source_aroflo.components.changes import Entry
from source_aroflo.components.sync_state import parse_iso


class Probe(Protocol):
    def probe(self, zonename: str, after: datetime | None = None, pages: int = 1) -> list[Entry]: ...


def logged(change_log: Probe, zonename: str, newest: tuple[str, str] | None) -> tuple[bool, str]:
    """(whether LastUpdate is shown to log the zone, the evidence in words)."""
    if newest is not None:
        record_id, at = newest
        entries = change_log.probe(zonename, parse_iso(at) - timedelta(minutes=1), pages=2)
        covered = any(entry.record_id == record_id for entry in entries)
        return covered, f"the newest update, {record_id} at {at}, is {'' if covered else 'not '}in LastUpdate"
    covered = bool(change_log.probe(zonename))
    return covered, f"LastUpdate has {'entries' if covered else 'no entry'} for {zonename}"
