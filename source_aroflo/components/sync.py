"""How one zone stream is read, sync after sync: the stream's cursor (docs/aroflo.md#incremental-sync).

The CDK's cursors keep one date; a zone needs more (where an unfinished full read stopped, which change-log
entries were already fetched, whether AroFlo's change log covers the zone), so this cursor keeps its own state
(`sync_state.SyncState`) and chooses how each sync reads:

1. **Full read** (the first sync, a resumed one, and every full-refresh sync): the whole zone, checkpointed
   after every page (the paginator reports pages here). Its records are current as of the moment it started,
   which becomes the change-log position when it finishes.
2. **Change log** (zones LastUpdate is shown to log, `coverage.py`): the records LastUpdate names since the
   position, by id (`change_plan.py`); its deletions become records with `_ab_cdc_deleted_at`.
3. **Fallbacks** (a zone LastUpdate is not shown to log): a window on the zone's documented UTC update field
   when it has one, else a full re-read (deletions found by comparing ids) every `fallback_interval`.
4. **Reference zones** (no change log): re-read at most every `reference_interval`.
5. **Documents of a parent zone** (`<parent>_documents`): the parent zone read as above; whether uploads are
   shown to change their parent (until then the parents are re-read in full) and the documents delivered are
   its `document_ledger.DocumentLedger`. Its records are not its zone's: it keeps no ids, tells no deletions.

The cursor is built from small parts, the way the CDK's `ConcurrentCursor` takes its collaborators: the
partitions of this sync, keyed by the number each slice carries (`partitions.py`, `zone_slice.py`); what the
sync has done to its state (`sync_run.py`, with `full_read.py`, `deletions.py`); each way's slices
(`sync_plan.py`). Here: the lock (worker threads report pages and records), the choice, the state messages.

>>> from source_aroflo.components.zone_slice import ZoneSlice
>>> partition_of(ZoneSlice(partition=7, read="full", zone="tasks").stream_slice())
7
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.message import MessageRepository
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor, CursorField
from airbyte_cdk.sources.streams.concurrent.partitions.partition import Partition
from airbyte_cdk.sources.types import Record, StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from aroflo_client.envelope import Envelope
from source_aroflo.components import full_read as progress
from source_aroflo.components.coverage import logged
from source_aroflo.components.deletions import deletion_record
from source_aroflo.components.document_ledger import DocumentLedger
from source_aroflo.components.partitions import PartitionRegistry
from source_aroflo.components.plan import ZonePlan
from source_aroflo.components.sync_plan import LOGGER, ChangeEntries, Singles, SyncPlanner
from source_aroflo.components.sync_run import SyncSettings, ZoneRun
from source_aroflo.components.sync_state import CURSOR_FIELD, DELETED_AT, SyncState, Window
from source_aroflo.components.zone_slice import FULL, ZoneSlice

__all__ = ["SyncSettings", "ZoneSync", "partition_of"]


class ChangeLogReader(ChangeEntries, Protocol):
    """What the cursor reads LastUpdate with (`changes.ChangeLog`)."""

    def probe(self, zonename: str, after: datetime | None = None, pages: int = 1) -> list[Any]: ...


def partition_of(stream_slice: Mapping[str, Any] | None) -> int | None:
    """The number of the partition a slice (or a split window's child) belongs to."""
    return stream_slice.get("partition") if stream_slice is not None else None


class ZoneSync(Cursor):
    def __init__(
        self,
        plan: ZonePlan,
        settings: SyncSettings,
        stream_state: Mapping[str, Any] | None,
        change_log: ChangeLogReader,
        budget: Singles,
        message_repository: MessageRepository,
        state_manager: ConnectorStateManager,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.plan, self.settings, self._change_log, self._clock = plan, settings, change_log, clock
        self._messages, self._state_manager = message_repository, state_manager
        self._lock = threading.RLock()
        state = SyncState.load(stream_state) if settings.incremental else SyncState()
        ledger = DocumentLedger.load(state.documents, since=None) if plan.attached_to else None
        self._run = ZoneRun(plan, settings, state, ledger)
        self._partitions = PartitionRegistry()
        self._planner = SyncPlanner(self._run, self._partitions, change_log, budget)
        self._done = False

    # ---- the Cursor interface ------------------------------------------------------------------------------
    @property
    def cursor_field(self) -> CursorField:
        return CursorField(CURSOR_FIELD)

    @property
    def state(self) -> MutableMapping[str, Any]:
        with self._lock:
            return self._run.current().dump()

    def should_be_synced(self, record: Record) -> bool:
        return True

    def get_cursor_datetime_from_state(self, stream_state: Mapping[str, Any]) -> datetime | None:
        return SyncState.load(stream_state).position

    def stream_slices(self) -> Iterable[StreamSlice]:
        for zone_slice in self._choose():
            yield zone_slice.stream_slice()
        with self._lock:
            self._partitions.done_generating()
            self._complete_if_done()

    def observe(self, record: Record) -> None:
        if self.plan.attached_to is not None or DELETED_AT in record.data:
            return  # a document (its parent was observed: page_read), or a deletion this cursor made
        with self._lock:
            read = self._partitions.get(partition_of(record.associated_slice))
            if read is not None:
                self._run.observe(read, record.data)

    def close_partition(self, partition: Partition) -> None:
        with self._lock:
            read = self._partitions.close(partition_of(partition.to_slice()))
            if read is not None:
                self._run.read_closed(read)
            self._complete_if_done()
            self._emit_state(with_ids=False)

    def ensure_at_least_one_state_emitted(self) -> None:
        with self._lock:
            self._run.stopped()
            self._emit_state(with_ids=True)

    # ---- what the paginator reports (paginators.ReadProgress) -------------------------------------------
    @property
    def reads_parents(self) -> bool:
        return self.plan.attached_to is not None

    def page_read(
        self, stream_slice: StreamSlice, page: int, page_size: int, last: Record | None, answer: Envelope
    ) -> None:
        """A page is read: a documents stream's parents are observed; a full read saves its next page."""
        with self._lock:
            read = self._partitions.get(partition_of(stream_slice))
            if self._run.ledger is not None and self.plan.attached_to is not None:
                for parent in answer.records(self.plan.record_key):
                    self._run.ledger.evidence.add(parent, self.plan.attached_to)
                    self._run.ledger.forget_detached(parent, self.plan.attached_to)
                    if read is not None:
                        self._run.observe(read, parent)
            if read is None or read.kind != FULL or self._run.state.full_read is None:
                return
            last_id = str(last.data.get(self.plan.id_field, "")) if last and self.plan.id_field else None
            span = Window.span_of(ZoneSlice.of(stream_slice).window)
            self._run.page_done(span, page, page_size, last_id)
            self._emit_state(with_ids=False)

    def drop_optional_where(self, stream_slice: StreamSlice) -> bool:
        """AroFlo rejected the always-true clause that only guards against a default filter the zone does not
        document (status 9): read on without it. False when the clause is required."""
        if not self.plan.optional_where:
            return False
        with self._lock:
            self._run.drop_optional_where()
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
            read, full_read = self._partitions.get(partition_of(stream_slice)), self._run.state.full_read
            if read is None or read.kind != FULL or full_read is None or self.plan.date_field is None:
                return None
            refused = ZoneSlice.of(stream_slice)
            span = Window.span_of(refused.window)
            children = progress.narrower(span, full_read.started, self.settings.start_date)
            if not children:
                day = f"{refused.window[0]}..{refused.window[1]}" if refused.window else "(whole zone)"
                raise AirbyteTracedException(
                    message=(
                        f"AroFlo keeps refusing {self.plan.stream} even for a single day at the smallest "
                        f"page size ({self.plan.date_field.name} {day}). Turn its joins off and retry, or "
                        f"contact AroFlo support."
                    ),
                    failure_type=FailureType.transient_error,
                )
            self._run.split(span, children)
            read.windows = [w for w in read.windows or [] if w.span != span] + children
            LOGGER.info(
                f"{self.plan.stream}: AroFlo refused the read; continuing in {len(children)} windows."
            )
            return [self._planner.window(refused, w).stream_slice() for w in children]

    # ---- what the retriever asks once a partition is read (zone_retriever.Deletions) ---------------------
    def deletions(self, stream_slice: StreamSlice) -> list[dict[str, Any]]:
        with self._lock:
            read = self._partitions.get(partition_of(stream_slice))
            found = self._run.read_ended(read) if read is not None else []
        return [deletion_record(self.plan.id_field or "", record_id, at) for record_id, at in found]

    # ---- a documents stream: the documents it delivers, their files (attachments.DocumentGate, files.py) ---
    def delivers(self, document: Mapping[str, Any]) -> bool:
        assert self._run.ledger is not None
        with self._lock:
            wanted = self._run.ledger.wants(document)
            if wanted:
                self._run.ledger.note_delivered(document)
            return wanted

    def file_result(self, document: Mapping[str, Any], fetched: bool) -> None:
        if self._run.ledger is not None:
            with self._lock:
                self._run.ledger.file_result(document, fetched)

    # ---- choosing how this sync reads --------------------------------------------------------------------
    def _choose(self) -> Iterable[ZoneSlice]:
        plan, state, ledger, now, ways = (
            self.plan,
            self._run.state,
            self._run.ledger,
            self._clock(),
            self._planner,
        )
        if ledger is not None and self.settings.incremental and state.position is not None:
            ledger.since = state.position - self.settings.overlap
        if not self.settings.incremental:
            return ways.full_read(now, keep_ids=False)
        if state.full_read is not None:
            return ways.resume(self._deletions_since_started)
        if state.position is None:
            LOGGER.info(f"{plan.stream}: first sync, a full read of zone {plan.zone}.")
            return ways.full_read(now, keep_ids=plan.keeps_ids)
        if ledger is not None and not ledger.uploads_change_parent:
            why = "uploading a document is not shown to change its parent"
            return ways.reread_if_due(now, self.settings.fallback_interval, why)
        if plan.change_log is None and plan.updated is None:
            return ways.reread_if_due(now, self.settings.reference_interval, "a reference zone")
        if plan.change_log is not None and self._covered():
            return ways.changes(now)
        if plan.updated is not None:
            return ways.updated_window(now)
        return ways.reread_if_due(now, self.settings.fallback_interval, "LastUpdate does not log it")

    def _covered(self) -> bool:
        """Evidence that LastUpdate logs this zone (free calls), once found kept in the state."""
        if self._run.state.covered:
            return True
        assert self.plan.change_log is not None
        covered, evidence = logged(self._change_log, self.plan.change_log, self._run.state.newest)
        fallback = ("a window on " + self.plan.updated.name) if self.plan.updated else "full re-reads"
        LOGGER.info(
            f"{self.plan.stream}: changes are found through {'LastUpdate' if covered else fallback} "
            f"({evidence})."
        )
        if covered:
            self._run.state = self._run.state.but(covered=True, ids=None)
        return covered

    def _deletions_since_started(self) -> int | None:
        """Records deleted since the unfinished full read started, when the change log shows them."""
        full_read = self._run.state.full_read
        if self.plan.change_log is None or full_read is None or not self._covered():
            return None
        since = full_read.started - self.settings.overlap
        return sum(e.deleted for rows in self._change_log.entries(self.plan.change_log, since) for e in rows)

    def _complete_if_done(self) -> None:
        if self._partitions.all_closed() and not self._done:
            self._done = True
            self._planner.finish()
            if self._run.ledger is not None:
                verdict = self._run.ledger.settle(
                    self._run.state.position, self.settings.overlap, self._run.read_in_full
                )
                if verdict:
                    LOGGER.info(f"{self.plan.stream}: uploads {self._run.ledger.uploads}: {verdict}.")
            self._emit_state(with_ids=True)

    def _emit_state(self, with_ids: bool) -> None:
        self._state_manager.update_state_for_stream(
            self.plan.stream, None, self._run.current().dump(with_ids)
        )
        self._messages.emit_message(self._state_manager.create_state_message(self.plan.stream, None))
