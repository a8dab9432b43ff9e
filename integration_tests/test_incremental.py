"""Incremental sync against the sandbox, with AroFlo's change log covering every zone and (as AroFlo's
documentation can only promise) just the zones it names: every change reaches the next sync, including one
made a second before it starts; deletions arrive as tombstones; an unchanged account costs almost nothing; a
few hundred changes cost no daily-limit call; and a first sync bigger than a day's budget finishes.

The syncs run in this process (`read_in_process`: the connector's logic is the point, not its command line;
`test_protocol.py`, `test_full_read.py` and the image tests run the command) with AroFlo's short rate limits
lifted on both sides (none of these tests is about them; `test_full_read.py` proves the pacing)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES, documented_in_lastupdate
from aroflo_testing.harness import (
    BY_STREAM,
    MANIFEST,
    RELAXED_LIMITS,
    STREAMS,
    Run,
    SandboxClient,
    keyed,
    latest_states,
    read_in_process,
    record_key,
    sync,
)
from integration_tests.conftest import assert_same_records

PARAMETERS = [s["$parameters"] for s in MANIFEST["streams"]]
# Zones with neither a change log nor an update field: re-read once a day.
REFERENCE_ZONES = {
    p["zone"].lower()
    for p in PARAMETERS
    if "change_log" not in p and "updated" not in p and p["zone"] != "lastupdate"
}
# The zones AroFlo's documentation shows or names in LastUpdate: with coverage "documented", the only ones the
# sandbox's LastUpdate logs.
DOCUMENTED_IN_LASTUPDATE = documented_in_lastupdate()
pytestmark = pytest.mark.runs_for(60)  # a long unit of work: started first (aroflo_testing/parallel.py)


def apply(tables: dict[str, dict[tuple, dict]], run: Run) -> None:
    """What an append-dedup destination ends with: the last version per primary key; tombstones delete."""
    for stream, records in run.records.items():
        table = tables.setdefault(stream, {})
        for record in records:
            key = record_key(stream, record)
            if record.get("_ab_cdc_deleted_at"):
                table.pop(key, None)
            else:
                table[key] = record


def assert_tables_match_truth(tables: dict[str, dict[tuple, dict]], control: SandboxClient) -> None:
    for stream, zone in BY_STREAM.items():
        assert_same_records(stream, tables.get(stream, {}), keyed(stream, control.synced_truth(zone.param)))


def mutate(
    control: SandboxClient, op: str, zone: str, record_id: str | None = None, at: datetime | None = None
):
    body: dict[str, Any] = {"op": op, "zone": zone}
    if record_id:
        body["id"] = record_id
    if at:
        body["at"] = at.replace(tzinfo=None).isoformat()
    answer = control.post("mutate", body)
    assert answer.get("ok"), answer
    return answer


def ids(control: SandboxClient, zone: str, n: int, skip: int = 0) -> list[str]:
    key = ZONES[zone.lower()].primary_key[0]
    return [r[key] for r in control.truth(zone)[skip : skip + n]]


def log_lines(run: Run) -> list[str]:
    return [m["log"]["message"] for m in run.of_type("LOG")]


def daily_calls(stats: dict[str, Any]) -> int:
    return int(stats["daily_used"])


@dataclass
class Account:
    """A sandbox account after its first sync, and a destination's tables of it."""

    sandbox: Sandbox
    control: SandboxClient
    coverage: str
    folder: Path
    tables: dict[str, dict[tuple, dict]] = field(default_factory=dict)
    states: list[dict[str, Any]] = field(default_factory=list)
    syncs: int = 0

    def sync(self, **config: Any) -> Run:
        self.syncs += 1
        folder = self.folder / f"sync{self.syncs}"
        run = sync(
            self.sandbox, folder, self.states or None, in_process=True, unlimited_call_rate=True, **config
        )
        assert run.returncode == 0 and run.errors == [], run.errors
        apply(self.tables, run)
        self.states = latest_states(run, previous=self.states)
        return run


