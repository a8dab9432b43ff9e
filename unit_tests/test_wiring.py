"""The source built in-process from its manifest, as a sync builds it: every zone stream's cursor is its
`ZoneSync`, and its paginator, retriever, documents filter and file uploader got that cursor; a zone stream
without its sync, or a `$parameters` key no one reads, is an error at build time naming the stream. No
request is sent (building streams reads nothing)."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from airbyte_cdk.models import (
    AirbyteStream,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

from aroflo_client.budget import ALLOWANCE_HEADER
from aroflo_client.paging import MAX_PAGE_SIZE
from source_aroflo.components.attachments import NewDocuments
from source_aroflo.components.change_log_cursor import ChangeLogCursor
from source_aroflo.components.change_log_retriever import ChangeLogRetriever
from source_aroflo.components.changes import ZONE as LAST_UPDATE_ZONE
from source_aroflo.components.factory import CHANGE_LOG_STREAM, AroFloComponentFactory, WiringError
from source_aroflo.components.files import StreamingFileUploader
from source_aroflo.components.paginators import AroFloPaginator
from source_aroflo.components.shared_log import SharedChangeLog
from source_aroflo.components.sync import ZoneSync
from source_aroflo.components.zone_retriever import ZoneRetriever
from source_aroflo.source import SourceAroflo

MANIFEST_PATH = Path(__file__).parent.parent / "source_aroflo" / "manifest.yaml"
MANIFEST = yaml.safe_load(MANIFEST_PATH.read_text())
CONFIG = {
    "u_encoded": "u",
    "p_encoded": "p",
    "org_encoded": "o",
    "secret_key": "s",
    "base_url": "http://127.0.0.1:9/",
}
NAMES = [s["$parameters"]["name"] for s in MANIFEST["streams"]]
FILE_STREAMS = [
    s["$parameters"]["name"]
    for s in MANIFEST["streams"]
    if s["$ref"] in ("#/definitions/documents_stream", "#/definitions/attached_documents_stream")
]


def catalog(files: bool) -> ConfiguredAirbyteCatalog:
    return ConfiguredAirbyteCatalog(
        streams=[
            ConfiguredAirbyteStream(
                stream=AirbyteStream(name=name, json_schema={}, supported_sync_modes=[SyncMode.incremental]),
                sync_mode=SyncMode.incremental,
                destination_sync_mode=DestinationSyncMode.append,
                include_files=files and name in FILE_STREAMS,
            )
            for name in NAMES
        ]
    )


def built(manifest: dict[str, Any] | None = None, files: bool = True) -> tuple[dict[str, Any], Any]:
    """The streams by name, and the factory, of the source built from the manifest (or a changed copy)."""
    if manifest is None:
        source: Any = SourceAroflo(catalog=catalog(files), config=CONFIG, state=None)
    else:
        source = ConcurrentDeclarativeSource(
            catalog=catalog(files), config=CONFIG, state=None, source_config=manifest
        )
        source._constructor = AroFloComponentFactory.adopt(source._constructor, source._config)
    return {stream.name: stream for stream in source.streams(CONFIG)}, source._constructor


def parts(stream: Any) -> tuple[Any, Any]:
    """The stream's cursor and retriever, where the CDK keeps them."""
    return stream.cursor, stream._stream_partition_generator._partition_factory._retriever


@pytest.fixture(scope="module")
def source_streams() -> tuple[dict[str, Any], Any]:
    return built()


def test_every_zone_stream_and_its_parts_got_its_sync(source_streams):
    streams, factory = source_streams
    assert set(streams) == set(NAMES)
    for name, stream in streams.items():
        cursor, retriever = parts(stream)
        if name == CHANGE_LOG_STREAM:
            assert not isinstance(cursor, ZoneSync) and type(retriever) is ChangeLogRetriever
            assert retriever.paginator.pagination_strategy.sync is None
            continue
        assert isinstance(cursor, ZoneSync) and cursor.plan.stream == name
        assert isinstance(retriever, ZoneRetriever) and retriever.deletions is cursor, name
        strategy = retriever.paginator.pagination_strategy
        assert isinstance(strategy, AroFloPaginator) and strategy.sync is cursor, name
        assert retriever.request_window_splitter == cursor.split_request_window or name in FILE_STREAMS
        selector = retriever.record_selector
        if cursor.plan.attached_to is not None:
            assert isinstance(selector.record_filter, NewDocuments) and selector.record_filter.sync is cursor
        if name in FILE_STREAMS:
            uploader = selector.file_uploader
            assert isinstance(uploader, StreamingFileUploader) and uploader.fresh_link.plan is cursor.plan
            assert uploader.on_result == (cursor.file_result if cursor.plan.attached_to else None)
        assert factory.wiring[name] >= {"cursor", "AroFloPaginator", "ZoneRetriever"}


