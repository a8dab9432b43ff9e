"""The CDK's component factory, plus what AroFlo's zone streams need from it (docs/architecture.md).

* Every zone stream's cursor is a `sync.ZoneSync` (the CDK's cursors keep a single date; see sync.py), built
  before any other part of the stream. The manifest marks those streams with
  `incremental_sync.$parameters.aroflo_sync`; only the LastUpdate stream keeps the CDK's own cursor, and any
  other stream without the marker is an error at build time. Its `$parameters` are checked too (an unknown
  key is an error naming the stream, `stream_parameters.py`).
* Components that declare a `sync` field get their stream's `ZoneSync` (each through a narrow Protocol of its
  own: the paginator's `ReadProgress`, the filter's `DocumentGate`), the stream's retriever becomes a
  `zone_retriever.ZoneRetriever` that delivers the cursor's deletions, and those that declare a `budget`
  field get the account's `DailyBudget`, the way the CDK itself hands an `api_budget` to the components that
  ask for one: collaborators are passed in, none is found in a global. A zone stream whose cursor, paginator,
  retriever or documents filter did not get its sync is an error at build time, and so is a file uploader
  built outside a zone stream (`wiring` records who got it, for the tests).
* Every requester gets the config's timeout (the manifest's timeouts are numbers, not templates), and all of
  them share one API budget holding AroFlo's call rate; both are AroFlo's, defined once for the source and the
  destination (aroflo_client/limits.py).
* The AroFlo paginator asks for narrower windows itself (`RequestWindowSplitRequiredException`), so the
  requester's error handler is marked as using that action and the CDK does not warn that nothing will.
* A stream's `file_uploader` becomes a `files.StreamingFileUploader` (the CDK's holds every file in memory),
  and only when the catalog asks for the stream's files (`include_files`); otherwise the stream reads its
  records exactly as without one. Discover still marks it file-capable (`is_file_based`).
* A `<parent>_documents` stream reads its parents with the `documentsandphotos` join whatever the config's
  `joins` say for the parent stream, and its uploader tells its cursor which files could not be fetched.

`SourceAroflo` adopts the factory the CDK builds (the CDK offers no way to pass one in). The CDK's private
members this relies on are listed, each with its test, in `cdk_private.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, get_type_hints

from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    CustomErrorHandler as CustomErrorHandlerModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DeclarativeStream as DeclarativeStreamModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    FileUploader as FileUploaderModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    HttpRequester as HttpRequesterModel,
)
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.declarative.retrievers.simple_retriever import SimpleRetriever
from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor, Cursor
from airbyte_cdk.sources.types import Config

from aroflo_client import limits
from aroflo_client.budget import DailyBudget
from source_aroflo.components.change_log_cursor import ISO_FORMAT, ChangeLogCursor
from source_aroflo.components.change_log_retriever import ChangeLogRetriever
from source_aroflo.components.changes import ChangeLog
from source_aroflo.components.files import FreshLink, StreamingFileUploader
from source_aroflo.components.plan import ZonePlan
from source_aroflo.components.shared_log import SharedChangeLog
from source_aroflo.components.stream_parameters import check_parameters
from source_aroflo.components.sync import ZoneSync
from source_aroflo.components.sync_plan import change_log_needed_from
from source_aroflo.components.sync_settings import CHANGE_LOG_STREAM, settings_for
from source_aroflo.components.sync_state import SyncState
from source_aroflo.components.zone_retriever import ZoneRetriever

SYNC_MARKER = "aroflo_sync"
FILES_MARKER = "aroflo_files"
PAGINATOR_SPLITS = "windows_split_by_paginator"


def now() -> datetime:
    """When the streams are built: where a first full read's overlap starts (`change_log_needed_from`)."""
    return datetime.now(UTC)


class WiringError(ValueError):
    """A stream the manifest declares cannot be built as the connector needs it: said at build time."""


def sync_marker(model: DeclarativeStreamModel) -> Any:
    """The zone stream's `aroflo_sync` marker (its change-log requester); None for the LastUpdate stream."""
    incremental = model.incremental_sync
    marker = (incremental.parameters or {}).get(SYNC_MARKER) if incremental is not None else None
    if not marker and model.name != CHANGE_LOG_STREAM:
        raise WiringError(
            f"Stream {model.name} is a zone stream without its sync: its incremental_sync must declare "
            f"`$parameters.{SYNC_MARKER}` (definitions.zone_stream)."
        )
    return marker


def parts_needing_sync(plan: ZonePlan) -> set[str]:
    """The parts of a zone stream that must get its cursor (by their class, as `wiring` records them). The
    file uploader is not among them: building one without the stream's cursor is itself an error
    (`create_file_uploader`), and a sync may swap in the CDK's own (the memory test of files does)."""
    return {"cursor", "AroFloPaginator", "ZoneRetriever", *(["NewDocuments"] if plan.attached_to else [])}


