"""The small pure parts the zone cursor is built from, each on its own: the typed slice, a full read's
progress, the change-fetch plan, deletions, the partition registry, the stream parameters, the retriever's
deletions (no HTTP, no cursor)."""

from __future__ import annotations

import ast
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.sources.types import StreamSlice

from aroflo_client.budget import Allowance
from source_aroflo.components import full_read as progress
from source_aroflo.components.change_plan import BATCH, plan_changes
from source_aroflo.components.changes import Entry
from source_aroflo.components.deletions import MAX_KEPT_IDS, KeptIds, deletion_record, gone_since
from source_aroflo.components.partitions import PartitionRegistry, Read
from source_aroflo.components.stream_parameters import KEYS, check_parameters, record_id_field, record_key
from source_aroflo.components.sync_state import FullRead, Window, pack_ids
from source_aroflo.components.zone_retriever import ZoneRetriever
from source_aroflo.components.zone_slice import DELETED, FETCH, FULL, ZoneSlice

ROOT = Path(__file__).parents[2]
STARTED = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
AT = STARTED - timedelta(minutes=30)


# ---- the slice ------------------------------------------------------------------------------------------
def test_a_slice_round_trips_through_the_mapping_the_cdk_hands_back():
    zone_slice = ZoneSlice(
        4, FETCH, "tasks", "notes", ("and|taskid|=|a",), changes={"a": "2026-11-30T19:30:00Z"},
        allowance=Allowance.SECONDARY,
    )  # fmt: skip
    stream_slice = zone_slice.stream_slice()
    assert stream_slice.partition == {"read": FETCH, "partition": 4}
    assert stream_slice["where"] == ["and|taskid|=|a"] and stream_slice["allowance"] == "secondary"
    assert ZoneSlice.of(stream_slice) == zone_slice
    child = ZoneSlice.of(stream_slice).but(window=("2026-01-01T00:00:00Z", "2026-06-30T23:59:59Z"))
    assert ZoneSlice.of(child.stream_slice()).partition == 4  # a split window stays in its partition


def test_the_requester_reads_only_keys_the_slice_names():
    import yaml

    requester = yaml.safe_load((ROOT / "source_aroflo" / "manifest.yaml").read_text())["definitions"][
        "zone_requester"
    ]
    text = str(requester["request_parameters"]) + str(requester["request_headers"])
    names = set(ZoneSlice.__dataclass_fields__)
    for used in ("zone", "where", "join", "page", "page_size", "allowance"):
        assert f".{used}" in text and used in names


def test_a_deletions_slice_sends_no_request():
    assert not ZoneSlice(1, DELETED, "tasks").sends_requests and ZoneSlice(1, FULL, "tasks").sends_requests


# ---- a full read's progress -----------------------------------------------------------------------------
def test_a_checkpoint_saves_the_next_page_of_the_whole_zone_or_of_its_window():
    windows = (Window(STARTED - timedelta(days=4), STARTED - timedelta(days=2)), Window(STARTED, STARTED))
    read = FullRead(started=STARTED, windows=windows)
    saved = progress.checkpointed(read, windows[0].span, page=3, page_size=250, last_id="x", records=900)
    assert [w.page for w in saved.windows or ()] == [4, 1]
    assert (saved.page_size, saved.last_id, saved.records) == (250, "x", 900)
    assert progress.checkpointed(FullRead(started=STARTED), None, 1, 500, None, 500).page == 2


def test_narrower_windows_cover_the_whole_zone_then_halve_down_to_a_day():
    years = progress.narrower(None, STARTED, start_date=None)
    assert years[0].low == progress.EARLIEST and years[0].high == datetime(
        1999, 12, 31, 23, 59, 59, tzinfo=UTC
    )
    assert years[-1].span == (datetime(2026, 1, 1, tzinfo=UTC), STARTED)
    assert all(a.high + timedelta(seconds=1) == b.low for a, b in itertools.pairwise(years))
    low, high = progress.narrower(years[-1].span, STARTED, None)
    assert (low.low, high.high) == years[-1].span and low.high + timedelta(seconds=1) == high.low
    assert progress.narrower((STARTED - timedelta(hours=12), STARTED), STARTED, None) == []


def test_a_split_replaces_the_refused_window_and_the_read_windows_are_taken_off():
    whole = progress.split(FullRead(started=STARTED), None, progress.narrower(None, STARTED, None))
    refused = (whole.windows or ())[-1]
    halves = progress.narrower(refused.span, STARTED, None)
    after = progress.split(whole, refused.span, halves)
    assert len(after.windows or ()) == len(whole.windows or ()) + 1 and after.page == 1
    assert progress.without(after.windows or (), halves) == (whole.windows or ())[:-1]


def test_a_resumed_read_continues_at_the_same_record_at_the_new_page_size():
    saved = FullRead(started=STARTED, page=9, page_size=100, windows=None)
    assert progress.resumed(saved, page_size=500, pages_back=0).page == 2  # record 800 is on page 2 of 500
    assert progress.resumed(saved, page_size=100, pages_back=2).page == 7
    assert progress.pages_back(FullRead(started=STARTED), lambda: pytest.fail("not asked")) == 0


# ---- the change-fetch plan ------------------------------------------------------------------------------
def _plan(entries: list[Entry], **overrides: Any):
    arguments: dict[str, Any] = dict(
        recent={}, since=AT, retry=set(), take_singles=lambda n: True, records=None, page_size=500
    )
    return plan_changes([entries], **{**arguments, **overrides})


