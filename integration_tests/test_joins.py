"""Joined detail: what each stream asks AroFlo to join is the config's choice (or the spec's defaults), on
full reads and on the id batches of incremental syncs alike, and what arrives is exactly that detail (reads
in-process: the point is the connector's requests and records, not its command line)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aroflo_testing.harness import BY_STREAM, DEFAULT_JOINS, SandboxClient, keyed, read_in_process
from integration_tests.conftest import assert_same_records


def _joins_sent(control: SandboxClient, zone: str) -> set[tuple[str, ...]]:
    """The `join` parameters the zone's requests carried (`()`: none at all)."""
    return {tuple(line["join"]) for line in control.stats(log=True)["log"] if line["zone"].lower() == zone}


def test_default_joins_are_requested_and_their_detail_arrives(small_sandbox, small: SandboxClient, tmp_path):
    streams = ["tasks", "invoices", "inventory_lists", "timesheets"]
    run = read_in_process(small_sandbox, tmp_path, streams, unlimited_call_rate=True)
    assert run.returncode == 0 and run.errors == [], run.errors
    assert _joins_sent(small, "tasks") == {(",".join(DEFAULT_JOINS["tasks"]),)}
    assert _joins_sent(small, "invoices") == {(",".join(DEFAULT_JOINS["invoices"]),)}
    assert _joins_sent(small, "timesheets") == {()}  # a zone without joins gets no join parameter at all
    for stream in streams:
        truth = keyed(stream, small.synced_truth(BY_STREAM[stream].param))
        assert_same_records(stream, keyed(stream, run.records[stream]), truth)
    # The detail is real, not placeholders: notes, assignments, invoice lines and list items arrive.
    tasks = run.records["tasks"]
    assert sum(len(t["tasknotes"]) for t in tasks) > 0 and sum(len(t["assigneds"]) for t in tasks) > 0
    assert all(t["lines"] for t in run.records["invoices"])
    assert any(x["items"] for x in run.records["inventory_lists"])
    # Joins that are off by default leave their fields out instead of claiming "none".
    assert not any({"labours", "materials", "expenses", "project", "stage"} & set(t) for t in tasks)


def test_joins_can_be_switched_off_and_on_per_stream(small_sandbox, small: SandboxClient, tmp_path):
    joins = {"tasks": [], "invoices": ["lineitems", "task"], "clients": ["locations", "contacts"]}
    streams = ["tasks", "invoices", "clients"]
    run = read_in_process(small_sandbox, tmp_path, streams, unlimited_call_rate=True, joins=joins)
    assert run.returncode == 0 and run.errors == [], run.errors
    assert _joins_sent(small, "tasks") == {()}
    assert _joins_sent(small, "invoices") == {("lineitems,task",)}
    assert _joins_sent(small, "clients") == {("locations,contacts",)}
    for stream in ("tasks", "invoices", "clients"):
        truth = keyed(stream, small.synced_truth(BY_STREAM[stream].param, joins))
        assert_same_records(stream, keyed(stream, run.records[stream]), truth)
    assert not any(
        {"tasknotes", "assigneds", "customfields", "substatus"} & set(t) for t in run.records["tasks"]
    )
    assert any(i["task"]["taskid"] for i in run.records["invoices"])
    assert not any("notes" in i for i in run.records["invoices"])
    assert any(c["locations"] for c in run.records["clients"]) and any(
        c["contacts"] for c in run.records["clients"]
    )


def test_a_join_that_does_not_exist_is_refused_before_any_call(small_sandbox, small: SandboxClient, tmp_path):
    run = read_in_process(
        small_sandbox, tmp_path, ["tasks"], unlimited_call_rate=True, joins={"tasks": ["tasknote"]}
    )
    assert run.returncode != 0
    assert small.stats()["requests"] == 0
    assert any("tasknote" in e["message"] or "tasknote" in e.get("internal_message", "") for e in run.errors)


def test_changed_records_are_fetched_with_the_same_joins(small_sandbox, small: SandboxClient, tmp_path):
    joins = {"tasks": ["notes", "labour"]}
    incremental = frozenset({"tasks"})
    first = read_in_process(
        small_sandbox,
        tmp_path / "first",
        ["tasks"],
        incremental=incremental,
        unlimited_call_rate=True,
        joins=joins,
    )
    assert first.returncode == 0 and first.errors == [], first.errors
    changed = [r["taskid"] for r in small.truth("tasks")[:3]]
    at = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0, tzinfo=None)
    for task_id in changed:
        assert small.post("mutate", {"op": "update", "zone": "tasks", "id": task_id, "at": at.isoformat()})[
            "ok"
        ]
    state = [first.states[-1]]
    state[0]["stream"]["stream_state"] = {
        "_ab_cdc_updated_at": (at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    }
    small.post("reset_stats")
    second = read_in_process(
        small_sandbox,
        tmp_path / "second",
        ["tasks"],
        state,
        incremental,
        unlimited_call_rate=True,
        joins=joins,
    )
    assert second.returncode == 0 and second.errors == [], second.errors
    batches = [line for line in small.stats(log=True)["log"] if line["zone"].lower() == "tasks"]
    assert batches and all(line["join"] == ["notes,labour"] for line in batches)
    got = keyed("tasks", second.records["tasks"])
    assert {k[0] for k in got} >= set(changed)
    truth = keyed("tasks", small.synced_truth("tasks", joins))
    assert_same_records("tasks", got, {k: truth[k] for k in got})
    assert any(t["labours"] for t in got.values())
