"""The slices of each way a sync reads a zone (docs/aroflo.md#incremental-sync); the cursor chooses the way
(`sync.ZoneSync`), this makes its slices:

* `full_read` / `resume`: the whole zone, with its documented defeat of the 30-day default filter
  (`plan.ZonePlan`), or the narrower windows an earlier sync was reading;
* `changes`: the records LastUpdate names since the position, by id (`change_plan.plan_changes` decides one
  per call, 50 a call, or a re-read), and the deletions it names, delivered as records without a request;
* `updated_window`: the records created or updated since the position, by their own UTC update field;
* `reread_if_due`: a full re-read, at most every interval.

Each way sets `finish`: what finishing every partition of the sync means for the state.

>>> from datetime import UTC
>>> from source_aroflo.components.plan import ZonePlan
>>> from source_aroflo.components.sync_settings import SyncSettings
>>> from source_aroflo.components.sync_state import SyncState
>>> tasks = ZonePlan.from_parameters({"name": "tasks", "zone": "tasks", "primary_key": ["taskid"],
...                                   "full_read": {"date": "datetimerequested"}})
>>> run = ZoneRun(tasks, SyncSettings(start_date="2024-01-01"), SyncState())
>>> planner = SyncPlanner(run, PartitionRegistry(), change_log=None, budget=None)
>>> [first] = planner.full_read(datetime(2026, 11, 30, tzinfo=UTC), keep_ids=True)
>>> first.partition, first.read, first.where, first.splittable
(1, 'full', ('and|datetimerequested|>|2023-12-31 23:59:59',), True)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from aroflo_client.budget import Allowance
from source_aroflo.components import full_read as progress
from source_aroflo.components.change_plan import BATCH, plan_changes
from source_aroflo.components.changes import Entry
from source_aroflo.components.coverage import ChangeLogReader, Coverage
from source_aroflo.components.partitions import PartitionRegistry, Read
from source_aroflo.components.plan import ZonePlan
from source_aroflo.components.sync_run import ZoneRun
from source_aroflo.components.sync_settings import SyncSettings
from source_aroflo.components.sync_state import SyncState, Window, iso
from source_aroflo.components.zone_slice import DELETED, FETCH, FULL, WINDOW, ZoneSlice

LOGGER = logging.getLogger("airbyte")


class Singles(Protocol):
    def take_singles(self, count: int, limit: int) -> bool: ...


def _nothing() -> None:
    """A sync with nothing to read for the stream: its state stays as it was."""


def change_log_needed_from(
    plan: ZonePlan, settings: SyncSettings, state: SyncState, now: datetime
) -> datetime | None:
    """Where this sync may read the zone's change log from, so that one read serves every zone
    (`shared_log.py`): its changes since the position, the deletions since an unfinished full read began, or,
    before a first full read, the entries of the overlap that read delivers (`SyncPlanner.full_read`)."""
    if plan.change_log is None or not settings.incremental:
        return None
    if state.full_read is not None:
        return state.full_read.started - settings.overlap
    return (state.position or now) - settings.overlap


def logged_before(run: ZoneRun, change_log: ChangeLogReader, now: datetime) -> list[Entry]:
    """The zone's entries of the next sync's overlap that were logged before a full read beginning `now`: it
    delivers their changes, so the next sync need not fetch them (an entry logged later still is)."""
    if run.plan.change_log is None or not run.settings.incremental:
        return []
    return change_log.seen(run.plan.change_log, now - run.settings.overlap)


@dataclass
class SyncPlanner:
    run: ZoneRun
    partitions: PartitionRegistry
    change_log: ChangeLogReader
    budget: Singles
    coverage: Coverage = field(init=False)
    finish: Callable[[], None] = field(default=_nothing)  # what finishing all of this sync's partitions means

    def __post_init__(self) -> None:
        self.coverage = Coverage(self.run, self.change_log)

    @property
    def _name(self) -> str:
        return self.run.plan.stream

    def slice(self, read: Read, **fields: Any) -> ZoneSlice:
        """A new partition's slice (registered: the cursor finds the partition by its number)."""
        joins = ",".join(self.run.settings.joins)
        return ZoneSlice(self.partitions.open(read), read.kind, self.run.plan.zone, joins, **fields)

    def whole_zone(self, page: int) -> ZoneSlice:
        plan, full_read = self.run.plan, self.run.state.full_read
        assert full_read is not None
        return self.slice(
            Read(FULL),
            where=tuple(plan.full_read_where(self.run.settings.start_date, full_read.optional_where_dropped)),
            page=page,
            page_size=self.run.settings.page_size,
            as_of=iso(full_read.started),
            optional_where=plan.optional_where and not full_read.optional_where_dropped,
            # The CDK allows no narrower windows beside a file uploader (documents streams).
            splittable=plan.date_field is not None and plan.attached_to is None,
        )

    def window(self, of: ZoneSlice, window: Window) -> ZoneSlice:
        """A narrower window of a full read: a slice of the partition `of` (splits) or a new one (resumes)."""
        return of.but(
            where=tuple(self.run.plan.window_where(window.low, window.high)),
            page=window.page,
            window=window.ends(),
            splittable=True,
            optional_where=False,
        )

    # ---- the ways ------------------------------------------------------------------------------------------
    def full_read(self, now: datetime, keep_ids: bool) -> Iterator[ZoneSlice]:
        self.run.start_full_read(now, keep_ids)
        self.run.covers(logged_before(self.run, self.change_log, now))
        self.finish = self.look_for_evidence
        yield self.whole_zone(page=1)

    def look_for_evidence(self) -> None:
        """A full read is finished: whether LastUpdate logs the zone is asked now, its newest update just
        seen, rather than by the next sync (which then only reads the change log once for every zone). A
        documents stream asks once uploads are shown to change their parents (`sync.ZoneSync._choose`)."""
        run = self.run
        finished = run.read_in_full and run.settings.incremental and run.ledger is None
        if finished and run.plan.change_log and not run.state.covered:
            try:
                self.coverage.covered()
            except Exception as error:  # the read is done and must be saved: the next sync asks again
                LOGGER.warning(
                    f"{self._name}: whether LastUpdate logs the zone is asked next sync ({error})."
                )

    def resume(self, deletions: Callable[[], int | None]) -> Iterator[ZoneSlice]:
        assert self.run.state.full_read is not None
        full_read = self.run.resume_full_read(progress.pages_back(self.run.state.full_read, deletions))
        self.finish = self.look_for_evidence
        LOGGER.info(
            f"{self._name}: continuing the full read started {iso(full_read.started)} "
            f"at page {full_read.page} of {full_read.page_size} records"
            + (f", in {len(full_read.windows)} narrower windows" if full_read.windows is not None else "")
            + ("" if self.run.ids is not None else "; deletions are found from the next complete read")
            + "."
        )
        if full_read.windows is None:
            yield self.whole_zone(page=full_read.page)
            return
        for window in full_read.windows:  # a partition each
            first = self.slice(Read(FULL, windows=[window]), as_of=iso(full_read.started))
            yield self.window(first.but(page_size=self.run.settings.page_size), window)

    def reread_if_due(self, now: datetime, interval: timedelta, why: str) -> Iterator[ZoneSlice]:
        read_at = self.run.state.read_at
        if read_at is not None and now - read_at < interval:
            LOGGER.info(
                f"{self._name}: read in full at most every {interval} ({why}); last read {iso(read_at)}."
            )
        elif self.run.settings.first_reads_unfinished:
            LOGGER.info(f"{self._name}: re-read postponed until every stream's first full read is done.")
        else:
            LOGGER.info(f"{self._name}: re-reading zone {self.run.plan.zone} in full ({why}).")
            yield from self.full_read(now, keep_ids=self.run.plan.keeps_ids)
            return
        self.finish = _nothing

    def updated_window(self, now: datetime) -> Iterator[ZoneSlice]:
        plan, settings = self.run.plan, self.run.settings
        assert plan.updated is not None and self.run.state.position is not None
        if settings.first_reads_unfinished:
            LOGGER.info(f"{self._name}: window read postponed until every first full read is done.")
            self.finish = _nothing
            return
        since = self.run.state.position - settings.overlap
        LOGGER.info(
            f"{self._name}: records created or updated since {iso(since)} by their own "
            f"{plan.updated.name} (LastUpdate is not shown to log zone {plan.zone})."
        )
        self.finish = lambda: self.run.advance(now)
        where = tuple(plan.updated_where(since))
        yield self.slice(Read(WINDOW), where=where, page_size=settings.page_size, as_of=iso(now))

    def changes(self, now: datetime) -> Iterator[ZoneSlice]:
        run, plan, settings = self.run, self.run.plan, self.run.settings
        assert plan.change_log is not None and run.state.position is not None
        since = run.state.position - settings.overlap
        window = self.change_log.since(plan.change_log, since, now)
        changes = plan_changes(
            window.pages,
            recent=run.state.recent,
            since=since,
            retry=run.ledger.failed_parents() if run.ledger is not None else set(),
            take_singles=lambda count: self.budget.take_singles(count, settings.single_fetch_limit),
            records=run.state.records,
            page_size=settings.page_size,
            overlap=settings.overlap,
        )
        if changes.deleted:
            deleted = {entry.record_id: iso(entry.at) for entry in changes.deleted}
            yield self.slice(Read(DELETED, changes=deleted), changes=deleted)
        if changes.reread:
            calls = run.state.records // settings.page_size + 1  # type: ignore[operator]
            LOGGER.info(
                f"{self._name}: {len(changes.wanted)} changed records would take "
                f"{-(-len(changes.wanted) // BATCH)} calls {BATCH} at a time; reading zone {plan.zone} again "
                f"is cheaper (its {run.state.records} records: {calls} calls)."
            )
            # Every entry read here is older than the re-read: the next overlap need not fetch them.
            run.covers(changes.wanted)
            yield from self.full_read(now, keep_ids=plan.keeps_ids)
            return
        LOGGER.info(f"{self._name}: {changes.summary(iso(since))}")
        self.finish = lambda: run.advance(window.as_of)
        allowance = Allowance.SECONDARY if changes.singles else Allowance.DAILY
        for group in changes.groups:
            named = {entry.record_id: iso(entry.at) for entry in group}
            where = tuple(plan.ids_where(list(named)))
            yield self.slice(Read(FETCH, changes=named), where=where, changes=named, allowance=allowance)
