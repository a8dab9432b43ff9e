"""One sync of a zone stream in progress: its state (`sync_state.SyncState`) and every change made to it as
the sync reads - a full read started, resumed, checkpointed, split and finished, records seen, fetches
closed, deletions noted, the position advanced. No I/O and no lock: the cursor (`sync.ZoneSync`) holds its
lock around each call and emits the state.

>>> from datetime import UTC
>>> from source_aroflo.components.plan import ZonePlan
>>> plan = ZonePlan.from_parameters({"name": "tasks", "zone": "tasks", "id": "taskid"})
>>> run = ZoneRun(plan, SyncSettings(start_date=None), SyncState())
>>> now = datetime(2026, 11, 30, tzinfo=UTC)
>>> run.start_full_read(now, keep_ids=True).started == now
True
>>> full = Read(FULL)
>>> run.observe(full, {"taskid": "a"}); run.read_ended(full), run.read_closed(full)
([], None)
>>> run.state.position == now, run.state.records, run.state.full_read
(True, 1, None)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from airbyte_cdk.sources.types import Record

from source_aroflo.components import full_read as progress
from source_aroflo.components.changes import Entry
from source_aroflo.components.deletions import KeptIds, gone_since
from source_aroflo.components.document_ledger import DocumentLedger
from source_aroflo.components.partitions import Read
from source_aroflo.components.plan import ZonePlan
from source_aroflo.components.sync_settings import SyncSettings
from source_aroflo.components.sync_state import FullRead, Span, SyncState, Window, iso, parse_iso
from source_aroflo.components.zone_slice import DELETED, FETCH, FULL

LOGGER = logging.getLogger("airbyte")


def latest(*times: Mapping[str, str]) -> dict[str, str]:
    """Each id's latest time of these maps of id -> ISO time (such text orders as the moments)."""
    merged: dict[str, str] = {}
    for each in times:
        for record_id, at in each.items():
            merged[record_id] = max(at, merged.get(record_id, at))
    return merged


