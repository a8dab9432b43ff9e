"""`make bench BENCH_ARGS=--repeat N`: each reader's runs folded into one row (benchmarks/full_read.py)."""

from __future__ import annotations

from benchmarks.full_read import ReaderRow, medians


def run(
    cpu: float, rss: float, calls: int = 10, returncode: int = 0, mismatch: dict | None = None
) -> ReaderRow:
    return ReaderRow(
        reader="connector",
        scale=2,
        records=100,
        truth=100,
        mismatched_streams=mismatch or {},
        calls=calls,
        minimum_calls=10,
        wall_seconds=cpu * 10,
        cpu_seconds=cpu,
        peak_rss_mb=rss,
        output_mb=1.0,
        rate_limited=0,
        returncode=returncode,
        errors=["failed"] if returncode else [],
    )


def test_one_run_is_its_own_row():
    only = run(8.0, 100.0)
    assert medians([only]) is only


def test_runs_give_median_costs_every_runs_figures_and_the_worst_checks():
    row = medians(
        [
            run(9.5, 104.0),
            run(7.8, 106.0, calls=9, returncode=1),
            run(8.7, 103.0, mismatch={"tasks": [9, 10]}),
        ]
    )
    assert (row.cpu_seconds, row.peak_rss_mb, row.wall_seconds) == (8.7, 104.0, 87.0)
    assert [r["cpu_seconds"] for r in row.runs] == [9.5, 7.8, 8.7]
    assert row.calls == 9 and row.returncode == 1 and row.errors == ["failed"]
    assert row.mismatched_streams == {"tasks": [9, 10]}
