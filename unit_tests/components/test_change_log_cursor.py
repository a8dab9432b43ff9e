"""The `last_update` stream's cursor: on the same records, the same state and state messages as the CDK's
`ConcurrentCursor` built from the manifest's cursor, with one parse per partition where the values are the
normalizer's UTC date-times, and the CDK's own handling of every other value."""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml
from airbyte_cdk.models import Type
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DatetimeBasedCursor as DatetimeBasedCursorModel,
)
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.message import InMemoryMessageRepository
from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor
from airbyte_cdk.sources.types import Record, StreamSlice

from source_aroflo.components.change_log_cursor import ChangeLogCursor, fast

MANIFEST = yaml.safe_load((Path(__file__).parents[2] / "source_aroflo" / "manifest.yaml").read_text())
DEFINITION = MANIFEST["definitions"]["last_update_stream"]["incremental_sync"]
FIELD = DEFINITION["cursor_field"]
STATE = {FIELD: "2026-11-30T08:00:00Z"}


class Partition:
    def __init__(self, stream_slice: StreamSlice) -> None:
        self._slice = stream_slice

    def to_slice(self) -> StreamSlice:
        return self._slice


def cdk_cursor(state: dict[str, Any] | None = None) -> tuple[ConcurrentCursor, InMemoryMessageRepository]:
    """The manifest's `last_update` cursor as the CDK builds it, with its own message queue."""
    messages = InMemoryMessageRepository()
    factory = ModelToComponentFactory(
        message_repository=messages, connector_state_manager=ConnectorStateManager()
    )
    cursor = factory.create_concurrent_cursor_from_datetime_based_cursor(
        model_type=DatetimeBasedCursorModel,
        component_definition={**copy.deepcopy(DEFINITION), "$parameters": {}},
        stream_name="last_update",
        stream_namespace=None,
        stream_state=dict(state if state is not None else STATE),
        config={"start_date": "2026-01-01"},
        message_repository=messages,
    )
    assert type(cursor) is ConcurrentCursor
    return cursor, messages


def feed(
    cursor: ConcurrentCursor, slices: list[StreamSlice], values: list[list[Any]], same: bool = True
) -> None:
    """Each slice's records (`values[i]`, their cursor values; None: no value), then its partition closed.
    `same=False`: each record carries a copy of its slice (equal, another object)."""
    for stream_slice, partition_values in zip(slices, values, strict=True):
        for i, value in enumerate(partition_values):
            data = {"zoneid": f"r{i}", "zonename": "tasks", **({FIELD: value} if value is not None else {})}
            carried = stream_slice if same else StreamSlice(**_parts(stream_slice))
            cursor.observe(Record(data=data, stream_name="last_update", associated_slice=carried))
        cursor.close_partition(Partition(stream_slice))  # type: ignore[arg-type]


def _parts(stream_slice: StreamSlice) -> dict[str, Any]:
    return {"partition": dict(stream_slice.partition), "cursor_slice": dict(stream_slice.cursor_slice)}


def states(messages: InMemoryMessageRepository) -> list[Any]:
    return [m.state.stream.stream_state for m in messages.consume_queue() if m.type == Type.STATE]


def both(values: list[Any], state: dict[str, Any] | None = None, same: bool = True) -> None:
    """The CDK's cursor and this one fed the same records (one partition: the manifest's one window): the
    same state and state messages."""
    plain, plain_messages = cdk_cursor(state)
    cheap, cheap_messages = cdk_cursor(state)
    cheap = ChangeLogCursor.adopt(cheap)
    [stream_slice] = list(plain.stream_slices())
    feed(plain, [stream_slice], [values], same)
    feed(cheap, [StreamSlice(**_parts(stream_slice))], [values], same)  # the same slice, as the CDK makes it
    assert cheap.state == plain.state
    assert states(cheap_messages) == states(plain_messages) != []


