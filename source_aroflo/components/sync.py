"""How one zone stream is read, sync after sync: the stream's cursor (docs/aroflo.md#incremental-sync).

The CDK's cursors keep one date; a zone needs more (where an unfinished full read stopped, which change-log
entries were already fetched, whether AroFlo's change log covers the zone), so this cursor keeps its own state
(`sync_state.SyncState`) and plans each sync:

1. **Full read** (the first sync, a resumed one, and every full-refresh sync): the whole zone, with its
   documented defeat of the 30-day default filter (`plan.ZonePlan`), checkpointed after every page (the
   paginator reports pages here). Its records are current as of the moment it started, which becomes the
   change-log position when it finishes.
2. **Change log** (zones LastUpdate is shown to log): LastUpdate is read for free from the position minus an
   overlap (entries AroFlo logs a moment late are still found; those already fetched are skipped), and only
   the records it names are fetched - one id per call on AroFlo's secondary allowance while the changes are
   few, in `IN` batches on the daily budget when they are many. Deletions become records with
   `_ab_cdc_deleted_at`.
3. **Fallbacks** (a zone LastUpdate is not shown to log): a window on the zone's documented UTC update field
   when it has one, else a full re-read (deletions found by comparing ids) every `fallback_interval`.
4. **Reference zones** (no change log): re-read at most every `reference_interval`, deletions by comparing
   ids.
5. **Documents of a parent zone** (`<parent>_documents`): the parent zone read as above, its records the
   documents attached to the parents (`attachments.py`); the documents a sync delivers, and whether uploads
   are shown to change their parent (until then the parents are re-read in full), are the stream's
   `document_ledger.DocumentLedger`. Its records are not its zone's: it keeps no ids and tells no deletions.

Each partition is one slice; `stream_slices` plans them, `observe`/`page_read`/`close_partition` (worker
threads) record what was read, and the state is emitted after every page and partition.

>>> SyncSettings(start_date=None, page_size=500).overlap
datetime.timedelta(seconds=600)
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from airbyte_cdk.models import AirbyteMessage, AirbyteRecordMessage, FailureType, Type
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.message import MessageRepository
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor, CursorField
from airbyte_cdk.sources.streams.concurrent.partitions.partition import Partition
from airbyte_cdk.sources.types import Record, StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from aroflo_client.budget import DailyBudget
from source_aroflo.components.changes import ChangeLog, Entry
from source_aroflo.components.document_ledger import DocumentLedger
from source_aroflo.components.plan import DATE, ZonePlan
from source_aroflo.components.sync_state import (
    CURSOR_FIELD,
    DELETED_AT,
    FullRead,
    SyncState,
    Window,
    iso,
    pack_ids,
    parse_iso,
    unpack_ids,
)

LOGGER = logging.getLogger("airbyte")
BATCH = 50  # ids per `IN` call: keeps the query string well under common 2 KB URL limits
MAX_KEPT_IDS = 200_000  # beyond this a zone's ids are not kept for finding deletions by comparison
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
FIRST_YEAR = 2000  # narrower windows: one up to 2000, then one a year, then halves
SMALLEST_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class SyncSettings:
    """What the config says about reading; `overlap` re-reads the change log before the position (free)."""

    start_date: str | None
    page_size: int
    reference_interval: timedelta = timedelta(hours=24)
    fallback_interval: timedelta = timedelta(0)
    single_fetch_limit: int = 500
    joins: tuple[str, ...] = ()
    overlap: timedelta = timedelta(minutes=10)
    incremental: bool = True
    # Another stream's first full read is unfinished: re-reads wait, the daily budget goes there first.
    first_reads_unfinished: bool = False


@dataclass
class _Read:
    """One partition of this sync in progress (a window split keeps its children in the same partition)."""

    kind: str  # "full" | "fetch" | "window"
    windows: list[Window] | None = None  # full reads in narrower windows: the ones this partition covers
    changes: dict[str, str] = field(default_factory=dict)  # fetch: record id -> its change time (ISO)
    seen: set[str] = field(default_factory=set)


class ZoneSync(Cursor):
    def __init__(
        self,
        plan: ZonePlan,
        settings: SyncSettings,
        stream_state: Mapping[str, Any] | None,
        change_log: ChangeLog,
        budget: DailyBudget,
        message_repository: MessageRepository,
        state_manager: ConnectorStateManager,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.plan = plan
        self.settings = settings
        self._change_log = change_log
        self._budget = budget
        self._messages = message_repository
        self._state_manager = state_manager
        self._clock = clock
        self._lock = threading.RLock()
        self._state = SyncState.load(stream_state) if settings.incremental else SyncState()
        self._ids: set[str] | None = None  # ids of the running full read, when kept for finding deletions
        self._count = 0  # records the running full read found in this sync
        self._base = 0  # ... and in the syncs before, when it was resumed
        self._reread_covers: dict[str, str] = {}  # change-log entries a re-read of this sync delivers
        self._reads: dict[int, _Read] = {}  # by id() of the slice object the partition (or split child) reads
        self._open = 0
        self._generated_all = False
        self._finish: Callable[[], None] | None = None  # what finishing all of this sync's partitions means
        self._done = False
        # A documents stream's memory of what it delivered; None for every other stream.
        self._ledger = DocumentLedger.load(self._state.documents, since=None) if plan.attached_to else None
        self._read_in_full = False  # a full read of the zone finished in this sync

    # ---- the Cursor interface ------------------------------------------------------------------------------
    @property
    def cursor_field(self) -> CursorField:
        return CursorField(CURSOR_FIELD)

    @property
    def state(self) -> MutableMapping[str, Any]:
        with self._lock:
            return self._current().dump()

    def should_be_synced(self, record: Record) -> bool:
        return True

    def get_cursor_datetime_from_state(self, stream_state: Mapping[str, Any]) -> datetime | None:
        return SyncState.load(stream_state).position

    def stream_slices(self) -> Iterable[StreamSlice]:
        for stream_slice in self._plan():
            with self._lock:
                self._open += 1
            yield stream_slice
        with self._lock:
            self._generated_all = True
            self._complete_if_done()

    def observe(self, record: Record) -> None:
        if self.plan.attached_to is not None:
            return  # a document, not a record of the zone: its parent was observed (observe_parents)
        with self._lock:
            read = self._reads.get(id(record.associated_slice))
            if read is not None:
                self._observe(read, record.data)

    def _observe(self, read: _Read, data: Mapping[str, Any]) -> None:
        record_id = str(data.get(self.plan.id_field, "")) if self.plan.id_field else ""
        if not record_id:
            return
        if read.kind == "fetch":
            read.seen.add(record_id)
            return
        if read.kind == "full":
            self._count += 1
        if self._ids is not None:
            self._ids.add(record_id)
            if len(self._ids) > MAX_KEPT_IDS:
                self._ids = None
        self._note_newest(data, record_id)

    # ---- a documents stream: its parents, the documents it delivers, their files --------------------------
    def observe_parents(self, stream_slice: StreamSlice, parents: Iterable[Mapping[str, Any]]) -> None:
        """A page of a documents stream's parent zone was read (the paginator reports it): the parents count
        as the zone's records, and show whether uploads change them."""
        attached_to = self.plan.attached_to
        assert attached_to is not None and self._ledger is not None
        with self._lock:
            read = self._reads.get(id(stream_slice))
            for parent in parents:
                self._ledger.evidence.add(parent, attached_to)
                self._ledger.forget_detached(parent, attached_to)
                if read is not None:
                    self._observe(read, parent)

    def delivers(self, document: Mapping[str, Any]) -> bool:
        """Does this sync deliver the document? (`attachments.NewDocuments` asks for each one.)"""
        assert self._ledger is not None
        with self._lock:
            wanted = self._ledger.wants(document)
            if wanted:
                self._ledger.note_delivered(document)
            return wanted

    def file_result(self, document: Mapping[str, Any], fetched: bool) -> None:
        """The file uploader fetched a document's file, or gave up on it (fetched again with its parent)."""
        if self._ledger is not None:
            with self._lock:
                self._ledger.file_result(document, fetched)

    def close_partition(self, partition: Partition) -> None:
        with self._lock:
            read = self._reads.pop(id(partition.to_slice()), None)
            self._open -= 1
            if read is not None and read.kind == "fetch":
                self._close_fetch(read)
            elif read is not None and read.kind == "full":
                self._close_full_read(read)
            self._complete_if_done()
            self._emit_state(with_ids=False)

    def ensure_at_least_one_state_emitted(self) -> None:
        with self._lock:
            full_read = self._state.full_read
            if full_read is not None and self._ids is not None:
                # Stopped inside a full read: its position, and the ids read so far to finish the comparison.
                self._state = self._state.but(full_read=full_read.but(ids=pack_ids(self._ids)))
            if self._state.full_read is not None:
                self._state = self._state.but(
                    full_read=self._state.full_read.but(records=self._base + self._count)
                )
            self._emit_state(with_ids=True)

    # ---- what the paginator reports ------------------------------------------------------------------------
    def page_read(self, stream_slice: StreamSlice, page: int, page_size: int, last: Record | None) -> None:
        """A page of a full read is done: checkpoint the next one (before it is asked for)."""
        with self._lock:
            read = self._reads.get(id(stream_slice))
            full_read = self._state.full_read
            if read is None or read.kind != "full" or full_read is None:
                return
            last_id = str(last.data.get(self.plan.id_field, "")) if last and self.plan.id_field else None
            window = _window_of(stream_slice)
            if window is None:
                full_read = full_read.but(page=page + 1)
            else:
                full_read = full_read.but(
                    windows=tuple(
                        replace(w, page=page + 1) if (w.low, w.high) == window else w
                        for w in full_read.windows or ()
                    )
                )
            full_read = full_read.but(page_size=page_size, last_id=last_id, records=self._base + self._count)
            self._state = self._state.but(full_read=full_read)
            self._emit_state(with_ids=False)

    def drop_optional_where(self, stream_slice: StreamSlice) -> bool:
        """AroFlo rejected the always-true clause that only guards against a default filter the zone does not
        document (status 9): read on without it. False when the clause is required."""
        if not self.plan.optional_where:
            return False
        with self._lock:
            if self._state.full_read is not None:
                self._state = self._state.but(
                    full_read=self._state.full_read.but(optional_where_dropped=True)
                )
        LOGGER.warning(
            f"AroFlo rejected the clause {self.plan.full_read_where(None)} of {self.plan.stream} "
            f"(Invalid WHERE Clause). Zone {self.plan.zone} documents no 30-day default filter, so it is "
            f"read without a WHERE clause; should AroFlo report a default filter all the same, the stream "
            f"fails rather than miss records."
        )
        return True

    def split_request_window(
        self, stream_slice: StreamSlice, min_split_window: timedelta | None = None
    ) -> list[StreamSlice] | None:
        """AroFlo refused a full read even at the smallest page: read it in narrower windows on the zone's
        documented date field - before 2000, then a year each, then halves, down to a day."""
        with self._lock:
            read = self._reads.get(id(stream_slice))
            full_read = self._state.full_read
            if read is None or read.kind != "full" or full_read is None or self.plan.date_field is None:
                return None
            window = _window_of(stream_slice)
            children = self._narrower(window, full_read.started)
            if not children:
                raise AirbyteTracedException(
                    message=(
                        f"AroFlo keeps refusing {self.plan.stream} even for a single day at the smallest "
                        f"page size ({self.plan.date_field.name} {_day(window)}). Turn its joins off and "
                        f"retry, or contact AroFlo support."
                    ),
                    failure_type=FailureType.transient_error,
                )
            kept = [w for w in full_read.windows or () if window is None or (w.low, w.high) != window]
            self._state = self._state.but(full_read=full_read.but(windows=tuple(kept + children), page=1))
            read.windows = [w for w in read.windows or [] if (w.low, w.high) != window] + children
            LOGGER.info(
                f"{self.plan.stream}: AroFlo refused the read; continuing in {len(children)} windows."
            )
            return [self._window_slice(w, read) for w in children]

    # ---- planning a sync -----------------------------------------------------------------------------------
    def _plan(self) -> Iterator[StreamSlice]:
        state, now = self._state, self._clock()
        if self._ledger is not None and self.settings.incremental and state.position is not None:
            self._ledger.since = state.position - self.settings.overlap
        if not self.settings.incremental:
            yield from self._start_full_read(now, keep_ids=False)
        elif state.full_read is not None:
            yield from self._resume_full_read(state.full_read)
        elif state.position is None:
            LOGGER.info(f"{self.plan.stream}: first sync, a full read of zone {self.plan.zone}.")
            yield from self._start_full_read(now, keep_ids=self.plan.keeps_ids)
        elif self._ledger is not None and not self._ledger.uploads_change_parent:
            why = "uploading a document is not shown to change its parent"
            yield from self._reread_if_due(now, self.settings.fallback_interval, why)
        elif self.plan.change_log is None and self.plan.updated is None:
            yield from self._reread_if_due(now, self.settings.reference_interval, "a reference zone")
        elif self.plan.change_log is not None and self._covered():
            yield from self._changes(now)
        elif self.plan.updated is not None:
            yield from self._updated_window(now)
        else:
            yield from self._reread_if_due(now, self.settings.fallback_interval, "LastUpdate does not log it")

    def _start_full_read(self, now: datetime, keep_ids: bool) -> Iterator[StreamSlice]:
        self._state = self._state.but(full_read=FullRead(started=now, page_size=self.settings.page_size))
        self._ids = set() if keep_ids else None
        yield self._whole_zone_slice(page=1)

    def _resume_full_read(self, full_read: FullRead) -> Iterator[StreamSlice]:
        back = self._pages_back(full_read)
        size = self.settings.page_size

        def position(page: int) -> int:  # the same first record at the configured page size
            return max(1, (page - back - 1) * full_read.page_size // size + 1)

        windows = tuple(replace(w, page=position(w.page)) for w in full_read.windows or ())
        self._state = self._state.but(
            full_read=full_read.but(
                page=position(full_read.page), page_size=size, windows=windows if full_read.windows else None
            )
        )
        self._ids = unpack_ids(full_read.ids) if full_read.ids is not None else None
        self._base = full_read.records
        LOGGER.info(
            f"{self.plan.stream}: continuing the full read started {iso(full_read.started)} "
            f"at page {position(full_read.page)} of {size} records"
            + (f", in {len(windows)} narrower windows" if full_read.windows else "")
            + ("" if self._ids is not None else "; deletions are found from the next complete read")
            + "."
        )
        if full_read.windows is None:
            yield self._whole_zone_slice(page=position(full_read.page))
        else:
            for window in windows:
                yield self._window_slice(window, _Read("full", windows=[window]))

    def _pages_back(self, full_read: FullRead) -> int:
        """Pages are positions in the zone's current contents: a record deleted before the saved page moves a
        later one back onto a page already read. When the change log shows deletions in the zone since the
        read started, it continues that many records earlier; when it cannot show them, a page earlier. The
        records read twice are de-duplicated by primary key."""
        if full_read.page <= 1 and not full_read.windows:
            return 0
        if self.plan.change_log is None or not self._covered():
            return 1
        deleted = sum(
            entry.deleted
            for rows in self._change_log.entries(
                self.plan.change_log, full_read.started - self.settings.overlap
            )
            for entry in rows
        )
        return (deleted + full_read.page_size - 1) // full_read.page_size

    def _reread_if_due(self, now: datetime, interval: timedelta, why: str) -> Iterator[StreamSlice]:
        read_at = self._state.read_at
        if read_at is not None and now - read_at < interval:
            LOGGER.info(
                f"{self.plan.stream}: read in full at most every {interval} ({why}); "
                f"last read {iso(read_at)}."
            )
        elif self.settings.first_reads_unfinished:
            LOGGER.info(
                f"{self.plan.stream}: re-read postponed until every stream's first full read is done."
            )
        else:
            LOGGER.info(f"{self.plan.stream}: re-reading zone {self.plan.zone} in full ({why}).")
            yield from self._start_full_read(now, keep_ids=self.plan.keeps_ids)
            return
        self._finish = _nothing

    def _updated_window(self, now: datetime) -> Iterator[StreamSlice]:
        assert self.plan.updated is not None and self._state.position is not None
        if self.settings.first_reads_unfinished:
            LOGGER.info(f"{self.plan.stream}: window read postponed until every first full read is done.")
            self._finish = _nothing
            return
        since = self._state.position - self.settings.overlap
        LOGGER.info(
            f"{self.plan.stream}: records created or updated since {iso(since)} by their own "
            f"{self.plan.updated.name} (LastUpdate is not shown to log zone {self.plan.zone})."
        )
        self._finish = lambda: self._advance(now)
        yield self._slice(
            _Read("window"),
            where=self.plan.updated_where(since),
            page=1,
            page_size=self.settings.page_size,
            as_of=iso(now),
        )

    # ---- the change log ------------------------------------------------------------------------------------
    def _covered(self) -> bool:
        """Evidence that LastUpdate logs this zone (free calls): the most recently updated record, by its own
        UTC update time, has its entry; for a zone whose records carry no update time, any entry at all."""
        if self._state.covered:
            return True
        assert self.plan.change_log is not None
        if self._state.newest is not None:
            record_id, at = self._state.newest
            entries = self._change_log.probe(
                self.plan.change_log, parse_iso(at) - timedelta(minutes=1), pages=2
            )
            covered = any(entry.record_id == record_id for entry in entries)
            evidence = f"the newest update, {record_id} at {at}, is {'' if covered else 'not '}in LastUpdate"
        else:
            covered = bool(self._change_log.probe(self.plan.change_log))
            evidence = f"LastUpdate has {'entries' if covered else 'no entry'} for {self.plan.change_log}"
        how = (
            "LastUpdate"
            if covered
            else ("a window on " + self.plan.updated.name if self.plan.updated else "full re-reads")
        )
        LOGGER.info(f"{self.plan.stream}: changes are found through {how} ({evidence}).")
        if covered:
            self._state = self._state.but(covered=True, ids=None)
        return covered

    def _changes(self, now: datetime) -> Iterator[StreamSlice]:
        """The zone's change-log entries since the position (minus the overlap), read whole first (free), then
        the records they name: one per call while the sync's changes are few, else 50 a call."""
        assert self.plan.change_log is not None and self._state.position is not None
        since = self._state.position - self.settings.overlap
        latest: dict[str, Entry] = {}
        for rows in self._change_log.entries(self.plan.change_log, since):
            for entry in rows:
                if entry.record_id not in latest or entry.at >= latest[entry.record_id].at:
                    latest[entry.record_id] = entry
        wanted, skipped, deleted = [], 0, 0
        for entry in latest.values():
            done = self._state.recent.get(entry.record_id)
            if done is not None and parse_iso(done) >= entry.at:
                skipped += 1  # fetched at (or after) that very change: the overlap costs nothing
            elif entry.deleted:
                deleted += 1
                with self._lock:
                    self._tombstone(entry.record_id, entry.at)
            else:
                wanted.append(entry)
        if self._ledger is not None:  # parents of files that could not be fetched: read again for them
            named = {entry.record_id for entry in wanted}
            retry = sorted(self._ledger.failed_parents() - named)
            wanted += [Entry(parent, since + self.settings.overlap, False) for parent in retry]
        singles = bool(wanted) and self._budget.take_singles(len(wanted), self.settings.single_fetch_limit)
        batch_calls = -(-len(wanted) // BATCH)
        records = self._state.records
        if not singles and records is not None and batch_calls > records // self.settings.page_size + 1:
            LOGGER.info(
                f"{self.plan.stream}: {len(wanted)} changed records would take {batch_calls} calls 50 at a "
                f"time; reading zone {self.plan.zone} again is cheaper (its {records} records: "
                f"{records // self.settings.page_size + 1} calls)."
            )
            # Every entry read here is older than the re-read: the next overlap need not fetch them.
            self._reread_covers = {entry.record_id: iso(entry.at) for entry in wanted}
            yield from self._start_full_read(now, keep_ids=self.plan.keeps_ids)
            return
        groups = (
            [[e] for e in wanted]
            if singles
            else [wanted[i : i + BATCH] for i in range(0, len(wanted), BATCH)]
        )
        LOGGER.info(
            f"{self.plan.stream}: LastUpdate since {iso(since)}: "
            f"{len(wanted) if singles else 0} record(s) fetched one per call (secondary allowance), "
            f"{0 if singles else len(groups)} batch call(s) (daily budget), {deleted} deletion(s), "
            f"{skipped} entr{'y' if skipped == 1 else 'ies'} already fetched."
        )
        self._finish = lambda: self._advance(now)
        for group in groups:
            read = _Read("fetch", changes={entry.record_id: iso(entry.at) for entry in group})
            where = self.plan.ids_where(list(read.changes))
            yield self._slice(read, where=where, page=1, page_size=500, changes=read.changes)

    def _close_fetch(self, read: _Read) -> None:
        recent = dict(self._state.recent)
        for record_id, at in read.changes.items():
            recent[record_id] = max(at, recent.get(record_id, at))
        self._state = self._state.but(recent=recent)
        for record_id, at in read.changes.items():
            if record_id not in read.seen:  # named by the log but no longer returned: deleted or now hidden
                self._tombstone(record_id, parse_iso(at))

    def _tombstone(self, record_id: str, at: datetime) -> None:
        """A deletion, as Airbyte destinations understand it: the primary key and `_ab_cdc_deleted_at`. A
        documents stream cannot name the documents of a deleted parent (it keeps no list of them): none."""
        assert self.plan.id_field is not None
        if self._ledger is not None:
            self._ledger.forget_parent(record_id)
            self._state = self._state.but(recent={**self._state.recent, record_id: iso(at)})
            return
        data = {self.plan.id_field: record_id, DELETED_AT: iso(at), CURSOR_FIELD: iso(at)}
        emitted_at = int(self._clock().timestamp() * 1000)
        self._messages.emit_message(
            AirbyteMessage(
                type=Type.RECORD,
                record=AirbyteRecordMessage(stream=self.plan.stream, data=data, emitted_at=emitted_at),
            )
        )
        self._state = self._state.but(recent={**self._state.recent, record_id: iso(at)})

    # ---- finishing -----------------------------------------------------------------------------------------
    def _close_full_read(self, read: _Read) -> None:
        full_read = self._state.full_read
        if full_read is None:
            return
        if full_read.windows is not None:
            done = {(w.low, w.high) for w in read.windows or ()}
            left = tuple(w for w in full_read.windows if (w.low, w.high) not in done)
            if left:
                self._state = self._state.but(full_read=full_read.but(windows=left))
                return
        previous = unpack_ids(self._state.ids) if self._state.ids else None
        if previous is not None and self._ids is not None:
            for record_id in sorted(previous - self._ids):
                self._tombstone(record_id, full_read.started)
        keep = self._ids is not None and not self._state.covered
        position = max(full_read.started, self._state.position or full_read.started)
        recent = {**self._state.recent, **self._reread_covers}
        self._state = self._state.but(
            records=self._base + self._count,
            full_read=None,
            position=position,
            read_at=full_read.started,
            ids=pack_ids(self._ids) if keep and self._ids is not None else None,
            recent={k: v for k, v in recent.items() if parse_iso(v) > position - self.settings.overlap},
        )
        self._ids = None
        self._read_in_full = True
        self._finish = _nothing

    def _advance(self, now: datetime) -> None:
        """Everything up to `now` is delivered; keep only the entries the next overlap re-reads."""
        horizon = now - self.settings.overlap
        recent = {k: v for k, v in self._state.recent.items() if parse_iso(v) > horizon}
        self._state = self._state.but(position=now, recent=recent)

    def _complete_if_done(self) -> None:
        if self._generated_all and self._open == 0 and not self._done:
            self._done = True
            if self._finish is not None:
                self._finish()
            if self._ledger is not None:
                verdict = self._ledger.settle(self._state.position, self.settings.overlap, self._read_in_full)
                if verdict:
                    LOGGER.info(f"{self.plan.stream}: uploads {self._ledger.uploads}: {verdict}.")
            self._emit_state(with_ids=True)

    # ---- slices --------------------------------------------------------------------------------------------
    def _whole_zone_slice(self, page: int) -> StreamSlice:
        full_read = self._state.full_read
        assert full_read is not None
        where = self.plan.full_read_where(self.settings.start_date, full_read.optional_where_dropped)
        return self._slice(
            _Read("full"),
            where=where,
            page=page,
            page_size=self.settings.page_size,
            as_of=iso(full_read.started),
            optional_where=self.plan.optional_where and not full_read.optional_where_dropped,
            # The CDK allows no narrower windows beside a file uploader (documents streams).
            splittable=self.plan.date_field is not None and self.plan.attached_to is None,
        )

    def _window_slice(self, window: Window, read: _Read) -> StreamSlice:
        full_read = self._state.full_read
        assert full_read is not None
        return self._slice(
            read,
            where=self.plan.window_where(window.low, window.high),
            page=window.page,
            page_size=self.settings.page_size,
            as_of=iso(full_read.started),
            window=[iso(window.low), iso(window.high)],
            splittable=True,
        )

    def _slice(self, read: _Read, **cursor_slice: Any) -> StreamSlice:
        stream_slice = StreamSlice(
            partition={"read": read.kind},
            cursor_slice={"zone": self.plan.zone, "join": ",".join(self.settings.joins), **cursor_slice},
        )
        self._reads[id(stream_slice)] = read
        return stream_slice

    def _narrower(self, window: tuple[datetime, datetime] | None, started: datetime) -> list[Window]:
        if window is None:
            low = (
                datetime.strptime(self.settings.start_date, DATE).replace(tzinfo=UTC)
                if self.settings.start_date
                else EARLIEST
            )
            edges = [low] + [
                datetime(year, 1, 1, tzinfo=UTC)
                for year in range(max(low.year + 1, FIRST_YEAR), started.year + 1)
            ]
            second = timedelta(seconds=1)
            return [Window(a, b - second) for a, b in itertools.pairwise(edges)] + [
                Window(edges[-1], started)
            ]
        low, high = window
        if high - low <= SMALLEST_WINDOW:
            return []
        middle = (low + (high - low) / 2).replace(microsecond=0)
        return [Window(low, middle), Window(middle + timedelta(seconds=1), high)]

    def _note_newest(self, data: Mapping[str, Any], record_id: str) -> None:
        value = data.get(self.plan.record_updated) if self.plan.record_updated else None
        newest = self._state.newest
        if isinstance(value, str) and value.endswith("Z") and (newest is None or value > newest[1]):
            self._state = self._state.but(newest=(record_id, value))

    def _current(self) -> SyncState:
        """The state, a documents stream's ledger included."""
        if self._ledger is not None:
            self._state = self._state.but(documents=self._ledger.dump())
        return self._state

    def _emit_state(self, with_ids: bool) -> None:
        self._state_manager.update_state_for_stream(self.plan.stream, None, self._current().dump(with_ids))
        self._messages.emit_message(self._state_manager.create_state_message(self.plan.stream, None))


def _nothing() -> None:
    """A sync with nothing to read for the stream: its state stays as it was."""


def _window_of(stream_slice: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
    window = stream_slice.get("window")
    return (parse_iso(window[0]), parse_iso(window[1])) if window else None


def _day(window: tuple[datetime, datetime] | None) -> str:
    return f"{iso(window[0])}..{iso(window[1])}" if window else "(whole zone)"
