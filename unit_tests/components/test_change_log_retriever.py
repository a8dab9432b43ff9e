"""The `last_update` stream's retriever, as the source builds it: its window's rows from the sync's one
LastUpdate read when that read holds them, through the stream's own record selector (the same records as
from AroFlo's page of those rows); a window the read does not hold is read from AroFlo."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import requests
from airbyte_cdk.sources.declarative.retrievers.simple_retriever import SimpleRetriever
from airbyte_cdk.sources.types import StreamSlice

from source_aroflo.components.change_log_retriever import ChangeLogRetriever, needed_from
from source_aroflo.components.shared_log import SharedChangeLog
from unit_tests.test_wiring import built, parts

ROWS = [
    {"zonename": "tasks", "zoneid": "JSZa", "lastupdateutc": "2026/11/30 09:15:02", "isdeleted": "0"},
    {"zonename": "clients", "zoneid": "JCdK", "lastupdateutc": "2026/11/30 09:20:00", "isdeleted": "1"},
]
SLICE = StreamSlice(
    partition={}, cursor_slice={"start_time": "2026-11-30T09:00:00Z", "end_time": "2026-11-30T10:00:00Z"}
)


class Shared:
    def __init__(self, rows: list[dict[str, Any]] | None) -> None:
        self.held, self.asked = rows, []

    def need(self, stream: str, after: datetime | None) -> None: ...

    def rows(self, start: datetime, end: datetime) -> list[dict[str, Any]] | None:
        self.asked.append((start, end))
        return [dict(row) for row in self.held] if self.held is not None else None


def retriever() -> tuple[ChangeLogRetriever, Any]:
    streams, _ = built()
    stream = streams["last_update"]
    found = parts(stream)[1]
    assert isinstance(found, ChangeLogRetriever) and isinstance(found.shared, SharedChangeLog)
    return found, stream.get_json_schema()


def page(rows: list[dict[str, Any]]) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps({"status": "0", "zoneresponse": {"lastupdate": rows}}).encode()
    return response


def test_a_window_the_shared_read_holds_gives_the_records_a_page_of_its_rows_gives():
    reader, schema = retriever()
    reader.shared = Shared(ROWS)
    records = list(reader.read_records(schema, SLICE))
    from_page = list(reader.record_selector.select_records(page(ROWS), {}, schema, SLICE, None))
    assert [json.dumps(r.data) for r in records] == [json.dumps(r.data) for r in from_page]
    assert records[0].data["lastupdateutc"] == "2026-11-30T09:15:02Z"  # normalized, as a page's
    assert all(r.associated_slice is SLICE for r in records)
    bounds = (datetime(2026, 11, 30, 9, tzinfo=UTC), datetime(2026, 11, 30, 10, tzinfo=UTC))
    assert reader.shared.asked == [bounds]


def test_a_window_the_shared_read_does_not_hold_is_read_from_aroflo(monkeypatch):
    reader, schema = retriever()
    reader.shared = Shared(None)
    monkeypatch.setattr(
        SimpleRetriever, "read_records", lambda self, schema, stream_slice=None: iter(["read"])
    )
    assert list(reader.read_records(schema, SLICE)) == ["read"]
    first_sync = StreamSlice(partition={}, cursor_slice={"start_time": "2000-01-01", "end_time": "x"})
    assert list(reader.read_records(schema, first_sync)) == ["read"]


def test_the_stream_tells_the_shared_read_where_its_window_starts():
    assert needed_from({"lastupdateutc": "2026-11-30T09:15:00Z"}) == datetime(2026, 11, 30, 9, 4, tzinfo=UTC)
    assert needed_from({}) is None and needed_from(None) is None
    _, factory = built()
    assert factory._change_log.needs.get("last_update") is None  # no state: a first sync reads its own