def test_few_changes_are_fetched_one_per_call_and_a_record_changed_twice_once():
    plan = _plan([Entry("a", AT, False), Entry("a", AT + timedelta(minutes=1), False), Entry("b", AT, False)])
    assert plan.singles and [[e.record_id for e in g] for g in plan.groups] == [["a"], ["b"]]
    assert plan.groups[0][0].at == AT + timedelta(minutes=1)


def test_when_singles_are_refused_the_changes_go_in_batches():
    entries = [Entry(f"r{i}", AT, False) for i in range(120)]
    plan = _plan(entries, take_singles=lambda n: False)
    assert not plan.singles and [len(g) for g in plan.groups] == [BATCH, BATCH, 20]


def test_batches_costing_more_than_a_re_read_become_a_re_read():
    entries = [Entry(f"r{i}", AT, False) for i in range(120)]
    plan = _plan(entries, take_singles=lambda n: False, records=400)
    assert plan.reread and plan.groups == [] and len(plan.wanted) == 120


def test_deletions_skips_and_parents_to_read_again():
    plan = _plan(
        [Entry("gone", AT, True), Entry("done", AT, False)],
        recent={"done": "2026-11-30T19:30:00Z"},
        retry={"p1"},
    )
    assert [e.record_id for e in plan.deleted] == ["gone"] and plan.skipped == 1
    assert [e.record_id for g in plan.groups for e in g] == ["p1"]
    assert "1 deletion(s), 1 entry already fetched" in plan.summary("x")


# ---- deletions and partitions ---------------------------------------------------------------------------
def test_deletions_by_comparison_and_their_record():
    ids = KeptIds()
    for record_id in ("a", "c"):
        ids.add(record_id)
    assert gone_since(pack_ids(["a", "b", "c"]), ids) == ["b"]
    assert gone_since(None, ids) == [] and gone_since(pack_ids(["a"]), None) == []
    full = KeptIds(full=True)
    assert gone_since(pack_ids(["a"]), full) == [] and full.packed() is None
    assert (
        deletion_record("taskid", "b", "2026-11-30T20:00:00Z")["_ab_cdc_deleted_at"] == "2026-11-30T20:00:00Z"
    )


def test_too_many_ids_are_not_kept(monkeypatch):
    monkeypatch.setattr("source_aroflo.components.deletions.MAX_KEPT_IDS", 2)
    ids = KeptIds()
    for record_id in ("a", "b", "c"):
        ids.add(record_id)
    assert ids.full and ids.packed() is None and MAX_KEPT_IDS == 200_000


def test_partitions_are_found_and_closed_by_their_number():
    registry = PartitionRegistry()
    first, second = registry.open(Read(FULL)), registry.open(Read(FETCH))
    registry.done_generating()
    assert registry.close(first) is not None and not registry.finished()
    assert registry.close(second) is not None and registry.finished() and not registry.finished()


# ---- stream parameters ----------------------------------------------------------------------------------
def test_every_stream_of_the_manifest_declares_only_known_parameters():
    import yaml

    for stream in yaml.safe_load((ROOT / "source_aroflo" / "manifest.yaml").read_text())["streams"]:
        check_parameters(stream["$parameters"])
    assert set(KEYS) >= {"zero_means_none", "documents_of", "join_fields", "default_joins"}


@pytest.mark.parametrize(
    "parameters,id_field",
    [
        ({"primary_key": ["taskid"]}, "taskid"),
        ({"primary_key": ["parent_id", "documentid"], "id": "taskid"}, "taskid"),
        ({"primary_key": ["itemid", "assignedtotype", "assignedtoid"]}, None),
    ],
)
def test_the_id_defaults_to_a_one_field_primary_key(parameters, id_field):
    assert record_id_field(parameters) == id_field


def test_the_record_key_defaults_to_the_zone_in_lower_case():
    assert record_key({"zone": "UserPosition", "record_key": "userpositions"}) == "userpositions"
    assert record_key({"zone": "ClientNotes"}) == "clientnotes"


# ---- the retriever's deletions --------------------------------------------------------------------------
class Selector:
    def filter_and_transform(self, data, stream_state, records_schema, stream_slice):
        return [{**record, "transformed": True} for record in data]


class Cursor:
    def deletions(self, stream_slice: StreamSlice) -> list[dict[str, Any]]:
        return [deletion_record("taskid", "a", "2026-11-30T20:00:00Z")]


def test_a_deletions_partition_yields_its_records_through_the_selector_without_a_request(monkeypatch):
    retriever = ZoneRetriever.__new__(ZoneRetriever)
    retriever.deletions = Cursor()
    retriever.record_selector = Selector()  # type: ignore[assignment]
    monkeypatch.setattr("source_aroflo.components.zone_retriever.RecordSelector", Selector)
    stream_slice = ZoneSlice(1, DELETED, "tasks", changes={"a": "2026-11-30T20:00:00Z"}).stream_slice()
    records = list(retriever.read_records({}, stream_slice))
    assert records == [{**deletion_record("taskid", "a", "2026-11-30T20:00:00Z"), "transformed": True}]


# ---- the shape of source_aroflo -------------------------------------------------------------------------
def test_no_class_is_over_150_lines():
    for path in sorted((ROOT / "source_aroflo").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                assert lines <= 150, f"{path.name}: {node.name} has {lines} lines"
