"""A full read of every stream by both readers on one sandbox, checked against the sandbox's truth.

The connector reads first; the minimal reader then sends the same queries, taken from the sandbox's call
log of the connector's run (each distinct zone + WHERE + join + page size), so the two read the same
records without the minimal reader knowing the connector's rules. Calls are the sandbox's count.

With `repeat` above 1 the two readers take turns that many times (a busy machine weighs on both alike) and
each row holds the medians of its runs' CPU, wall and peak RSS, every run's figures in `runs`, and the
worst of their checks (the highest return code, any mismatch, the fewest calls).

    connector, minimal = full_reads(sandbox, folder, catalog, streams, repeat=3)
    -> ReaderRow(reader="connector", scale=0.4, records=20347, truth=20347, calls=70, minimum_calls=70, ...)
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aroflo_sandbox.zones import zone_for_param
from benchmarks.readers import Measured, connector_read, minimal_read, run_reader
from benchmarks.sandbox import SandboxProcess

PAGE_SIZE = 500  # AroFlo's largest page, the connector's default: the fewest calls

MINIMUM_CALLS = (
    "minimum calls = sum over the zones read of floor(records / 500) + 1: ceil(records / 500) pages hold "
    "the records, and when a zone's count is an exact multiple of 500 (0 included) its last full page "
    "cannot tell it is the last, so AroFlo needs one more, empty page; both cases are floor + 1"
)


def minimum_calls(records: int, page_size: int = PAGE_SIZE) -> int:
    """The fewest calls that read a zone of `records` records: 1200 -> 3, 1000 -> 3, 499 -> 1, 0 -> 1."""
    return records // page_size + 1


@dataclass
class ReaderRow:
    """One reader's full read at one data size: what it read and what it cost."""

    reader: str
    scale: float
    records: int
    truth: int  # records the sandbox holds in the zones read
    mismatched_streams: dict[str, list[int]]  # stream -> [read, truth] where they differ
    calls: int
    minimum_calls: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    output_mb: float
    rate_limited: int
    extra_calls: dict[str, int] = field(default_factory=dict)  # zone -> calls - minimum, where not 0
    returncode: int = 0
    errors: list[str] = field(default_factory=list)
    runs: list[dict[str, float]] = field(default_factory=list)  # each run's cpu/wall/RSS when repeated

    @property
    def calls_over_minimum(self) -> float:
        return self.calls / self.minimum_calls

    @property
    def calls_per_minute(self) -> float:
        return self.calls / self.wall_seconds * 60

    @property
    def records_per_cpu_second(self) -> float:
        return self.records / self.cpu_seconds if self.cpu_seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "calls_over_minimum": round(self.calls_over_minimum, 4),
            "calls_per_minute": round(self.calls_per_minute, 1),
            "records_per_cpu_second": round(self.records_per_cpu_second, 1),
        }


def row(
    reader: str, sandbox: SandboxProcess, measured: Measured, stats: dict[str, Any], streams: list[str]
) -> ReaderRow:
    """Compare one run with the truth of the zones of `streams` and count its calls."""
    counts = sandbox.zone_counts()
    zones = {zone: count for zone, (stream, count) in counts.items() if stream in streams}
    truth = {stream: count for stream, count in counts.values() if stream in streams}
    calls_by_zone = Counter({zone.lower(): n for zone, n in stats["by_zone"].items()})
    extra = {
        zone: calls_by_zone[zone.lower()] - minimum_calls(count)
        for zone, count in zones.items()
        if calls_by_zone[zone.lower()] != minimum_calls(count)
    }
    return ReaderRow(
        reader=reader,
        scale=sandbox.scale,
        records=measured.total_records,
        truth=sum(truth.values()),
        mismatched_streams={
            s: [measured.records.get(s, 0), n] for s, n in truth.items() if measured.records.get(s, 0) != n
        },
        calls=stats["requests"],
        minimum_calls=sum(minimum_calls(count) for count in zones.values()),
        wall_seconds=round(measured.wall_seconds, 3),
        cpu_seconds=round(measured.cpu_seconds, 3),
        peak_rss_mb=round(measured.peak_rss_mb, 1),
        output_mb=round(measured.output_mb, 2),
        rate_limited=stats["rate_limited"],
        extra_calls=extra,
        returncode=measured.returncode,
        errors=measured.errors + ([measured.stderr_tail] if measured.returncode else []),
    )


