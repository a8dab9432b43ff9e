"""Incremental sync against the sandbox: every change arrives, deletions included, nothing on a boundary
is skipped, an unchanged zone costs no daily budget, and a sync cut short resumes without a gap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aroflo_sandbox.harness import (
    BY_STREAM,
    INCREMENTAL,
    Run,
    SandboxClient,
    keyed,
    latest_states,
    read,
    record_key,
    sync,
)
from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES, Zone
from integration_tests.conftest import assert_same_records

FULL_REFRESH_ONLY = sorted(set(BY_STREAM) - set(INCREMENTAL))


def apply(tables: dict[str, dict[tuple, dict]], run: Run) -> None:
    """What an append-dedup destination ends with: the last version per primary key; tombstones delete."""
    for stream, records in run.records.items():
        if stream in FULL_REFRESH_ONLY:
            tables[stream] = {}
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


def with_cursor(states: list[dict[str, Any]], streams: list[str], value: str) -> list[dict[str, Any]]:
    """The same states with the cursor of `streams` moved back to `value`."""
    moved = []
    for state in states:
        name = state["stream"]["stream_descriptor"]["name"]
        stream_state = dict(state["stream"]["stream_state"])
        if name in streams:
            key = "lastupdateutc" if name == "last_update" else "_ab_cdc_updated_at"
            stream_state = {key: value}
        moved.append(
            {"type": "STREAM", "stream": {"stream_descriptor": {"name": name}, "stream_state": stream_state}}
        )
    return moved


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0, scale=0.2, seed=23) as running:
        yield running


@pytest.fixture(scope="module")
def control(sandbox: Sandbox) -> SandboxClient:
    client = SandboxClient(sandbox)
    client.reset()
    return client


@pytest.fixture(scope="module")
def first_sync(sandbox, control, tmp_path_factory) -> Run:
    control.post("reset_stats")
    run = sync(sandbox, tmp_path_factory.mktemp("first"))
    assert run.returncode == 0 and run.errors == [], run.errors
    return run


def test_first_sync_reads_everything_and_saves_a_state_per_incremental_stream(first_sync, control):
    tables: dict[str, dict[tuple, dict]] = {}
    apply(tables, first_sync)
    assert_tables_match_truth(tables, control)
    saved = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in first_sync.states}
    assert set(INCREMENTAL) <= set(saved)
    settle = datetime.now(UTC) - timedelta(minutes=5)
    for name in INCREMENTAL:
        if name == "last_update":
            continue
        position = datetime.strptime(saved[name]["_ab_cdc_updated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC
        )
        assert abs((position - settle).total_seconds()) < 300, (name, saved[name])


@pytest.fixture(scope="module")
def changes(sandbox, control, first_sync) -> dict[str, Any]:
    """Creates, updates and deletes across zones, on and around the boundaries of the next sync's windows."""
    base = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0, tzinfo=None)
    day = base + timedelta(days=1)
    done: list[tuple[str, str]] = []

    def mutate(op: str, zone: str, at: datetime, record_id: str | None = None) -> dict[str, Any]:
        body = {"op": op, "zone": zone, "at": at.isoformat()}
        if record_id:
            body["id"] = record_id
        answer = control.post("mutate", body)
        assert answer.get("ok"), answer
        done.append((op, zone))
        return answer

    def ids(zone: str, n: int, skip: int = 0) -> list[str]:
        key = ZONES[zone.lower()].primary_key[0]
        return [r[key] for r in control.truth(zone)[skip : skip + n]]

    for record_id in ids("tasks", 3):
        mutate("update", "tasks", day, record_id)  # exactly on the boundary between two day-windows
    for record_id in ids("tasks", 2, skip=3):
        mutate(
            "update", "tasks", day - timedelta(seconds=1), record_id
        )  # the last second of the first window
    mutate("update", "tasks", base, ids("tasks", 1, skip=5)[0])  # exactly at the saved state
    for record_id in ids("tasks", 30, skip=10):
        mutate("update", "tasks", day + timedelta(days=1, seconds=5), record_id)  # a burst in one second
    for _ in range(5):
        mutate("create", "tasks", base + timedelta(hours=12))
    for record_id in ids("tasks", 2, skip=50):
        mutate("delete", "tasks", base + timedelta(hours=36), record_id)
    for zone in (
        "quotes",
        "invoices",
        "clients",
        "taskmaterials",
        "purchaseorders",
        "contacts",
        "QuoteLineItems",
        "timesheets",
        "users",
    ):
        mutate("create", zone, base + timedelta(hours=5))
        for record_id in ids(zone, 2, skip=7):
            mutate("update", zone, day + timedelta(hours=3), record_id)
        mutate("delete", zone, base + timedelta(hours=40), ids(zone, 1, skip=10)[0])
    for record_id in ids("inventorystocklevels", 4):
        mutate("update", "inventorystocklevels", day + timedelta(hours=1), record_id)
    return {"base": base, "count": len(done)}