def test_without_include_files_no_uploader_is_built():
    streams, _ = built(files=False)
    for name in FILE_STREAMS:
        assert parts(streams[name])[1].record_selector.file_uploader is None


def test_a_zone_stream_without_its_sync_is_an_error_at_build_time():
    manifest = copy.deepcopy(MANIFEST)
    broken = copy.deepcopy(manifest["definitions"]["zone_stream"])
    del broken["incremental_sync"]["$parameters"]
    manifest["definitions"]["broken_stream"] = broken
    manifest["streams"][2]["$ref"] = "#/definitions/broken_stream"
    with pytest.raises(WiringError, match=f"Stream {NAMES[2]} is a zone stream without its sync"):
        built(manifest)


def test_an_unknown_parameter_is_an_error_naming_the_stream():
    manifest = copy.deepcopy(MANIFEST)
    tasks = next(s for s in manifest["streams"] if s["$parameters"]["name"] == "tasks")
    tasks["$parameters"]["change_logs"] = tasks["$parameters"].pop("change_log")  # a typo
    with pytest.raises(ValueError, match="Stream tasks: unknown \\$parameters key\\(s\\) change_logs"):
        built(manifest)


def test_the_facts_the_manifest_must_spell_agree_with_the_code():
    definitions = MANIFEST["definitions"]
    assert ALLOWANCE_HEADER in definitions["zone_requester"]["request_headers"]
    last_update = definitions["last_update_stream"]["retriever"]["requester"]
    assert last_update["request_headers"] == {ALLOWANCE_HEADER: "free"}
    [stream] = [s for s in MANIFEST["streams"] if s["$parameters"]["name"] == CHANGE_LOG_STREAM]
    assert stream["$parameters"]["zone"] == LAST_UPDATE_ZONE
    page_size = MANIFEST["spec"]["connection_specification"]["properties"]["page_size"]
    assert page_size["default"] == page_size["maximum"] == MAX_PAGE_SIZE  # the spec's form must spell it
    assert f"{MAX_PAGE_SIZE}" in page_size["description"]
    definitions_text = MANIFEST_PATH.read_text().split("\ndefinitions:")[1].split("\nschemas:")[0]
    assert str(MAX_PAGE_SIZE) not in definitions_text  # everything else reads the constant


def test_a_file_uploader_built_outside_a_zone_stream_is_an_error(source_streams):
    _, factory = source_streams
    with pytest.raises(WiringError, match="file_uploader belongs to a zone stream"):
        factory.create_file_uploader(SimpleNamespace(filename_extractor="{{ record.name }}"), CONFIG)


def test_every_zone_stream_shares_one_change_log_read_and_a_rebuild_gets_a_new_one():
    source = SourceAroflo(catalog=catalog(True), config=CONFIG, state=None)
    built_streams = [{stream.name: stream for stream in source.streams(CONFIG)} for _ in range(2)]
    first, again = ({name: stream.cursor for name, stream in streams.items()} for streams in built_streams)
    for streams, cursors in zip(built_streams, (first, again), strict=True):
        assert isinstance(cursors.pop(CHANGE_LOG_STREAM), ChangeLogCursor)  # the CDK's, cheaper per record
        logs = {id(cursor._planner.change_log): cursor._planner.change_log for cursor in cursors.values()}
        assert [type(log) for log in logs.values()] == [SharedChangeLog]  # one, for every zone stream
        retriever = parts(streams[CHANGE_LOG_STREAM])[1]
        assert isinstance(retriever, ChangeLogRetriever) and retriever.shared is next(iter(logs.values()))
    assert first["tasks"]._planner.change_log is not again["tasks"]._planner.change_log