@cache
def declared_fields(component_class: type) -> frozenset[str]:
    """The fields a custom component class declares: its type hints, evaluated once per class, not once per
    component (the annotations are strings, and a source builds about 590 custom components of 12 classes)."""
    return frozenset(get_type_hints(component_class))


def first_input_format(model: DeclarativeStreamModel) -> str | None:
    """The format a `DatetimeBasedCursor` parses records' values with first (the CDK tries
    `cursor_datetime_formats`, then `datetime_format`)."""
    cursor = model.incremental_sync
    formats = [
        *(getattr(cursor, "cursor_datetime_formats", None) or []),
        getattr(cursor, "datetime_format", None),
    ]
    return formats[0]


def cheaper(cursor: Cursor, model: DeclarativeStreamModel) -> Cursor:
    """The CDK's `ConcurrentCursor` as a `ChangeLogCursor` where its records' values are compared as text."""
    if type(cursor) is ConcurrentCursor and first_input_format(model) == ISO_FORMAT:
        return ChangeLogCursor.adopt(cursor)
    return cursor


def checked_wiring(name: str, sync: ZoneSync, stream: Any, wired: set[str]) -> frozenset[str]:
    """The parts of a zone stream that got its cursor; one that should have and did not is an error."""
    if getattr(stream, "cursor", None) is sync:
        wired.add("cursor")
    missing = sorted(parts_needing_sync(sync.plan) - wired)
    if missing:
        raise WiringError(f"Stream {name}: {', '.join(missing)} did not get the stream's sync cursor.")
    return frozenset(wired)