ISO = ["2026-11-30T09:00:00Z", "2026-11-30T09:15:02Z", "2026-11-30T10:00:00Z"]


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(ISO, id="ascending"),
        pytest.param([ISO[2], ISO[0], ISO[1]], id="out-of-order"),
        pytest.param(["2026/11/30 11:00:00", ISO[0]], id="the-other-format-newest"),
        pytest.param([ISO[2], "2026/11/30 09:30:00"], id="the-other-format-older"),
        pytest.param(["2026-02-30T09:15:02Z", ISO[0]], id="no-such-day"),
        pytest.param(["2026-12-30T09:15:02Z", ISO[0]], id="newest-iso"),
        pytest.param([None, 12345, "", " ", "2026-11-30T09:15:02.000Z", ISO[1]], id="odd-shapes"),
        pytest.param([None, "not a date"], id="no-usable-value"),
        pytest.param([], id="no-records"),
    ],
)
def test_the_state_is_the_cdks_on_the_same_records(values):
    both(values)


def test_the_state_is_the_cdks_when_records_carry_an_equal_slice_not_the_same_one():
    both([ISO[1], ISO[0], ISO[2]], same=False)


def test_the_state_is_the_cdks_on_a_first_sync():
    both([ISO], state={})


def test_one_value_per_partition_is_parsed_where_values_are_the_normalizers(monkeypatch):
    calls = []
    original = ConcurrentCursor.observe

    def counted(self: ConcurrentCursor, record: Record) -> None:
        calls.append(record.data.get(FIELD))
        original(self, record)

    monkeypatch.setattr(ConcurrentCursor, "observe", counted)
    cursor = ChangeLogCursor.adopt(cdk_cursor()[0])
    [stream_slice] = list(cursor.stream_slices())
    values = [f"2026-11-30T09:{minute:02d}:00Z" for minute in range(60)]
    feed(cursor, [stream_slice], [values])
    assert calls == [values[-1]]  # the partition's newest, once, when it closed
    feed(cursor, [stream_slice], [[values[5], "2026/11/30 09:30:00", values[3]]])
    assert calls[1:] == [
        "2026/11/30 09:30:00",
        values[5],
        values[3],
        values[5],
    ]  # other shapes and order: at once


def test_a_narrowed_slice_starts_at_the_newest_record_so_far_as_the_cdks(caplog):
    plain, cheap = cdk_cursor()[0], ChangeLogCursor.adopt(cdk_cursor()[0])
    [stream_slice] = list(plain.stream_slices())
    narrowed = []
    for cursor in (plain, cheap):
        for value in (ISO[1], ISO[0]):  # out of order: the CDK warns that narrowing may miss records
            cursor.observe(
                Record(data={FIELD: value}, stream_name="last_update", associated_slice=stream_slice)
            )
        with caplog.at_level(logging.WARNING, logger="airbyte"):
            caplog.clear()
            narrowed.append((cursor.reduce_slice_range(stream_slice), [r.message for r in caplog.records]))
    assert narrowed[0] == narrowed[1] and narrowed[0][1], narrowed


def test_a_copy_the_cdk_makes_is_cheap_too():
    copied = ChangeLogCursor.adopt(cdk_cursor()[0]).copy_without_state()
    plain = cdk_cursor()[0].copy_without_state()
    assert isinstance(copied, ChangeLogCursor)
    [stream_slice] = list(plain.stream_slices())
    feed(plain, [stream_slice], [ISO])
    feed(copied, [StreamSlice(**_parts(stream_slice))], [ISO])
    assert copied.state == plain.state


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-11-30T09:15:02Z", True),
        ("2024-02-29T23:59:59Z", True),
        ("2026-02-29T09:15:02Z", False),
        ("2026-11-30T24:00:00Z", False),
        ("2026-11-30T09:15:60Z", False),
        ("0000-11-30T09:15:02Z", False),
        ("2026-11-30 09:15:02Z", False),
        ("2026-11-30T09:15:02+0", False),
        ("\uff12\uff10\uff12\uff16-11-30T09:15:02Z", False),  # full-width digits: strptime takes them
        ("2026/11/30 09:15:02", False),
        (None, False),
        (20261130, False),
    ],
)
def test_fast_is_what_strptime_accepts(value, expected):
    assert fast(value) is expected
