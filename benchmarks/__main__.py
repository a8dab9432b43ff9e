"""`make bench` (`python -m benchmarks`): what the connector costs, next to a minimal reader of the same API.

For each data size (the sandbox's `scale`), on a sandbox in its own process with its rate limits off:
a full read of every stream by `source-aroflo read` and by benchmarks/minimal_reader.py, both as
subprocesses with their output drained from a pipe. Then, at the largest size, the connector once more
against AroFlo's real short limits (3/s, 120/min); at the smallest, the daily-budget cost of incremental
syncs (benchmarks/incremental.py). Prints one table and writes the JSON it was made from.

    python -m benchmarks                    # sizes 0.2 and 2 (10,243 and 101,188 records), ~10 min
    python -m benchmarks --smoke            # 5 streams at sizes 0.01 and 0.1, under a minute
    python -m benchmarks --sizes 1 10 --out results.json
    python -m benchmarks --ref 84c59f7      # another version of the connector (versions.py), same tool

Exits non-zero when a figure cannot be trusted: a reader failed or read other records than the sandbox
holds, fewer calls than the minimum were counted, or a sync did not deliver the changes made before it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aroflo_testing.harness import DOCUMENT_STREAMS
from benchmarks import readers, versions
from benchmarks.full_read import MINIMUM_CALLS, ReaderRow, full_reads, limited_read
from benchmarks.incremental import incremental_costs
from benchmarks.readers import configured_catalog, discover
from benchmarks.report import render
from benchmarks.sandbox import LIMITS_OFF, REAL_SHORT_LIMITS, REPO, SandboxProcess

RESULTS = REPO / "benchmarks" / "results"
# A few streams of each kind: a reference zone, incremental zones with and without joins, the change log.
SMOKE_STREAMS = ["business_units", "clients", "last_update", "tasks", "timesheets"]
CHECKS = (
    "every reader read exactly the records the sandbox holds, at every size; no call count below the "
    "minimum; every incremental sync delivered every record changed before it"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.2, 2.0], help="sandbox scales")
    parser.add_argument("--streams", help="comma-separated streams (default: every stream discover lists)")
    parser.add_argument("--scattered", type=int, default=100, help="changes spread over zones (item 3b)")
    parser.add_argument("--bulk", type=int, default=10_000, help="changes in one zone (item 3c)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--smoke", action="store_true", help="tiny and quick: 5 streams, sizes 0.01 and 0.1")
    parser.add_argument("--out", type=Path, help="JSON file (default: benchmarks/results/<date-time>.json)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="full reads per reader, taking turns; medians reported"
    )
    parser.add_argument("--ref", help="measure another version of the connector (a commit-ish; versions.py)")
    args = parser.parse_args(argv)
    if args.ref:
        with versions.exported(args.ref) as folder:
            readers.CONNECTOR_COMMAND, environment = versions.connector(folder)
            os.environ["PYTHONPATH"] = environment["PYTHONPATH"]  # for the connector's processes
            return measure(args, commit=versions.describe(args.ref))
    return measure(args, commit=_commit())


def measure(args: argparse.Namespace, commit: str) -> int:
    if args.smoke:
        # 35 changes in a zone of 30 records: both updates and creates; few, as a connector may fetch
        # each changed record with a call of its own (paced: ~2 a second).
        args.sizes, args.streams, args.scattered, args.bulk = [0.01, 0.1], ",".join(SMOKE_STREAMS), 10, 35
    started = datetime.now(UTC)
    out = args.out or RESULTS / f"{'smoke-' if args.smoke else ''}{started:%Y-%m-%d-%H%M%S}.json"

    result: dict[str, Any] = {
        "date": f"{started:%Y-%m-%d %H:%M} UTC",
        "commit": commit,
        "machine": _machine(),
        "smoke": args.smoke,
        "sizes": sorted(args.sizes),
        "repeat": args.repeat,
        "minimum_calls_formula": MINIMUM_CALLS,
        "full_read": [],
        "checks": CHECKS,
    }
    with tempfile.TemporaryDirectory(prefix="aroflo-bench-") as temporary:
        folder = Path(temporary)
        sizes = sorted(args.sizes)
        for scale in sizes:
            with SandboxProcess(scale, seed=args.seed) as sandbox:
                sandbox.set_limits(LIMITS_OFF)
                if "streams" not in result:
                    result["streams"] = _write_catalogs(sandbox.config_path, folder, args.streams)
                streams = result["streams"]
                _progress(f"scale {scale:g}: full reads")
                connector, minimal = full_reads(
                    sandbox, folder, folder / "full.json", streams, repeat=args.repeat
                )
                result["full_read"] += [connector.as_dict(), minimal.as_dict()]
                _progress(_summary(connector), _summary(minimal))
                if scale == sizes[-1]:
                    _progress(f"scale {scale:g}: connector with AroFlo's real limits")
                    sandbox.set_limits(REAL_SHORT_LIMITS)
                    row, pace = limited_read(sandbox, folder / "full.json", streams)
                    sandbox.set_limits(LIMITS_OFF)
                    result["limited"] = {"row": row.as_dict(), "pacing": asdict(pace)}
                    _progress(_summary(row))
                if scale == sizes[0]:  # last on this sandbox: it changes the data
                    _progress(f"scale {scale:g}: incremental syncs")
                    rows = incremental_costs(
                        sandbox, folder, folder / "incremental.json", streams, args.scattered, args.bulk
                    )
                    result["incremental"] = {"scale": scale, "rows": [r.as_dict() for r in rows]}
                    _progress(*(f"  {r.sync}: {r.daily_budget_calls} daily-budget calls" for r in rows))
    result["machine"]["load_after"] = os.getloadavg()[0]
    result["problems"] = _problems(result)

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(render(result))
    print(f"\nJSON: {out}")
    return 1 if result["problems"] else 0


def _write_catalogs(config: Path, folder: Path, only: str | None) -> list[str]:
    """The full-refresh and incremental catalogs of the streams `discover` lists (or of `only`). The
    `<parent>_documents` streams are left out unless named: they read zones already measured, and their files
    are measured by scripts/documents_report.py."""
    streams = discover(config)
    if not only:
        streams = [s for s in streams if s["name"] not in DOCUMENT_STREAMS]
    if only:
        wanted = set(only.split(","))
        unknown = wanted - {s["name"] for s in streams}
        if unknown:
            raise SystemExit(f"no such streams: {sorted(unknown)}")
        streams = [s for s in streams if s["name"] in wanted]
    (folder / "full.json").write_text(json.dumps(configured_catalog(streams, incremental=False)))
    (folder / "incremental.json").write_text(json.dumps(configured_catalog(streams, incremental=True)))
    return sorted(s["name"] for s in streams)


def _problems(result: dict[str, Any]) -> list[str]:
    problems = []
    rows = result["full_read"] + ([result["limited"]["row"]] if "limited" in result else [])
    for row in rows:
        what = f"{row['reader']} at scale {row['scale']:g}"
        if row["returncode"]:
            problems.append(f"{what} failed ({row['returncode']}): {row['errors'][-1:]}")
        if row["mismatched_streams"]:
            problems.append(f"{what} read other counts than the sandbox holds: {row['mismatched_streams']}")
        if row["calls"] < row["minimum_calls"]:
            problems.append(
                f"{what} made {row['calls']} calls, fewer than the minimum {row['minimum_calls']}"
            )
    for sync in result.get("incremental", {}).get("rows", []):
        if sync["returncode"]:
            problems.append(f"incremental '{sync['sync']}' failed: {sync['errors'][-1:]}")
        if sync["delivered"] < sync["changes"]:
            problems.append(
                f"incremental '{sync['sync']}' delivered {sync['delivered']} of {sync['changes']}"
            )
    return problems


def _summary(row: ReaderRow) -> str:
    return (
        f"  {row.reader}: {row.records:,} records ({row.truth:,} in the sandbox), {row.calls} calls, "
        f"{row.wall_seconds:.1f} s, {row.cpu_seconds:.2f} CPU s, {row.peak_rss_mb:.0f} MB"
    )


def _progress(*lines: str) -> None:
    for line in lines:
        print(f"{datetime.now(UTC):%H:%M:%S} {line}", file=sys.stderr, flush=True)


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    # Results files (results/example.json is tracked) are not changes to what is measured.
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks/results")
    return commit + (" (uncommitted changes)" if changed else "")


def _machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpu_model": models[0] if models else platform.processor() or "unknown",
        "memory_gb": round(pages / 2**30, 1),
        "python": platform.python_version(),
        "load_before": os.getloadavg()[0],
    }


if __name__ == "__main__":
    sys.exit(main())