class AroFloComponentFactory(ModelToComponentFactory):
    _budget: DailyBudget
    _change_log: SharedChangeLog | None
    _building: ZoneSync | None
    _wired: set[str]
    wiring: dict[str, frozenset[str]]  # stream -> the parts that got its cursor (the tests read it)

    @classmethod
    def adopt(cls, factory: ModelToComponentFactory, config: Config) -> AroFloComponentFactory:
        """Take over the factory the CDK built for the source (its state manager, catalog and queue)."""
        factory.__class__ = cls
        assert isinstance(factory, AroFloComponentFactory)
        factory._init_mappings()  # the constructor table holds bound methods: rebind them to the overrides
        factory._budget = DailyBudget(reserve=int(config.get("daily_call_reserve") or 0))
        factory._api_budget = limits.api_budget()  # what the manifest's `api_budget` would build
        factory._building = None
        factory._change_log = None
        factory.wiring = {}
        return factory

    @property
    def budget(self) -> DailyBudget:
        return self._budget

    # ---- zone streams get the AroFlo sync cursor, built before any of their parts --------------------------
    def create_default_stream(
        self, model: DeclarativeStreamModel, config: Config, is_parent: bool = False, **kwargs: Any
    ) -> Any:
        """The stream, and for a zone stream its `ZoneSync` first: every part that asks for the stream's
        cursor gets it whatever order the CDK builds them in, and a part left without it is an error here."""
        name = model.name or ""
        parameters: Mapping[str, Any] = {**(model.parameters or {}), "name": name}
        check_parameters(parameters)
        marker = sync_marker(model)
        self._building = self._zone_sync(name, parameters, marker, config) if marker else None
        self._wired = set()
        try:
            stream = super().create_default_stream(model, config, is_parent, **kwargs)
        finally:
            sync, self._building = self._building, None
        if sync is not None:
            self.wiring[name] = checked_wiring(name, sync, stream, self._wired)
        return stream

    def _zone_sync(self, name: str, parameters: Mapping[str, Any], marker: Any, config: Config) -> ZoneSync:
        plan = ZonePlan.from_parameters(parameters)
        states = self._connector_state_manager
        state_of = lambda stream: states.get_stream_state(stream, None)  # noqa: E731
        settings = settings_for(name, plan, config, self._stream_name_to_configured_stream, state_of)
        change_log = self._shared_change_log(name)
        if change_log.log is None:  # the requester every zone's LastUpdate reads go through
            requester = self.create_component(
                HttpRequesterModel, marker["change_log_requester"], config, name="LastUpdate"
            )
            change_log.log = ChangeLog(requester)
        change_log.need(name, change_log_needed_from(plan, settings, SyncState.load(state_of(name)), now()))
        return ZoneSync(
            plan, settings, state_of(name), change_log, self._budget, self._message_repository, states
        )

    def _shared_change_log(self, name: str) -> SharedChangeLog:
        """One LastUpdate read for every zone stream and `last_update` of a sync (shared_log.py); the streams
        built again (the CDK builds them per `check`, `discover` and `read`) get a new one."""
        if self._change_log is None or name in self._change_log.streams:
            self._change_log = SharedChangeLog()
        return self._change_log

    def _build_concurrent_cursor(
        self, model: DeclarativeStreamModel, stream_slicer: Any, config: Config
    ) -> Cursor:
        """A zone stream's `ZoneSync`; the LastUpdate stream's the CDK's, cheaper per record."""
        if self._building is not None:
            return self._building
        return cheaper(super()._build_concurrent_cursor(model, stream_slicer, config), model)

    def create_simple_retriever(self, model: Any, config: Config, **kwargs: Any) -> Any:
        """A zone stream's retriever also delivers its cursor's deletions (zone_retriever.py); `last_update`'s
        reads the sync's one LastUpdate read when it holds its window (change_log_retriever.py)."""
        retriever = super().create_simple_retriever(model, config, **kwargs)
        if kwargs.get("name") == CHANGE_LOG_STREAM and type(retriever) is SimpleRetriever:
            state = self._connector_state_manager.get_stream_state(CHANGE_LOG_STREAM, None)
            return ChangeLogRetriever.adopt(retriever, self._shared_change_log(CHANGE_LOG_STREAM), state)
        if self._building is not None and type(retriever) is SimpleRetriever:
            retriever.__class__ = ZoneRetriever
            assert isinstance(retriever, ZoneRetriever)
            retriever.deletions = self._building
            self._wired.add("ZoneRetriever")
        return retriever

    # ---- every request has a timeout ----------------------------------------------------------------------
    def create_http_requester(
        self, model: HttpRequesterModel, config: Config, *args: Any, **kwargs: Any
    ) -> Any:
        """AroFlo ends a query after 60 s, so an answer that has not started by the configured timeout (120 s
        by default) never will: the request is retried like a dropped connection, re-signed."""
        model.connect_timeout_in_seconds, model.read_timeout_in_seconds = limits.timeouts(config)
        return super().create_http_requester(model, config, *args, **kwargs)

    # ---- files, streamed, and only when the catalog asks for them ------------------------------------------
    def create_file_uploader(  # type: ignore[override]  # None: no uploader, as a stream without one
        self, model: FileUploaderModel, config: Config, **kwargs: Any
    ) -> StreamingFileUploader | None:
        """The manifest's `file_uploader` as a streaming uploader, for the zone stream being built; None (no
        download at all) unless the configured catalog sets `include_files` on the stream. The CDK 7.39
        declarative stream uploads whenever it has an uploader and never reads `include_files` itself."""
        sync = self._building
        if sync is None or not model.filename_extractor:
            raise WiringError("A file_uploader belongs to a zone stream (its sync) and names its files.")
        stream = sync.plan.stream
        configured = self._stream_name_to_configured_stream.get(stream)
        if configured is None or not configured.include_files:
            return None
        self._reject_reduce_page_size_action(model.requester, "requester of a `file_uploader`")
        self._reject_split_request_window_action(model.requester, "requester of a `file_uploader`")
        requester = self._create_component_from_model(model.requester, config, name=f"{stream} (files)")
        requester.stream_response = True  # the body is read in chunks, never whole (files.py)
        self._wired.add("StreamingFileUploader")
        by_id = (model.parameters or {})[FILES_MARKER]["record_requester"]
        return StreamingFileUploader(
            requester=requester,
            download_target_extractor=self._create_component_from_model(
                model.download_target_extractor, config, name=f"{stream} (files)"
            ),
            config=config,
            parameters=model.parameters or {},
            filename_extractor=model.filename_extractor,
            fresh_link=FreshLink(
                self.create_component(HttpRequesterModel, by_id, config, name=f"{stream} (by id)"), sync.plan
            ),
            stream=stream,
            on_result=sync.file_result if sync.plan.attached_to else None,
        )

    # ---- collaborators for the components that ask ---------------------------------------------------------
    def create_custom_component(self, model: Any, config: Config, **kwargs: Any) -> Any:
        component_class = self._get_class_from_fully_qualified_class_name(model.class_name)
        fields = declared_fields(component_class)
        if "sync" in fields and self._building is not None:
            kwargs.setdefault("sync", self._building)
            self._wired.add(component_class.__name__)
        if "budget" in fields:
            kwargs.setdefault("budget", self._budget)
        return super().create_custom_component(model, config, **kwargs)

    def _uses_split_request_window_action(self, error_handler: Any) -> bool:
        if isinstance(error_handler, CustomErrorHandlerModel) and (error_handler.parameters or {}).get(
            PAGINATOR_SPLITS
        ):
            return True
        return super()._uses_split_request_window_action(error_handler)
