"""What the paginator asks for next: AroFlo's true last page, smaller pages, narrower windows, status 9."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest
import requests
from airbyte_cdk.sources.streams.http.request_window_split_exception import (
    RequestWindowSplitRequiredException,
)
from airbyte_cdk.sources.types import StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from aroflo_client.envelope import Envelope
from aroflo_client.paging import Ask
from source_aroflo.components.paginators import AroFloPaginator
from source_aroflo.components.zone_slice import ZoneSlice


def _response(status: str = "0", rows: int = 0, page_size: Any = 500, message: str = "Login OK"):
    response = requests.Response()
    response.status_code = 200
    body: dict[str, Any] = {"status": status, "statusmessage": message}
    if status == "0":
        body["zoneresponse"] = {
            "tasks": [{"taskid": str(i)} for i in range(rows)],
            "currentpageresults": rows,
            "maxpageresults": page_size,
        }
    response._content = json.dumps(body).encode()
    return response


def _slice(**extra: Any) -> StreamSlice:
    fields = {"where": ["and|datetimerequested|>|1900-01-01 00:00:00"], **extra}
    return ZoneSlice(
        partition=1, read="full", zone="tasks", **{**fields, "where": tuple(fields["where"])}
    ).stream_slice()


def _paginator(sync: Any = None) -> AroFloPaginator:
    return AroFloPaginator(config={}, parameters={"name": "tasks"}, sync=sync)


def test_the_first_request_is_the_slice_and_the_next_one_the_next_page():
    paginator = _paginator()
    assert paginator.initial_token is None
    token = paginator.next_page_token(_response(rows=500), 500, None, None, stream_slice=_slice())
    assert token == {"page": 2, "page_size": 500, "where": ["and|datetimerequested|>|1900-01-01 00:00:00"]}
    token = paginator.next_page_token(_response(rows=500), 500, None, token, stream_slice=_slice())
    assert token["page"] == 3


@pytest.mark.parametrize(
    "rows,applied,more",
    [
        (499, 500, False),  # a short page is the last one
        (0, 500, False),  # an empty page too
        (500, 500, True),  # an exactly full page is followed by one more request
        (100, "100", True),  # AroFlo capped the page at 100 (a string here): still not the end
        (99, 100, False),
    ],
)
def test_the_true_last_page(rows, applied, more):
    token = _paginator().next_page_token(
        _response(rows=rows, page_size=applied), rows, None, None, stream_slice=_slice()
    )
    assert (token is not None) == more


@pytest.mark.parametrize("status", ["8", "888888"])
def test_too_large_or_too_slow_asks_for_the_same_record_with_half_the_page(status):
    paginator = _paginator()
    token = paginator.next_page_token(
        _response(status), 0, None, {"page": 3, "page_size": 500, "where": []}, stream_slice=_slice()
    )
    assert token == {"page": 5, "page_size": 250, "where": []}  # record 1,000 is the first of both pages


def test_at_the_smallest_page_a_splittable_read_asks_for_narrower_windows():
    token = {"page": 7, "page_size": 10, "where": ["w"]}
    with pytest.raises(RequestWindowSplitRequiredException):
        _paginator().next_page_token(
            _response("888888"), 0, None, token, stream_slice=_slice(splittable=True)
        )
    with pytest.raises(AirbyteTracedException, match="no documented date field"):
        _paginator().next_page_token(
            _response("888888"), 0, None, token, stream_slice=_slice(splittable=False)
        )


def test_a_rejected_optional_clause_is_dropped_and_the_same_page_asked_again():
    sync = MagicMock()
    sync.drop_optional_where.return_value = True
    stream_slice = _slice(optional_where=True, where=["and|(|orgid|=|x", "or|orgid|!=|x|)"])
    token = _paginator(sync).next_page_token(
        _response("9", message="Invalid WHERE Clause"), 0, None, None, stream_slice=stream_slice
    )
    assert token == {"page": 1, "page_size": 500, "where": []}
    sync.drop_optional_where.assert_called_once()


def test_a_rejected_required_clause_is_a_clear_error():
    with pytest.raises(AirbyteTracedException) as raised:
        _paginator().next_page_token(
            _response("9", message="Invalid WHERE Clause"), 0, None, None, stream_slice=_slice()
        )
    assert "tasks" in raised.value.message and "datetimerequested" in raised.value.message


def test_a_default_filter_on_a_read_without_where_is_an_error_not_30_days_of_data():
    message = "Login OK. No WHERE clause found, default filter applied"
    with pytest.raises(AirbyteTracedException, match="default filter"):
        _paginator().next_page_token(
            _response(rows=3, message=message), 3, None, None, stream_slice=_slice(where=[])
        )


def test_every_page_is_reported_to_the_cursor_before_the_next_is_asked_for():
    sync = MagicMock()
    stream_slice = _slice()
    _paginator(sync).next_page_token(
        _response(rows=500), 500, "last", {"page": 4, "page_size": 500}, stream_slice=stream_slice
    )
    sync.page_read.assert_called_once()
    (reported, page, size, last, answer), _ = sync.page_read.call_args
    assert (reported, page, size, last) == (stream_slice, 4, 500, "last")
    assert isinstance(answer, Envelope) and answer.rows == 500  # the page, for a documents stream's parents


def test_the_paginator_knows_the_cursor_only_through_its_protocol():
    source = (Path(__file__).parents[2] / "source_aroflo" / "components" / "paginators.py").read_text()
    imported = {n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in imported if m and m.startswith("source_aroflo.components.sync")}


def test_smaller_keeps_the_first_record_of_the_page():
    ask = Ask(page=4, page_size=125, where=None).smaller()
    assert ask == Ask(
        page=7, page_size=62
    )  # record 375 falls on page 7 of 62 (starting at 372): none skipped
    assert Ask(page=2, page_size=10).smaller().page_size == 10


def test_the_last_update_streams_date_slices_get_the_same_clear_errors():
    dates = StreamSlice(partition={}, cursor_slice={"start_time": "2026-11-30T00:00:00Z"})
    with pytest.raises(AirbyteTracedException, match="status 9"):
        _paginator().next_page_token(_response("9", message="Invalid WHERE Clause"), 0, None, None, dates)
    with pytest.raises(AirbyteTracedException, match="no documented date field"):
        _paginator().next_page_token(_response("8"), 0, None, {"page": 1, "page_size": 10}, dates)