@pytest.fixture(scope="module", params=["all", "documented"])
def account(request, tmp_path_factory) -> Iterator[Account]:
    with Sandbox(port=0, scale=0.2, seed=23, lastupdate_coverage=request.param) as sandbox:
        control = SandboxClient(sandbox)
        control.reset()
        control.post("limits", RELAXED_LIMITS)
        account = Account(
            sandbox, control, request.param, tmp_path_factory.mktemp(f"account-{request.param}")
        )
        started = datetime.now(UTC).replace(microsecond=0)
        first = account.sync()
        positions = {
            s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"].get("_ab_cdc_updated_at")
            for s in account.states
        }
        # Every zone's change position is when its read began: not minutes earlier.
        for name in STREAMS:
            if name != "last_update":
                at = datetime.strptime(positions[name], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                assert started - timedelta(seconds=1) <= at <= started + timedelta(seconds=first.seconds + 1)
        yield account


def test_the_first_sync_reads_everything(account: Account):
    assert_tables_match_truth(account.tables, account.control)


def test_changes_made_a_second_before_a_sync_are_in_it(account: Account):
    control = account.control
    for zone in ("tasks", "quotes", "invoices", "timesheets", "users", "contacts", "schedules", "assets"):
        mutate(control, "create", zone)
        for record_id in ids(control, zone, 2, skip=3):
            mutate(control, "update", zone, record_id)
    for record_id in ids(control, "inventorystocklevels", 2):
        mutate(control, "update", "inventorystocklevels", record_id)
    run = account.sync()  # at once: the changes were made within the second before
    assert_tables_match_truth(account.tables, control)
    for stream in ("tasks", "timesheets", "users"):
        assert run.records.get(stream), stream


def test_deletions_arrive_as_tombstones_where_the_log_shows_them(account: Account):
    control = account.control
    gone = {zone: ids(control, zone, 2, skip=20) for zone in ("tasks", "clients", "timesheets", "payments")}
    for zone, record_ids in gone.items():
        for record_id in record_ids:
            mutate(control, "delete", zone, record_id)
    run = account.sync()
    tombstones = [r for r in run.records.get("tasks", []) if r.get("_ab_cdc_deleted_at")]
    assert {t["taskid"] for t in tombstones} >= set(gone["tasks"])
    assert all(set(t) == {"taskid", "_ab_cdc_updated_at", "_ab_cdc_deleted_at"} for t in tombstones)
    # Zones the log does not show are re-read, and their deletions found by comparing ids.
    assert_tables_match_truth(account.tables, control)


def test_an_entry_logged_late_is_caught_by_the_overlap_and_nothing_else_is_fetched_again(account: Account):
    control = account.control
    early = ids(control, "tasks", 1, skip=40)[0]
    mutate(control, "update", "tasks", early)
    account.sync()  # fetches `early`, which is within the overlap of the next sync
    position = _position(account.states, "tasks")
    late = ids(control, "tasks", 1, skip=41)[0]
    mutate(
        control, "update", "tasks", late, at=position - timedelta(minutes=2)
    )  # logged after that sync read
    control.post("reset_stats")
    run = account.sync()
    fetched = {r["taskid"] for r in run.records.get("tasks", [])}
    # Under either coverage LastUpdate logs tasks (AroFlo's documentation shows them there), so the late entry
    # is caught by the overlap and nothing else is fetched again.
    assert "tasks" in DOCUMENTED_IN_LASTUPDATE
    assert fetched == {late}, fetched  # `early` was fetched at that very change time: not again
    assert_tables_match_truth(account.tables, control)


def test_a_sync_after_a_hundred_scattered_changes_spends_no_daily_limit_call(account: Account):
    control = account.control
    zones = sorted(DOCUMENTED_IN_LASTUPDATE)
    pools = {zone: ids(control, zone, 10, skip=5) for zone in zones}  # every zone has more than 15 records
    for i in range(100):
        zone = zones[i % len(zones)]
        mutate(control, "update", zone, pools[zone][i // len(zones)])
    control.post("reset_stats")
    control.post("reset_day")
    run = account.sync()
    stats = control.stats()
    spent = {zone: n for zone, n in stats["daily_counted"].items() if zone in DOCUMENTED_IN_LASTUPDATE}
    assert spent == {}, spent
    secondary = sum(stats["secondary_counted"].values())
    logged = [line for line in log_lines(run) if "fetched one per call" in line]
    assert logged and all("0 batch call(s)" in line for line in logged), logged
    singles = sum(int(re.findall(r": (\d+) record\(s\) fetched one per call", line)[0]) for line in logged)
    # What the connector says it fetched one by one is what the sandbox counted on the secondary allowance:
    # the 100 changes, and the lines AroFlo logs as changed with their parents.
    assert secondary == singles >= 100, (secondary, singles)
    print(f"\n{account.coverage}: 100 changes, {secondary} single-record reads, 0 daily-limit calls")
    assert_tables_match_truth(account.tables, control)


def test_more_changes_than_single_reads_allow_go_in_batches_or_a_re_read_whichever_is_cheaper(
    account: Account,
):
    control = account.control
    sheets = ids(control, "timesheets", 60)
    for record_id in sheets:
        mutate(control, "update", "timesheets", record_id)
    control.post("reset_stats")
    control.post("reset_day")
    account.sync(single_fetch_limit=50)
    batches = control.stats()["daily_counted"].get("timesheets", 0)
    records = len(control.truth("timesheets"))
    assert batches == math.ceil(len(sheets) / 50) <= records // 500 + 1  # 60 changes: 2 batches of 50

    lines = ids(control, "taskmaterials", 600)  # the whole zone changed: batches would cost 11 calls
    for record_id in lines:
        mutate(control, "update", "taskmaterials", record_id)
    control.post("reset_stats")
    control.post("reset_day")
    run = account.sync()
    spent = control.stats()["daily_counted"].get("taskmaterials", 0)
    assert spent == len(lines) // 500 + 1 < math.ceil(len(lines) / 50), spent  # read again: 2 calls
    assert any("reading zone taskmaterials again is cheaper" in line for line in log_lines(run))
    assert_tables_match_truth(account.tables, control)


def test_an_unchanged_account_costs_almost_nothing(account: Account):
    """An hourly sync where nothing changed: the reference zones are read once a day, the rest is free
    (LastUpdate), except what the fallbacks for zones the log does not show need (measured and listed)."""
    control = account.control
    account.sync()  # settle: whatever the previous tests changed is delivered
    control.post("reset_stats")
    control.post("reset_day")
    account.sync()
    hourly = control.stats()["daily_counted"]
    control.post("reset_stats")
    control.post("reset_day")
    account.sync(reference_reread_hours=0)  # the one sync of the day that re-reads the reference zones
    daily = control.stats()["daily_counted"]
    reference_calls = sum(daily.get(zone, 0) for zone in REFERENCE_ZONES)
    fallback = {zone: n for zone, n in hourly.items() if zone not in REFERENCE_ZONES}
    average = (sum(daily.values()) + 23 * sum(hourly.values())) / 24
    print(
        f"\n{account.coverage}: reference zones {reference_calls} calls once a day; fallbacks every sync "
        f"{fallback}; average over 24 hourly syncs {average:.2f}"
    )
    assert reference_calls == len(REFERENCE_ZONES)  # one page each, once a day: 0.5 calls a sync on average
    assert reference_calls / 24 <= 1
    assert not set(hourly) & REFERENCE_ZONES  # not in the other 23 syncs
    if account.coverage == "all":
        assert fallback == {"inventorystocklevels": 1}  # not in LastUpdate: a window on its update time
    else:
        # Only zones the documentation does not show in LastUpdate spend anything (their fallbacks).
        assert not set(fallback) & DOCUMENTED_IN_LASTUPDATE, fallback


def _position(states: list[dict[str, Any]], stream: str) -> datetime:
    for state in states:
        if state["stream"]["stream_descriptor"]["name"] == stream:
            value = state["stream"]["stream_state"]["_ab_cdc_updated_at"]
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    raise KeyError(stream)


# ---- the daily limit -------------------------------------------------------------------------------------


def first_sync_over_days(
    sandbox: Sandbox, folder: Path, daily: int, page_size: int
) -> tuple[int, int, Account]:
    """The first sync of an account that needs more calls than a day allows, one scheduled sync a day."""
    control = SandboxClient(sandbox)
    control.reset()
    control.post("limits", {**RELAXED_LIMITS, "daily": daily})
    account = Account(sandbox, control, "all", folder)
    days = spent = 0
    while True:
        days += 1
        control.post("reset_day")
        run = sync(
            sandbox,
            folder / f"day{days}",
            account.states or None,
            in_process=True,
            unlimited_call_rate=True,
            page_size=page_size,
        )
        apply(account.tables, run)
        account.states = latest_states(run, previous=account.states)
        spent += daily_calls(control.stats())
        if run.returncode == 0:
            return days, spent, account
        messages = [e["message"] for e in run.errors]
        assert all("daily API limit" in m for m in messages), messages
        assert days < 200, "no progress"


def _full_read_pages(log: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """The pages of full reads AroFlo answered (a call refused at the daily limit returned nothing)."""
    return [
        (line["zone"].lower(), "|".join(line["where"]), line["page"], line["pageSize"])
        for line in log
        if line["zone"].lower() != "lastupdate"
        and line.get("status") == "0"
        and not any(w.count("|") == 3 and w.split("|")[2] in ("=", "IN") for w in line["where"])
    ]


@pytest.mark.parametrize(
    "scale", [pytest.param(0.05, id="small"), pytest.param(1.0, id="default", marks=pytest.mark.slow)]
)
def test_a_first_sync_bigger_than_a_days_budget_finishes_without_reading_anything_twice(scale, tmp_path):
    with Sandbox(port=0, scale=scale, seed=41) as sandbox:
        control = SandboxClient(sandbox)
        days, spent, account = first_sync_over_days(sandbox, tmp_path, daily=30, page_size=50)
        assert days <= math.ceil(spent / 30) + 1, (days, spent)
        assert days > 1, "the account really needed more than a day"
        assert_tables_match_truth(account.tables, control)
        pages = _full_read_pages(control.stats(log=True)["log"])
        repeated = {p for p in pages if pages.count(p) > 1}
        # Only where the change log cannot rule out deletions since the read began (zones it does not log)
        # does a resumed read step back a page, once per resume.
        unlogged = {p["zone"].lower() for p in PARAMETERS if "change_log" not in p}
        assert {p[0] for p in repeated} <= unlogged, sorted(repeated)[:5]
        assert all(pages.count(p) == 2 for p in repeated)
        print(f"\nscale {scale}: {days} daily syncs, {spent} counted calls")


def test_daily_call_reserve_stops_before_the_reserve_is_touched(tmp_path):
    with Sandbox(port=0, scale=0.2, seed=37) as sandbox:
        control = SandboxClient(sandbox)
        control.post("limits", {**RELAXED_LIMITS, "daily": 60})
        run = sync(sandbox, tmp_path, in_process=True, unlimited_call_rate=True, daily_call_reserve=40)
        assert run.returncode != 0
        assert any("reserve of 40" in e["message"] for e in run.errors), [e["message"] for e in run.errors]
        # Never below the reserve, though two workers run at once; and the stop is prompt: at most the
        # other worker's call under way is counted as spent without having been (concurrency 2).
        assert 40 <= control.stats()["daily_remaining"] <= 41


def test_a_state_saved_by_version_0_1_0_carries_on_without_a_gap(small_sandbox: Sandbox, small, tmp_path):
    """0.1.0 saved only the change position, five minutes short of the sync's start: 0.2.0 reads on."""
    streams = ["tasks", "timesheets", "clients", "business_units"]
    incremental = frozenset(streams)
    first = read_in_process(
        small_sandbox, tmp_path / "first", streams, incremental=incremental, unlimited_call_rate=True
    )
    assert first.returncode == 0 and first.errors == [], first.errors
    tables: dict[str, dict[tuple, dict]] = {}
    apply(tables, first)
    old_states = []
    for state in latest_states(first):
        position = datetime.strptime(
            state["stream"]["stream_state"]["_ab_cdc_updated_at"], "%Y-%m-%dT%H:%M:%SZ"
        )
        old = {"_ab_cdc_updated_at": (position - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")}
        old_states.append({**state, "stream": {**state["stream"], "stream_state": old}})
    for zone in ("tasks", "timesheets", "clients"):
        for record_id in ids(small, zone, 3, skip=2):
            mutate(small, "update", zone, record_id)
    mutate(small, "create", "tasks")
    mutate(small, "delete", "timesheets", ids(small, "timesheets", 1)[0])
    second = read_in_process(
        small_sandbox, tmp_path / "second", streams, old_states, incremental, unlimited_call_rate=True
    )
    assert second.returncode == 0 and second.errors == [], second.errors
    apply(tables, second)
    for stream in streams:
        zone = BY_STREAM[stream].param
        assert_same_records(stream, tables[stream], keyed(stream, small.synced_truth(zone)))
    # The states are 0.2.0's again: change zones proved covered by the log, the reference zone re-read once.
    upgraded = {
        s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in latest_states(second)
    }
    assert all(upgraded[zone].get("coverage") == "covered" for zone in ("tasks", "timesheets", "clients"))
    assert {"read_at", "ids", "records"} <= set(upgraded["business_units"])
