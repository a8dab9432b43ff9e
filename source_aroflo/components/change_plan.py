"""What a sync fetches from the change log's entries (docs/aroflo.md#incremental-sync): a pure decision.

Given the zone's LastUpdate entries since the position (minus the overlap), the entries already fetched
(`recent`), the parents whose files must be fetched again (a documents stream), whether the secondary
allowance takes the sync's single-record reads, and the zone's size: the records to fetch one per call (the
secondary allowance) or 50 a call (`IN` batches on the daily budget), the deletions, or a re-read of the zone
when the batches would cost more calls than reading it again.

>>> from datetime import UTC
>>> at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
>>> entries = [[Entry("a", at, False), Entry("b", at, True), Entry("c", at, False)]]
>>> plan = plan_changes(entries, recent={"c": "2026-11-30T09:00:00Z"}, since=at, retry=set(),
...                     take_singles=lambda count: True, records=None, page_size=500)
>>> [[e.record_id for e in group] for group in plan.groups], plan.deleted, plan.skipped, plan.reread
([['a']], [Entry(record_id='b', ...)], 1, False)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from source_aroflo.components.changes import Entry
from source_aroflo.components.sync_state import parse_iso

BATCH = 50  # ids per `IN` call: keeps the query string well under common 2 KB URL limits


@dataclass(frozen=True)
class ChangePlan:
    groups: list[list[Entry]] = field(default_factory=list)  # one request each: one id, or an `IN` batch
    singles: bool = False  # one id per call, on the secondary allowance
    deleted: list[Entry] = field(default_factory=list)  # the log says these records were deleted
    skipped: int = 0  # entries already fetched at (or after) their change: the overlap costs nothing
    reread: bool = False  # reading the zone again costs fewer calls than the batches
    wanted: list[Entry] = field(default_factory=list)  # the records to fetch (on a re-read: covered by it)

    def summary(self, since: str) -> str:
        return (
            f"LastUpdate since {since}: {len(self.wanted) if self.singles else 0} record(s) fetched one per "
            f"call (secondary allowance), {0 if self.singles else len(self.groups)} batch call(s) (daily "
            f"budget), {len(self.deleted)} deletion(s), {self.skipped} "
            f"entr{'y' if self.skipped == 1 else 'ies'} already fetched."
        )


def latest_entries(pages: Iterable[list[Entry]]) -> list[Entry]:
    """Each record's latest entry (a record changed twice is fetched once)."""
    latest: dict[str, Entry] = {}
    for rows in pages:
        for entry in rows:
            if entry.record_id not in latest or entry.at >= latest[entry.record_id].at:
                latest[entry.record_id] = entry
    return list(latest.values())


def plan_changes(
    pages: Iterable[list[Entry]],
    recent: Mapping[str, str],
    since: datetime,
    retry: set[str],
    take_singles: Callable[[int], bool],
    records: int | None,
    page_size: int,
    overlap: timedelta = timedelta(minutes=10),
) -> ChangePlan:
    """`since` is the position minus `overlap`; `retry` the parents read again for their files;
    `take_singles(n)` whether n single-record reads may be spent; `records` the zone's size when known."""
    wanted, deleted, skipped = [], [], 0
    for entry in latest_entries(pages):
        done = recent.get(entry.record_id)
        if done is not None and parse_iso(done) >= entry.at:
            skipped += 1
        elif entry.deleted:
            deleted.append(entry)
        else:
            wanted.append(entry)
    named = {entry.record_id for entry in wanted}
    wanted += [Entry(parent, since + overlap, False) for parent in sorted(retry - named)]
    singles = bool(wanted) and take_singles(len(wanted))
    batch_calls = -(-len(wanted) // BATCH)
    if not singles and records is not None and batch_calls > records // page_size + 1:
        return ChangePlan(deleted=deleted, skipped=skipped, reread=True, wanted=wanted)
    groups = (
        [[e] for e in wanted] if singles else [wanted[i : i + BATCH] for i in range(0, len(wanted), BATCH)]
    )
    return ChangePlan(groups, singles, deleted, skipped, wanted=wanted)
