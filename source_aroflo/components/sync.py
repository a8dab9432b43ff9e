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
from typing import Any

from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.message import MessageRepository
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor, CursorField
from airbyte_cdk.sources.streams.concurrent.partitions.partition import Partition
from airbyte_cdk.sources.types import Record, StreamSlice

from aroflo_client.envelope import Envelope
from source_aroflo.components.coverage import ChangeLogReader
from source_aroflo.components.deletions import deletion_record
from source_aroflo.components.document_ledger import DocumentLedger
from source_aroflo.components.partitions import PartitionRegistry
from source_aroflo.components.plan import ZonePlan
from source_aroflo.components.refusals import Refusals
from source_aroflo.components.sync_plan import LOGGER, Singles, SyncPlanner
from source_aroflo.components.sync_run import ZoneRun
from source_aroflo.components.sync_settings import SyncSettings
from source_aroflo.components.sync_state import CURSOR_FIELD, DELETED_AT, SyncState, Window
from source_aroflo.components.zone_slice import ZoneSlice

__all__ = ["SyncSettings", "ZoneSync", "partition_of"]


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
        self.plan, self.settings, self._clock = plan, settings, clock
        self._messages, self._state_manager = message_repository, state_manager
        self._lock = threading.RLock()
        state = SyncState.load(stream_state) if settings.incremental else SyncState()
        ledger = DocumentLedger.load(state.documents, since=None) if plan.attached_to else None
        self._run = ZoneRun(plan, settings, state, ledger)
        self._partitions = PartitionRegistry()
        self._planner = SyncPlanner(self._run, self._partitions, change_log, budget)
        self._refusals = Refusals(self._run, self._planner.window)

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
            if self.reads_parents:
                self._run.parents_read(read, answer.records(self.plan.record_key))
            span = Window.span_of(ZoneSlice.of(stream_slice).window)
            if read is not None and self._run.page_done(read, span, page, page_size, last):
                self._emit_state(with_ids=False)

    def drop_optional_where(self, stream_slice: StreamSlice) -> bool:
        with self._lock:
            return self._refusals.drop_optional_where()

    def split_request_window(
        self, stream_slice: StreamSlice, min_split_window: timedelta | None = None
    ) -> list[StreamSlice] | None:
        """AroFlo refused a full read even at the smallest page (the CDK's window splitting asks)."""
        with self._lock:
            read = self._partitions.get(partition_of(stream_slice))
            children = self._refusals.split(read, ZoneSlice.of(stream_slice)) if read is not None else None
            return [child.stream_slice() for child in children] if children is not None else None

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
            return self._run.ledger.delivers(document)

    def file_result(self, document: Mapping[str, Any], fetched: bool) -> None:
        if self._run.ledger is not None:
            with self._lock:
                self._run.ledger.file_result(document, fetched)

    # ---- choosing how this sync reads --------------------------------------------------------------------
    def _choose(self) -> Iterable[ZoneSlice]:
        plan, state, ledger = self.plan, self._run.state, self._run.ledger
        now, ways = self._clock(), self._planner
        if ledger is not None and self.settings.incremental and state.position is not None:
            ledger.since = state.position - self.settings.overlap
        if not self.settings.incremental:
            return ways.full_read(now, keep_ids=False)
        if state.full_read is not None:
            return ways.resume(ways.coverage.deletions_since_started)
        if state.position is None:
            LOGGER.info(f"{plan.stream}: first sync, a full read of zone {plan.zone}.")
            return ways.full_read(now, keep_ids=plan.keeps_ids)
        if ledger is not None and not ledger.uploads_change_parent:
            why = "uploading a document is not shown to change its parent"
            return ways.reread_if_due(now, self.settings.fallback_interval, why)
        if plan.change_log is None and plan.updated is None:
            return ways.reread_if_due(now, self.settings.reference_interval, "a reference zone")
        if plan.change_log is not None and ways.coverage.covered():
            return ways.changes(now)
        if plan.updated is not None:
            return ways.updated_window(now)
        return ways.reread_if_due(now, self.settings.fallback_interval, "LastUpdate does not log it")

    def _complete_if_done(self) -> None:
        if self._partitions.finished():
            self._planner.finish()
            verdict = self._run.settle()
            if verdict:
                LOGGER.info(f"{self.plan.stream}: {verdict}.")
            self._emit_state(with_ids=True)

    def _emit_state(self, with_ids: bool) -> None:
        stream, manager = self.plan.stream, self._state_manager
        manager.update_state_for_stream(stream, None, self._run.current().dump(with_ids))
        self._messages.emit_message(manager.create_state_message(stream, None))