def queries_from_log(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The distinct queries of a run's answered calls, in the order first sent, for the minimal reader."""
    queries: dict[tuple, dict[str, Any]] = {}
    for call in log:
        key = (call["zone"], tuple(call["where"]), tuple(call["join"]), call["pageSize"] or str(PAGE_SIZE))
        zone = zone_for_param(call["zone"])
        if call.get("status") == "0" and zone is not None and key not in queries:
            queries[key] = {
                "stream": zone.stream,
                "zone": call["zone"],
                "record_key": zone.record_key,
                "where": call["where"],
                "join": call["join"],
                "page_size": int(key[3]),
            }
    return list(queries.values())


def full_reads(
    sandbox: SandboxProcess, folder: Path, catalog: Path, streams: list[str], repeat: int = 1
) -> tuple[ReaderRow, ReaderRow]:
    """The connector's full read, then the minimal reader's read of the same queries; `repeat` turns each."""
    queries = folder / f"queries-{sandbox.scale}.json"
    connector_rows: list[ReaderRow] = []
    minimal_rows: list[ReaderRow] = []
    for _ in range(repeat):
        sandbox.fresh_counters()
        connector = run_reader(connector_read(sandbox.config_path, catalog))
        connector_stats = sandbox.stats(log=True)
        if not connector_rows:
            queries.write_text(json.dumps(queries_from_log(connector_stats["log"]), indent=1))
        connector_rows.append(row("connector", sandbox, connector, connector_stats, streams))

        sandbox.fresh_counters()
        minimal = run_reader(minimal_read(sandbox.config_path, queries))
        minimal_rows.append(row("minimal", sandbox, minimal, sandbox.stats(), streams))
    return medians(connector_rows), medians(minimal_rows)


def medians(rows: list[ReaderRow]) -> ReaderRow:
    """One row for the runs of one reader: median cost, every run's cost, the worst of their checks."""
    if len(rows) == 1:
        return rows[0]
    return replace(
        rows[0],
        wall_seconds=round(statistics.median(r.wall_seconds for r in rows), 3),
        cpu_seconds=round(statistics.median(r.cpu_seconds for r in rows), 3),
        peak_rss_mb=round(statistics.median(r.peak_rss_mb for r in rows), 1),
        calls=min(r.calls for r in rows),
        returncode=max((r.returncode for r in rows), key=abs),
        mismatched_streams=next((r.mismatched_streams for r in rows if r.mismatched_streams), {}),
        errors=[error for r in rows for error in r.errors],
        runs=[
            {"cpu_seconds": r.cpu_seconds, "wall_seconds": r.wall_seconds, "peak_rss_mb": r.peak_rss_mb}
            for r in rows
        ],
    )


@dataclass
class Pacing:
    """How a run's calls were spread in time (from the sandbox's call log).

    [0, 0.5, 1, …] (2 calls a second for 3 minutes) -> 361 calls, 3 minutes, 120.0 on average,
    fewest 120 and most 120 in any 60 s, most 2 in any second
    """

    calls: int
    minutes: float  # first call to last call
    average_per_minute: float | None  # (calls - 1) / minutes; None for a run under a minute
    # The fewest calls in any 60 s that start at a call and end before the last one: the rate the run kept
    # up throughout (None for a run under a minute). The most in any 60 s: what AroFlo's minute limit sees.
    fewest_in_60s: int | None
    most_in_60s: int
    most_in_1s: int


def pacing(times: list[float]) -> Pacing:
    times = sorted(times)
    span = times[-1] - times[0] if len(times) > 1 else 0.0

    def within(seconds: float) -> list[int]:
        """For each call, the calls in the `seconds` from it on (for windows that end by the last call)."""
        counts, end = [], 0
        for start, at in enumerate(times):
            if at + seconds > times[-1]:
                break
            while end < len(times) and times[end] < at + seconds:
                end += 1
            counts.append(end - start)
        return counts

    def most_within(seconds: float) -> int:
        most, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= seconds:
                start += 1
            most = max(most, end - start + 1)
        return most

    long_enough = span >= 60
    return Pacing(
        calls=len(times),
        minutes=round(span / 60, 3),
        average_per_minute=round((len(times) - 1) / span * 60, 1) if long_enough else None,
        fewest_in_60s=min(within(60)) if long_enough else None,
        most_in_60s=most_within(60),
        most_in_1s=most_within(1),
    )


def limited_read(sandbox: SandboxProcess, catalog: Path, streams: list[str]) -> tuple[ReaderRow, Pacing]:
    """The connector's full read against AroFlo's real short limits (set by the caller)."""
    sandbox.fresh_counters()
    measured = run_reader(connector_read(sandbox.config_path, catalog))
    stats = sandbox.stats(log=True)
    return row("connector", sandbox, measured, stats, streams), pacing([call["at"] for call in stats["log"]])
