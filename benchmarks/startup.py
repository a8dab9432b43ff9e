"""`make bench-startup` (`python -m benchmarks.startup`): what the connector costs before its first request.

For this checkout's connector and any other version (`--ref <commit>`, exported from git: versions.py), each
command run `--runs` times in turn (the versions interleaved, so a busy machine weighs on all alike), the
median reported:

* `spec wall s`, `spec CPU s`: `source-aroflo spec`, start to exit;
* `import CPU s`: CPU from the interpreter's start until `source_aroflo.source` (the CDK with it) is imported;
* `CPU s to 1st request`: `source-aroflo read` of every stream `discover` lists (full refresh) against a
  sandbox, stopped at its first HTTP request (a probe in the connector's process: probe.py's PROBE);
* `RSS MB at 1st request`: its peak resident memory by then;
* `discover CPU s`: `source-aroflo discover`, start to exit (no API call).

CPU is the process's own (user + system, `wait4`), so the benchmark and the sandbox are not counted.

    python -m benchmarks.startup                       # this checkout
    python -m benchmarks.startup --ref 84c59f7 --runs 7  # before issue 21's cuts, and this checkout
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import versions
from benchmarks.readers import configured_catalog, discover
from benchmarks.sandbox import LIMITS_OFF, SandboxProcess

RESULTS = Path(__file__).resolve().parent / "results"
# Run in the connector's process before it: at the first request sent, write the CPU used so far (and the
# CPU when `source_aroflo.source` had been imported) and the peak RSS, and end the process.
PROBE = r"""
import importlib.util, json, os, resource, sys
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
out, marks = sys.argv.pop(1), {}
class Imported:
    def find_spec(self, name, path=None, target=None):
        if name != "source_aroflo.source":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run_module = spec.loader.exec_module
        def exec_module(module):
            run_module(module)
            marks["import_cpu"] = cpu()
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, Imported())
import requests.adapters, threading
first = threading.Lock()
def first_request(self, request, *args, **kwargs):
    if not first.acquire(blocking=False):  # two workers' first requests: one writes, the other waits
        threading.Event().wait()
    marks["first_request_cpu"] = cpu()
    marks["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(out, "w") as handle:
        json.dump(marks, handle)
    os._exit(0)
requests.adapters.HTTPAdapter.send = first_request
"""
FIGURES = {
    "spec_wall_s": "spec wall s",
    "spec_cpu_s": "spec CPU s",
    "import_cpu_s": "import CPU s",
    "first_request_cpu_s": "CPU s to 1st request",
    "first_request_rss_mb": "RSS MB at 1st request",
    "discover_cpu_s": "discover CPU s",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.startup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--ref", action="append", default=[], help="another version (commit-ish); repeatable")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command per version (median)")
    parser.add_argument(
        "--out", type=Path, help="JSON file (default: benchmarks/results/startup-<date>.json)"
    )
    args = parser.parse_args(argv)
    started = datetime.now(UTC)
    result: dict[str, Any] = {"date": f"{started:%Y-%m-%d %H:%M} UTC", "runs": args.runs, "versions": []}
    with tempfile.TemporaryDirectory(prefix="aroflo-startup-") as temporary:
        folder = Path(temporary)
        folders: dict[str, Path | None] = {"working tree": None}
        exports = [versions.exported(ref) for ref in args.ref]
        for ref, export in zip(args.ref, exports, strict=True):
            short = versions.describe(ref)
            folders[ref if short == ref else f"{ref} ({short})"] = export.__enter__()
        try:
            with SandboxProcess(0.01) as sandbox:
                sandbox.set_limits(LIMITS_OFF)
                catalog = folder / "catalog.json"
                catalog.write_text(json.dumps(configured_catalog(discover(sandbox.config_path), False)))
                samples: dict[str, dict[str, list[float]]] = {name: {} for name in folders}
                for run in range(args.runs):
                    for name, version in folders.items():
                        for key, value in measure(version, sandbox.config_path, catalog, folder).items():
                            samples[name].setdefault(key, []).append(value)
                    print(f"run {run + 1} of {args.runs} done", file=sys.stderr, flush=True)
        finally:
            for export in exports:
                export.__exit__(None, None, None)
    for name, measured in samples.items():
        medians = {key: round(statistics.median(values), 3) for key, values in measured.items()}
        result["versions"].append({"version": name, **medians, "samples": measured})
    out = args.out or RESULTS / f"startup-{started:%Y-%m-%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(render(result))
    print(f"\nJSON: {out}")
    return 0


def measure(version: Path | None, config: Path, catalog: Path, folder: Path) -> dict[str, float]:
    """One run of each command of one version."""
    command, env = versions.connector(version)
    spec_wall, spec_cpu, _ = timed([*command, "spec"], env, folder)
    _, discover_cpu, _ = timed([*command, "discover", "--config", str(config)], env, folder)
    marks_file = folder / "marks.json"
    python = [sys.executable, "-c", PROBE + versions.RUN, str(marks_file)]
    timed([*python, "read", "--config", str(config), "--catalog", str(catalog)], env, folder)
    marks = json.loads(marks_file.read_text())
    marks_file.unlink()
    return {
        "spec_wall_s": spec_wall,
        "spec_cpu_s": spec_cpu,
        "import_cpu_s": marks["import_cpu"],
        "first_request_cpu_s": marks["first_request_cpu"],
        "first_request_rss_mb": marks["rss_mb"],
        "discover_cpu_s": discover_cpu,
    }


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float]:
    """Run `command` to its end: wall s, CPU s (user + sys of that process), peak RSS MB."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode:
        raise RuntimeError(f"{command[-3:]} failed ({process.returncode}): {stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def render(result: dict[str, Any]) -> str:
    names = [entry["version"] for entry in result["versions"]]
    width = max(len(label) for label in FIGURES.values())
    lines = [f"{'':{width}}  " + "  ".join(f"{name:>24}" for name in names)]
    for key, label in FIGURES.items():
        cells = [f"{entry.get(key, float('nan')):>24.2f}" for entry in result["versions"]]
        lines.append(f"{label:{width}}  " + "  ".join(cells))
    lines.append(f"(median of {result['runs']} runs each, {result['date']})")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
