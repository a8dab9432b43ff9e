"""The zone sync cursor: what each sync reads, what it remembers, and what it emits (precise fakes for
LastUpdate and the partitions the CDK would read)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from airbyte_cdk.models import Type
from airbyte_cdk.sources.connector_state_manager import ConnectorStateManager
from airbyte_cdk.sources.message import InMemoryMessageRepository
from airbyte_cdk.sources.types import Record, StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from aroflo_client.budget import DailyBudget
from aroflo_client.envelope import Envelope
from source_aroflo.components.changes import Entry, LogWindow
from source_aroflo.components.plan import ZonePlan
from source_aroflo.components.sync import SyncSettings, ZoneSync
from source_aroflo.components.sync_state import SyncState, pack_ids, unpack_ids
from source_aroflo.components.zone_slice import ZoneSlice

NOW = datetime(2026, 11, 30, 20, 0, 0, tzinfo=UTC)
TASKS = ZonePlan.from_parameters(
    {
        "name": "tasks",
        "zone": "tasks",
        "id": "taskid",
        "full_read": {"date": "datetimerequested"},
        "change_log": "tasks",
        "updated": {
            "field": "lastupdateddatetimeutc",
            "created": "createddatetimeutc",
            "in_records": "lastupdateddatetimeutc",
        },
    }
)
TIMESHEETS = ZonePlan.from_parameters(
    {
        "name": "timesheets",
        "zone": "timesheets",
        "id": "timesheetid",
        "full_read": {"date": "workdate"},
        "change_log": "timesheets",
    }
)
PRIORITIES = ZonePlan.from_parameters(
    {
        "name": "priorities",
        "zone": "priorities",
        "id": "priorityid",
        "full_read": {"id": "priorityid", "literal": "IyYqUyMK"},
    }
)


class FakeChangeLog:
    def __init__(self, entries: list[Entry] | None = None, probe: list[Entry] | None = None) -> None:
        self._entries = entries or []
        self._probe = probe if probe is not None else self._entries
        self.reads: list[tuple[str, datetime]] = []

    def entries(self, zonename: str, after: datetime) -> Iterator[list[Entry]]:
        self.reads.append((zonename, after))
        yield [e for e in self._entries if e.at > after]

    def since(self, zonename: str, after: datetime, now: datetime) -> LogWindow:
        return LogWindow(self.entries(zonename, after), now)

    def seen(self, zonename: str, after: datetime) -> list[Entry]:
        """The entries logged so far (a full read starting now delivers them)."""
        return [e for e in self._entries if e.at > after]

    def probe(self, zonename: str, after: datetime | None = None, pages: int = 1) -> list[Entry]:
        return [e for e in self._probe if after is None or e.at > after]


class Partition:
    def __init__(self, stream_slice: StreamSlice) -> None:
        self._slice = stream_slice

    def to_slice(self) -> StreamSlice:
        return self._slice


class Harness:
    def __init__(
        self,
        plan: ZonePlan,
        state: dict[str, Any] | None = None,
        log: FakeChangeLog | None = None,
        clock_offset: timedelta = timedelta(0),
        **settings: Any,
    ) -> None:
        self.messages = InMemoryMessageRepository()
        self.log = log or FakeChangeLog()
        self.budget = DailyBudget()
        self.deleted: list[dict[str, Any]] = []
        self.sync = ZoneSync(
            plan=plan,
            settings=SyncSettings(**{"start_date": None, "page_size": 500, **settings}),
            stream_state=state,
            change_log=self.log,  # type: ignore[arg-type]
            budget=self.budget,
            message_repository=self.messages,
            state_manager=ConnectorStateManager(),
            clock=lambda: NOW + clock_offset,
        )

    def read(self, rows: dict[str, list[dict[str, Any]]] | None = None) -> list[StreamSlice]:
        """Plan the sync and read every slice to the end, `rows[read kind]` being what AroFlo returns; the
        retriever's part: the partition's deletions asked for once it is read (`deleted`)."""
        slices = []
        for stream_slice in self.sync.stream_slices():
            slices.append(stream_slice)
            for data in (rows or {}).get(stream_slice.partition["read"], []):
                self.sync.observe(
                    Record(data=data, stream_name=self.sync.plan.stream, associated_slice=stream_slice)
                )
            self.end_partition(stream_slice)
        return slices

    def end_partition(self, stream_slice: StreamSlice) -> None:
        """What the CDK does once a partition's records are read: the retriever asks for its deletions
        (delivered as records, observed by the cursor like every record), then the partition is closed."""
        for data in self.sync.deletions(stream_slice):
            self.deleted.append(data)
            self.sync.observe(
                Record(data=data, stream_name=self.sync.plan.stream, associated_slice=stream_slice)
            )
        self.sync.close_partition(Partition(stream_slice))  # type: ignore[arg-type]

    def emitted(self) -> list[Any]:
        return list(self.messages.consume_queue())

    @property
    def state(self) -> SyncState:
        return SyncState.load(self.sync.state)


def answer(record_key: str, rows: list[dict[str, Any]]) -> Envelope:
    """A page as AroFlo answers it."""
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps({"status": "0", "zoneresponse": {record_key: rows}}).encode()
    return Envelope.read(response)


def test_a_first_sync_reads_the_whole_zone_and_starts_the_change_log_where_it_began():
    harness = Harness(TASKS)
    slices = harness.read({"full": [{"taskid": "a"}, {"taskid": "b"}]})
    assert [s.partition["read"] for s in slices] == ["full"]
    assert slices[0]["where"] == ["and|datetimerequested|>|1900-01-01 00:00:00"]
    assert slices[0]["as_of"] == "2026-11-30T20:00:00Z" and slices[0]["page"] == 1
    state = harness.state
    assert state.position == NOW and state.full_read is None and state.read_at == NOW
    assert unpack_ids(state.ids or "") == {"a", "b"}  # until LastUpdate is shown to log the zone


def test_a_full_read_is_checkpointed_after_every_page_and_resumed_there():
    harness = Harness(TASKS)
    full = next(iter(harness.sync.stream_slices()))
    last = Record(data={"taskid": "x500"}, stream_name="tasks", associated_slice=full)
    harness.sync.page_read(full, 1, 500, last, answer("tasks", []))
    harness.sync.page_read(full, 2, 500, last, answer("tasks", []))
    harness.sync.ensure_at_least_one_state_emitted()  # the sync stopped (daily budget) inside the read
    saved = harness.sync.state
    assert saved["full_read"]["page"] == 3 and saved["full_read"]["started"] == "2026-11-30T20:00:00Z"
    assert "_ab_cdc_updated_at" not in saved
    covered = FakeChangeLog(probe=[Entry("x", NOW, False)])
    resumed = Harness(TASKS, state=saved, log=covered)
    (next_slice,) = resumed.read()
    assert next_slice["page"] == 3  # LastUpdate logs the zone and shows no deletion: continue exactly there
    assert next_slice["as_of"] == "2026-11-30T20:00:00Z"


def test_a_resumed_read_steps_back_over_deletions_it_cannot_rule_out():
    state = {"full_read": {"started": "2026-11-29T20:00:00Z", "page": 9, "page_size": 500}}
    deletions = [Entry(f"d{i}", NOW - timedelta(hours=i + 1), True) for i in range(3)]
    (stepped,) = Harness(TASKS, state=state, log=FakeChangeLog(deletions)).read()
    assert stepped["page"] == 8  # three records deleted since: one page earlier covers them
    (unknown,) = Harness(TASKS, state=state, log=FakeChangeLog(probe=[])).read()
    assert unknown["page"] == 8  # LastUpdate not shown to log the zone: one page earlier
    state["full_read"]["page_size"] = 100
    (resized,) = Harness(TASKS, state=state, log=FakeChangeLog(probe=[])).read()
    assert resized["page"] == 2 and resized["page_size"] == 500  # the same record at the new page size


def test_a_later_sync_fetches_exactly_the_changed_records_one_per_call():
    entries = [Entry("a", NOW - timedelta(minutes=30), False), Entry("b", NOW - timedelta(minutes=5), False)]
    state = {"_ab_cdc_updated_at": "2026-11-30T19:00:00Z", "coverage": "covered"}
    harness = Harness(TASKS, state=state, log=FakeChangeLog(entries))
    slices = harness.read({"fetch": [{"taskid": "a"}, {"taskid": "b"}]})
    assert [s["where"] for s in slices] == [["and|taskid|=|a"], ["and|taskid|=|b"]]
    assert slices[0]["changes"] == {"a": "2026-11-30T19:30:00Z"}
    assert harness.log.reads == [("tasks", datetime(2026, 11, 30, 18, 50, tzinfo=UTC))]  # 10 minutes earlier
    state_after = harness.state
    assert state_after.position == NOW
    assert state_after.recent == {"b": "2026-11-30T19:55:00Z"}  # within the next sync's overlap


def test_the_overlap_does_not_fetch_again_what_was_fetched_at_the_same_time():
    late = Entry("late", NOW - timedelta(minutes=8), False)  # logged after the last sync read the log
    known = Entry("b", NOW - timedelta(minutes=5), False)
    state = {
        "_ab_cdc_updated_at": "2026-11-30T19:58:00Z",
        "coverage": "covered",
        "recent": {"b": "2026-11-30T19:55:00Z"},
    }
    harness = Harness(TASKS, state=state, log=FakeChangeLog([late, known]))
    slices = harness.read({"fetch": [{"taskid": "late"}]})
    assert [s["where"] for s in slices] == [["and|taskid|=|late"]]


def test_many_changes_go_in_batches_on_the_daily_budget():
    entries = [Entry(f"r{i}", NOW - timedelta(minutes=30), False) for i in range(120)]
    state = {"_ab_cdc_updated_at": "2026-11-30T19:00:00Z", "coverage": "covered"}
    harness = Harness(TASKS, state=state, log=FakeChangeLog(entries), single_fetch_limit=100)
    slices = harness.read({"fetch": []})
    assert [len(s["changes"]) for s in slices] == [50, 50, 20]
    assert slices[0]["where"][0].startswith("and|taskid|IN|r0*r1*")


def test_deletions_in_the_log_and_records_no_longer_returned_become_tombstones():
    entries = [
        Entry("gone", NOW - timedelta(minutes=30), True),
        Entry("hidden", NOW - timedelta(minutes=20), False),
    ]
    state = {"_ab_cdc_updated_at": "2026-11-30T19:00:00Z", "coverage": "covered"}
    harness = Harness(TASKS, state=state, log=FakeChangeLog(entries))
    slices = harness.read({"fetch": []})
    assert [s.partition["read"] for s in slices] == ["deleted", "fetch"]
    assert slices[0]["allowance"] == "daily" and slices[1]["allowance"] == "secondary"  # one id: secondary
    assert [m for m in harness.emitted() if m.type == Type.RECORD] == []  # records come from the retriever
    assert harness.deleted == [
        {
            "taskid": "gone",
            "_ab_cdc_deleted_at": "2026-11-30T19:30:00Z",
            "_ab_cdc_updated_at": "2026-11-30T19:30:00Z",
        },
        {
            "taskid": "hidden",
            "_ab_cdc_deleted_at": "2026-11-30T19:40:00Z",
            "_ab_cdc_updated_at": "2026-11-30T19:40:00Z",
        },
    ]


def test_a_failed_fetch_keeps_the_position_so_nothing_is_skipped():
    entries = [Entry("a", NOW - timedelta(minutes=30), False)]
    state = {"_ab_cdc_updated_at": "2026-11-30T19:00:00Z", "coverage": "covered"}
    harness = Harness(TASKS, state=state, log=FakeChangeLog(entries))
    list(harness.sync.stream_slices())  # the fetch partition never closes: the sync failed
    harness.sync.ensure_at_least_one_state_emitted()
    assert harness.state.position == datetime(2026, 11, 30, 19, 0, tzinfo=UTC)


def test_coverage_is_shown_by_the_newest_update_being_in_the_log():
    newest = {"id": "n", "at": "2026-11-30T18:00:00Z"}
    state = {"_ab_cdc_updated_at": "2026-11-30T19:00:00Z", "newest": newest}
    logged = FakeChangeLog(probe=[Entry("n", datetime(2026, 11, 30, 18, tzinfo=UTC), False)])
    covered = Harness(TASKS, state=dict(state), log=logged)
    covered.read()
    assert covered.state.covered
    unlogged = Harness(TASKS, state=dict(state), log=FakeChangeLog(probe=[Entry("x", NOW, False)]))
    (window,) = unlogged.read({"window": [{"taskid": "n"}]})
    assert not unlogged.state.covered
    assert window["where"] == [
        "and|(|lastupdateddatetimeutc|>|2026-11-30 18:49:59",
        "or|createddatetimeutc|>|2026-11-30 18:49:59|)",
    ]
    assert unlogged.state.position == NOW


def test_a_zone_the_log_does_not_show_is_read_again_with_its_deletions():
    state = {
        "_ab_cdc_updated_at": "2026-11-30T19:00:00Z",
        "read_at": "2026-11-30T19:00:00Z",
        "ids": pack_ids(["a", "b", "c"]),
    }
    harness = Harness(TIMESHEETS, state=state, log=FakeChangeLog(probe=[]))
    (reread,) = harness.read({"full": [{"timesheetid": "a"}, {"timesheetid": "c"}, {"timesheetid": "d"}]})
    assert reread["where"] == ["and|workdate|>|1900-01-01"]
    assert harness.deleted == [
        {
            "timesheetid": "b",
            "_ab_cdc_deleted_at": "2026-11-30T20:00:00Z",
            "_ab_cdc_updated_at": "2026-11-30T20:00:00Z",
        }
    ]
    assert unpack_ids(harness.state.ids or "") == {"a", "c", "d"}
    later = Harness(
        TIMESHEETS, state=dict(state), log=FakeChangeLog(probe=[]), fallback_interval=timedelta(hours=6)
    )
    assert later.read() == []  # read an hour ago: not due yet


def test_reference_zones_are_read_once_a_day_and_wait_for_unfinished_first_reads():
    recent = {"_ab_cdc_updated_at": "2026-11-30T10:00:00Z", "read_at": "2026-11-30T10:00:00Z"}
    assert Harness(PRIORITIES, state=recent).read() == []
    day_old = {"_ab_cdc_updated_at": "2026-11-29T19:00:00Z", "read_at": "2026-11-29T19:00:00Z"}
    (reread,) = Harness(PRIORITIES, state=day_old).read()
    assert reread["where"] == ["and|(|priorityid|=|IyYqUyMK", "or|priorityid|!=|IyYqUyMK|)"]
    assert reread["optional_where"] is True
    assert Harness(PRIORITIES, state=day_old, first_reads_unfinished=True).read() == []


def test_full_refresh_ignores_the_state():
    state = {"_ab_cdc_updated_at": "2026-11-30T19:00:00Z", "coverage": "covered"}
    (full,) = Harness(TASKS, state=state, incremental=False).read()
    assert full.partition["read"] == "full" and full["page"] == 1


def test_start_date_bounds_the_full_read():
    (full,) = Harness(TIMESHEETS, start_date="2024-03-01").read()
    assert full["where"] == ["and|workdate|>|2024-02-29"]


def test_a_rejected_optional_clause_is_dropped_for_the_rest_of_the_read():
    harness = Harness(PRIORITIES)
    full = next(iter(harness.sync.stream_slices()))
    assert harness.sync.drop_optional_where(full)
    assert harness.sync.state["full_read"]["optional_where_dropped"] is True
    assert not Harness(TASKS).sync.drop_optional_where(full)


def test_narrower_windows_a_year_each_then_halves_down_to_a_day():
    harness = Harness(TASKS)
    full = next(iter(harness.sync.stream_slices()))
    years = harness.sync.split_request_window(full)
    assert years is not None
    assert years[0]["window"] == ["1900-01-01T00:00:00Z", "1999-12-31T23:59:59Z"]
    assert years[-1]["window"] == ["2026-01-01T00:00:00Z", "2026-11-30T20:00:00Z"]
    assert years[-1]["where"] == [
        "and|datetimerequested|>|2025-12-31 23:59:59",
        "and|datetimerequested|<|2026-11-30 20:00:01",
    ]
    halves = harness.sync.split_request_window(years[-1])
    assert halves is not None and [h["window"][1] for h in halves][-1] == "2026-11-30T20:00:00Z"
    saved = harness.sync.state["full_read"]["windows"]
    assert len(saved) == len(years) + 1  # the split window replaced by its two halves
    # A child of the same partition (the slice carries the partition's number), a day wide.
    day = ZoneSlice.of(full).but(window=("2026-11-30T00:00:00Z", "2026-11-30T12:00:00Z")).stream_slice()
    with pytest.raises(AirbyteTracedException, match="single day"):
        harness.sync.split_request_window(day)


def test_a_read_in_windows_finishes_when_its_last_window_does():
    harness = Harness(TASKS)
    full = next(iter(harness.sync.stream_slices()))
    windows = harness.sync.split_request_window(full)
    assert windows is not None
    harness.end_partition(full)  # the CDK read every window inside the partition
    assert harness.state.full_read is None and harness.state.position == NOW


def test_a_full_read_remembers_how_many_records_it_found():
    harness = Harness(TASKS)
    harness.read({"full": [{"taskid": "a"}, {"taskid": "b"}, {"taskid": "c"}]})
    assert harness.state.records == 3


def test_more_changes_than_a_re_read_costs_are_read_by_reading_the_zone_again():
    entries = [Entry(f"r{i}", NOW - timedelta(minutes=5), False) for i in range(120)]
    state = {"_ab_cdc_updated_at": "2026-11-30T19:00:00Z", "coverage": "covered", "records": 400}
    harness = Harness(TASKS, state=state, log=FakeChangeLog(entries), single_fetch_limit=100)
    (reread,) = harness.read({"full": [{"taskid": f"r{i}"} for i in range(400)]})
    assert reread.partition["read"] == "full"  # one call for 400 records instead of 3 batches of 50
    assert harness.state.position == NOW and harness.state.records == 400
    assert len(harness.state.recent) == 120  # the next overlap does not read them again
    bigger = Harness(
        TASKS, state={**state, "records": 5000}, log=FakeChangeLog(entries), single_fetch_limit=100
    )
    assert [s.partition["read"] for s in bigger.read({"fetch": []})] == ["fetch"] * 3