@pytest.fixture(scope="module")
def second_sync(sandbox, control, first_sync, changes, tmp_path_factory) -> tuple[Run, dict[str, Any]]:
    # Move every incremental stream back to the same point, three days ago, so the changes above land on
    # both sides of the day-window boundaries of this sync.
    state = with_cursor(
        latest_states(first_sync), INCREMENTAL, changes["base"].strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    control.post("reset_stats")
    control.post("reset_day")
    # ... under a bad network day, too: storms of 429, 5xx, dropped connections, expired signatures.
    control.post(
        "faults", {"seed": 9, "storm_429": 0.02, "server_error": 0.03, "drop": 0.03, "expired": 0.02}
    )
    run = sync(sandbox, tmp_path_factory.mktemp("second"), state)
    stats = control.stats(log=True)
    control.post("faults", {})
    assert run.returncode == 0 and run.errors == [], run.errors
    assert sum(stats["faults"].values()) >= 3, stats["faults"]
    return run, stats


def test_every_change_arrives_and_the_union_equals_the_truth(first_sync, second_sync, control):
    run, _ = second_sync
    tables: dict[str, dict[tuple, dict]] = {}
    apply(tables, first_sync)
    apply(tables, run)
    assert_tables_match_truth(tables, control)


def test_deletions_arrive_as_tombstones_with_the_primary_key(second_sync):
    run, _ = second_sync
    tombstones = [r for r in run.records.get("tasks", []) if r.get("_ab_cdc_deleted_at")]
    assert len(tombstones) >= 2
    assert all(set(t) == {"taskid", "_ab_cdc_updated_at", "_ab_cdc_deleted_at"} for t in tombstones)


def test_an_incremental_sync_reads_changed_records_only(second_sync, control):
    run, stats = second_sync
    for stream in ("tasks", "quotes", "invoices", "task_materials"):
        truth_size = len(control.truth(BY_STREAM[stream].param))
        assert 0 < len(run.records[stream]) < truth_size / 2, stream
    # Batches of ids: 40-odd changed tasks fit in one or two calls, not a re-read of the zone.
    assert stats["daily_counted"].get("tasks", 0) <= 3


def test_nothing_changed_costs_no_daily_budget_for_zones_covered_by_lastupdate(
    sandbox, control, second_sync, first_sync, tmp_path_factory
):
    run, _ = second_sync
    control.post("reset_stats")
    control.post("reset_day")
    # The second sync's last calls may share AroFlo's current minute with this sync's first ones; each
    # process paces only its own calls, so start from a quiet minute as a scheduled sync would.
    control.post("reset_windows")
    before = latest_states(first_sync, run)
    again = sync(sandbox, tmp_path_factory.mktemp("third"), before)
    assert again.returncode == 0 and again.errors == [], again.errors
    stats = control.stats()
    tracked = {z.param.lower() for z in ZONES.values() if z.lastupdate_name}
    spent = {zone: n for zone, n in stats["daily_counted"].items() if zone in tracked}
    # The sandbox's history runs up to the minute it started, so a few seeded changes can fall between
    # the second sync's settle point and this one's: those (and only those) cost one batch call each.
    assert spent == changes_between(control, before, latest_states(again)), spent
    # What it does spend beyond them: one page of each small reference zone and the stock-level window.
    assert stats["daily_used"] == len(FULL_REFRESH_ONLY) + 1 + sum(spent.values())
    assert stats["rate_limited"] == 0


def changes_between(
    control: SandboxClient, before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> dict[str, int]:
    """Batch calls each tracked zone needs for the LastUpdate entries between two states
    (windows shorter than a day: one slice, 50 ids per call)."""

    def positions(states: list[dict[str, Any]]) -> dict[str, datetime]:
        return {
            s["stream"]["stream_descriptor"]["name"]: datetime.strptime(
                s["stream"]["stream_state"]["_ab_cdc_updated_at"], "%Y-%m-%dT%H:%M:%SZ"
            )
            for s in states
            if "_ab_cdc_updated_at" in s["stream"]["stream_state"]
        }

    start, end = positions(before), positions(after)
    by_log_name = {z.lastupdate_name.lower(): z for z in ZONES.values() if z.lastupdate_name}
    changed: dict[str, set[str]] = {}
    for entry in control.truth("lastupdate"):
        zone = by_log_name.get(entry["zonename"].lower())
        if zone is None or zone.stream not in start:
            continue
        at = datetime.strptime(entry["lastupdateutc"], "%Y/%m/%d %H:%M:%S")
        if start[zone.stream] <= at <= end[zone.stream]:
            changed.setdefault(zone.param.lower(), set()).add(entry["zoneid"])
    return {zone: -(-len(ids) // 50) for zone, ids in changed.items()}


def test_a_sync_cut_short_by_the_daily_limit_resumes_without_a_gap(tmp_path):
    with Sandbox(port=0, scale=0.2, seed=31) as sandbox:
        control = SandboxClient(sandbox)
        control.post("limits", {"daily": 30})
        cut = sync(sandbox, tmp_path / "cut")
        assert cut.returncode != 0
        messages = [e["message"] for e in cut.errors]
        assert any("daily API limit is used up" in m and "UTC" in m for m in messages), messages
        finished = {name for name, status in cut.statuses.items() if status == "COMPLETE"}
        assert finished & set(INCREMENTAL), "streams that finished before the limit saved their state"
        assert set(INCREMENTAL) - finished, "the limit really cut the sync short"

        control.post("limits", {"daily": 2000})
        control.post("reset_day")
        control.post("reset_stats")
        resumed = sync(sandbox, tmp_path / "resumed", latest_states(cut))
        assert resumed.returncode == 0 and resumed.errors == [], resumed.errors
        tables: dict[str, dict[tuple, dict]] = {}
        apply(tables, cut)
        apply(tables, resumed)
        assert_tables_match_truth(tables, control)
        # Streams that had finished resumed from their state: at most the few ids that changed since, never
        # a read of the whole zone again.
        log = control.stats(log=True)["log"]
        for name in finished & set(INCREMENTAL) - {"last_update", "inventory_stock_levels"}:
            zone: Zone = BY_STREAM[name]
            wheres = [w for line in log if line["zone"].lower() == zone.param.lower() for w in line["where"]]
            saved = [
                s["stream"]["stream_state"]
                for s in cut.states
                if s["stream"]["stream_descriptor"]["name"] == name
            ]
            assert all("|IN|" in w for w in wheres), (name, wheres, saved, cut.statuses[name])


def test_daily_call_reserve_stops_before_the_reserve_is_touched(tmp_path):
    with Sandbox(port=0, scale=0.2, seed=37) as sandbox:
        control = SandboxClient(sandbox)
        control.post("limits", {"daily": 60})
        run = read(
            sandbox, tmp_path, sorted(BY_STREAM), incremental=frozenset(INCREMENTAL), daily_call_reserve=40
        )
        assert run.returncode != 0
        assert any("reserve of 40" in e["message"] for e in run.errors), [e["message"] for e in run.errors]
        # Never below the reserve, though two workers run at once; and the stop is prompt: at most the
        # other worker's call under way is counted as spent without having been (concurrency 2).
        assert 40 <= control.stats()["daily_remaining"] <= 41
