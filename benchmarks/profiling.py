"""`make profile` (`python -m benchmarks.profiling`): the connector's full read under a sampling profiler.

On a sandbox with its limits off, `source-aroflo read` of every stream (full refresh) runs under
py-spy, which samples every thread of the process (the CDK reads partitions in worker threads and
writes messages from the main one) while it is on the CPU. The samples are written as collapsed stacks
(`frame;frame;… count` per line, which speedscope and flamegraph.pl read) and summarised here: the
functions with the most samples of their own, and with the most samples anywhere in their stack.
`--profiler pyinstrument` writes pyinstrument's HTML instead (it samples the main thread only). Fails
if the profiled read did not deliver exactly the records the sandbox holds.

    python -m benchmarks.profiling --scale 2
    -> benchmarks/results/profile-2026-11-24-210500.txt and the top functions on the terminal
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.readers import configured_catalog, connector_read, discover, run_reader
from benchmarks.sandbox import LIMITS_OFF, REPO, SandboxProcess

RESULTS = REPO / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def profiler_command(profiler: str, output: Path) -> list[str]:
    if profiler == "py-spy":
        # --nonblocking: sample without pausing the connector. Paused mid-write to its stdout pipe, the
        # connector was seen to lose chunks of its output (records missing, lines run together; not the
        # minimal reader, not with stdout to a file), so the default mode profiles a broken read.
        return [
            str(BIN / "py-spy"),
            "record",
            "--nonblocking",
            "--format",
            "raw",
            "--output",
            str(output),
            "--",
        ]
    return [str(BIN / "pyinstrument"), "--renderer", "html", "--outfile", str(output)]


def samples_per_function(collapsed: str) -> tuple[Counter[str], Counter[str], int]:
    """Samples per function, own and inclusive, from collapsed stacks (line numbers dropped).

    "main (a.py:3);parse (b.py:9) 5\\nmain (a.py:3) 2" -> own {parse (b.py): 5, main (a.py): 2},
    inclusive {main (a.py): 7, parse (b.py): 5}, 7 samples
    """
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack:
            continue
        frames = [_function(frame) for frame in stack.split(";")]
        total += int(samples)
        own[frames[-1]] += int(samples)
        for frame in set(frames):
            inclusive[frame] += int(samples)
    return own, inclusive, total


def _function(frame: str) -> str:
    """`parse (path/b.py:9)` -> `parse (path/b.py)`: one entry per function, not per line."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0].removesuffix(')')})" if where else name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profiling",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", type=float, default=2.0, help="sandbox data size")
    parser.add_argument("--profiler", choices=["py-spy", "pyinstrument"], default="py-spy")
    parser.add_argument("--out", type=Path, help="profile file (default: benchmarks/results/profile-<date>)")
    args = parser.parse_args(argv)
    suffix = ".txt" if args.profiler == "py-spy" else ".html"
    out = args.out or RESULTS / f"profile-{datetime.now(UTC):%Y-%m-%d-%H%M%S}{suffix}"
    out.parent.mkdir(parents=True, exist_ok=True)

    with (
        tempfile.TemporaryDirectory(prefix="aroflo-profile-") as folder,
        SandboxProcess(args.scale) as sandbox,
    ):
        sandbox.set_limits(LIMITS_OFF)
        catalog = Path(folder) / "catalog.json"
        catalog.write_text(json.dumps(configured_catalog(discover(sandbox.config_path), incremental=False)))
        command = profiler_command(args.profiler, out) + connector_read(sandbox.config_path, catalog)
        measured = run_reader(command)
        truth = dict(sandbox.zone_counts().values())
    if measured.returncode or not out.exists():
        print(measured.stderr_tail, file=sys.stderr)
        return 1
    print(
        f"{measured.total_records:,} records ({sum(truth.values()):,} in the sandbox) in "
        f"{measured.wall_seconds:.1f} s, {measured.cpu_seconds:.1f} CPU s (profiler included); profile: {out}"
    )
    differing = {
        s: [measured.records.get(s, 0), n] for s, n in truth.items() if measured.records.get(s, 0) != n
    }
    if differing:
        print(f"Streams whose records differ from the sandbox's [read, held]: {differing}")
        return 1
    if args.profiler == "py-spy":
        own, inclusive, total = samples_per_function(out.read_text())
        for title, counter in (("own samples", own), ("samples in the stack", inclusive)):
            print(f"\nTop functions by {title} (of {total:,} on-CPU samples):")
            for function, samples in counter.most_common(20):
                print(f"{samples / total:>7.1%}  {function}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