@dataclass
class ZoneRun:
    plan: ZonePlan
    settings: SyncSettings
    state: SyncState
    ledger: DocumentLedger | None = None  # a documents stream's memory of what it delivered
    ids: KeptIds | None = None  # ids of the running full read, when kept for finding deletions
    count: int = 0  # records the running full read found in this sync
    base: int = 0  # ... and in the syncs before, when it was resumed
    covered: dict[str, str] = field(default_factory=dict)  # log entries this sync's full read delivers
    read_in_full: bool = False  # a full read of the zone finished in this sync

    # ---- a full read ---------------------------------------------------------------------------------------
    def start_full_read(self, now: datetime, keep_ids: bool) -> FullRead:
        self._full_read(FullRead(started=now, page_size=self.settings.page_size))
        self.ids = KeptIds() if keep_ids else None
        return self._running()

    def covers(self, entries: Iterable[Entry]) -> None:
        """The running full read delivers these entries' changes: once it finishes, the next sync's overlap
        does not fetch them again (a later entry of the same record still is)."""
        self.covered = latest(self.covered, *({entry.record_id: iso(entry.at)} for entry in entries))

    def resume_full_read(self, pages_back: int) -> FullRead:
        saved = self._running()
        self._full_read(progress.resumed(saved, self.settings.page_size, pages_back))
        self.ids = KeptIds.unpacked(saved.ids) if saved.ids is not None else None
        self.base = saved.records
        return self._running()

    def page_done(
        self, read: Read, span: Span | None, page: int, page_size: int, last: Record | None
    ) -> bool:
        """A page is read; a full read saves the next one (True: a checkpoint to emit)."""
        if read.kind != FULL or self.state.full_read is None:
            return False
        last_id = str(last.data.get(self.plan.id_field, "")) if last and self.plan.id_field else None
        records = self.base + self.count
        self._full_read(progress.checkpointed(self._running(), span, page, page_size, last_id, records))
        return True

    def split(self, span: Span | None, children: list[Window]) -> None:
        self._full_read(progress.split(self._running(), span, children))

    # ---- what a partition read ---------------------------------------------------------------------------
    def observe(self, read: Read, data: Mapping[str, Any]) -> None:
        record_id = str(data.get(self.plan.id_field, "")) if self.plan.id_field else ""
        if not record_id:
            return
        if read.kind == FETCH:
            read.seen.add(record_id)
            return
        if read.kind == FULL:
            self.count += 1
        if self.ids is not None:
            self.ids.add(record_id)
        value = data.get(self.plan.record_updated) if self.plan.record_updated else None
        newest = self.state.newest
        if isinstance(value, str) and value.endswith("Z") and (newest is None or value > newest[1]):
            self.state = self.state.but(newest=(record_id, value))

    def read_ended(self, read: Read) -> list[tuple[str, str]]:
        """The partition's records are all read: its deletions, (id, time), as records to deliver."""
        if read.kind in (FETCH, DELETED):
            read.deleted = [(i, at) for i, at in read.changes.items() if i not in read.seen]
        elif read.kind == FULL and self.state.full_read is not None:
            full_read = self.state.full_read
            if full_read.windows is not None:  # its windows are read: the read goes on with the others
                self._full_read(
                    full_read.but(windows=progress.without(full_read.windows, read.windows or ()))
                )
            if not self._running().windows:
                started = iso(full_read.started)
                read.deleted = [(i, started) for i in gone_since(self.state.ids, self.ids)]
        for record_id, at in read.deleted:
            self.deleted(record_id, at)
        return [] if self.ledger is not None else read.deleted

    def deleted(self, record_id: str, at: str) -> None:
        """A record is gone; a documents stream forgets its parent's documents (it keeps no list to name)."""
        if self.ledger is not None:
            self.ledger.forget_parent(record_id)
        self.state = self.state.but(recent={**self.state.recent, record_id: at})

    def read_closed(self, read: Read) -> None:
        if read.kind == FETCH:
            self.state = self.state.but(recent=latest(self.state.recent, read.changes))
        elif read.kind == FULL and self.state.full_read is not None and not self._running().windows:
            self._finish_full_read(self._running())

    def _finish_full_read(self, full_read: FullRead) -> None:
        keep = self.ids is not None and not self.state.covered
        position = max(full_read.started, self.state.position or full_read.started)
        recent = latest(self.state.recent, self.covered)
        self.state = self.state.but(
            records=self.base + self.count,
            full_read=None,
            position=position,
            read_at=full_read.started,
            ids=self.ids.packed() if keep and self.ids is not None else None,
            recent={k: v for k, v in recent.items() if parse_iso(v) > position - self.settings.overlap},
        )
        self.ids = None
        self.read_in_full = True

    def advance(self, now: datetime) -> None:
        """Everything up to `now` is delivered; keep only the entries the next overlap re-reads."""
        horizon = now - self.settings.overlap
        recent = {k: v for k, v in self.state.recent.items() if parse_iso(v) > horizon}
        self.state = self.state.but(position=now, recent=recent)

    # ---- a documents stream: its parents, the documents it delivers, their files ------------------------
    def parents_read(self, read: Read | None, parents: Iterable[Mapping[str, Any]]) -> None:
        """A page of a documents stream's parents: the zone's records, and the evidence of whether an
        upload changes its parent."""
        assert self.plan.attached_to is not None and self.ledger is not None
        for parent in parents:
            self.ledger.parent_read(parent, self.plan.attached_to)
            if read is not None:
                self.observe(read, parent)

    def settle(self) -> str | None:
        """The sync is over: what the documents stream concluded about uploads, if anything."""
        if self.ledger is None:
            return None
        verdict = self.ledger.settle(self.state.position, self.settings.overlap, self.read_in_full)
        return f"uploads {self.ledger.uploads}: {verdict}" if verdict else None

    # ---- the state -----------------------------------------------------------------------------------------
    def current(self) -> SyncState:
        """The state, a documents stream's ledger included."""
        if self.ledger is not None:
            self.state = self.state.but(documents=self.ledger.dump())
        return self.state

    def stopped(self) -> SyncState:
        """The sync stops (possibly inside a full read): its position, and the ids read so far."""
        full_read = self.state.full_read
        if full_read is not None:
            ids = self.ids.packed() if self.ids is not None else full_read.ids
            self._full_read(full_read.but(ids=ids, records=self.base + self.count))
        return self.current()

    def _running(self) -> FullRead:
        assert self.state.full_read is not None
        return self.state.full_read

    def _full_read(self, full_read: FullRead) -> None:
        self.state = self.state.but(full_read=full_read)
