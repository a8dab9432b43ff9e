"""`make bench BENCH_ARGS=--smoke`: the benchmark runs end to end and its figures are consistent.

The benchmark is a tool, not a timed test: nothing here asserts a speed. What must hold is what makes its
figures mean something: both readers read exactly the records the account holds (counted here from the
sandbox's data generator, independently of the benchmark), never fewer calls than the minimum, and every
incremental sync delivered the changes made before it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aroflo_sandbox.dataset import generate
from aroflo_sandbox.zones import ZONES
from benchmarks.__main__ import SMOKE_STREAMS

pytestmark = pytest.mark.runs_for(60)  # a long unit of work: started first (aroflo_testing/parallel.py)

REPO = Path(__file__).resolve().parents[1]
SIZES = [0.01, 0.1]


def records_held(scale: float) -> dict[str, int]:
    """Live records per smoke stream in the sandbox the benchmark starts (same seed and scale)."""
    dataset = generate(seed=42, scale=scale)
    return {
        zone.stream: sum(1 for r in dataset.zones[key] if not r.deleted)
        for key, zone in ZONES.items()
        if zone.stream in SMOKE_STREAMS
    }


def test_the_smoke_benchmark_prints_its_table_and_writes_consistent_json(tmp_path):
    out = tmp_path / "smoke.json"
    process = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--out", str(out)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    result = json.loads(out.read_text())
    table = process.stdout
    assert "records/CPU s" in table and "Incremental syncs" in table and "real limits" in table
    assert result["streams"] == sorted(SMOKE_STREAMS) and result["problems"] == []

    rows = {(row["reader"], row["scale"]): row for row in result["full_read"]}
    assert set(rows) == {(reader, scale) for reader in ("connector", "minimal") for scale in SIZES}
    for scale in SIZES:
        held = records_held(scale)
        minimum = sum(count // 500 + 1 for count in held.values())
        for reader in ("connector", "minimal"):
            row = rows[reader, scale]
            assert row["returncode"] == 0 and row["mismatched_streams"] == {}, row
            assert row["records"] == row["truth"] == sum(held.values()), row
            assert row["minimum_calls"] == minimum and row["calls"] >= minimum, row
            assert row["cpu_seconds"] > 0 and row["peak_rss_mb"] > 0 and row["wall_seconds"] > 0, row
            assert f"{reader:<10}{scale:>6g}{row['records']:>10,}" in table
        assert rows["connector", scale]["records"] == rows["minimal", scale]["records"]

    limited = result["limited"]["row"]
    assert limited["scale"] == SIZES[-1] and limited["mismatched_streams"] == {}
    assert (
        limited["calls"] >= limited["minimum_calls"]
        and result["limited"]["pacing"]["calls"] == limited["calls"]
    )

    syncs = result["incremental"]["rows"]
    assert [s["sync"] for s in syncs] == [
        "first sync (no state)",
        "no change",
        "10 scattered changes",
        "35 changes in timesheets",
    ]
    assert syncs[3]["changes"] == 35 and 0 < syncs[2]["changes"] <= 10
    for sync in syncs:
        assert sync["returncode"] == 0 and sync["delivered"] == sync["changes"], sync
        assert (
            sync["lastupdate_calls"] + sync["daily_budget_calls"] + sync["secondary_calls"] <= sync["calls"]
        )
