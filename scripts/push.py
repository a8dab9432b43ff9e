"""`make push`: clients and task notes from files written into the AroFlo sandbox by destination-aroflo.

1. starts the local AroFlo sandbox (seed 42, the default account; `--scale` sizes it);
2. turns `scripts/push/clients.csv` and `task_notes.csv` into Airbyte records (a blank cell is no value;
   `address.<part>` columns make the address) and runs the real `destination-aroflo write` command on them,
   as the Airbyte platform runs a destination: a configured catalog (`append_dedup`), the records and a
   state per stream on stdin;
3. prints every rejected record with its reason, then per stream what was inserted, updated, written, left
   unchanged or rejected, and the API calls it took;
4. writes the same files again: nothing new may appear (it exits non-zero if anything does);
5. with PyAirbyte, as any Python user would (`get_source`/`get_destination` with `local_executable`): reads
   the account's clients with source-aroflo and writes them back with destination-aroflo, which must find
   every one of them unchanged.

Like `make demo` it runs in `.venv-demo/` (PyAirbyte pinned by scripts/pyairbyte/uv.lock), from the
repository root with `PYTHONPATH=.` (the Makefile does).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FILES = REPO / "scripts" / "push"
SOURCE = REPO / ".venv" / "bin" / "source-aroflo"
DESTINATION = REPO / ".venv" / "bin" / "destination-aroflo"
STREAMS = ("clients", "task_notes")
OUTCOMES = ("inserted", "updated", "written", "unchanged", "rejected")
SUMMARY = "AroFlo write summary: "

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("AIRBYTE_CACHE_ROOT", str(REPO / ".demo"))

import airbyte as ab  # noqa: E402

from aroflo_sandbox.server import Sandbox  # noqa: E402
from aroflo_testing.harness import Run, SandboxClient, write_json  # noqa: E402


def records(path: Path) -> list[dict[str, Any]]:
    """A CSV file's rows as records: blank cells left out, `a.b` columns nested as `{"a": {"b": ...}}`."""
    rows: list[dict[str, Any]] = []
    with path.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            record: dict[str, Any] = {}
            for column, value in row.items():
                if value is None or not value.strip():
                    continue
                parent, _, child = column.partition(".")
                if child:
                    record.setdefault(parent, {})[child] = value
                else:
                    record[column] = value
            rows.append(record)
    return rows


def write(sandbox: Sandbox, folder: Path, data: dict[str, list[dict[str, Any]]]) -> Run:
    """`destination-aroflo write`, as Airbyte runs it: config, catalog, and the records with a state each."""
    configured = [
        {
            "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
            "sync_mode": "full_refresh",
            "destination_sync_mode": "append_dedup",
        }
        for name in data
    ]
    lines = []
    for stream, rows in data.items():
        lines += [
            {"type": "RECORD", "record": {"stream": stream, "data": row, "emitted_at": 0}} for row in rows
        ]
        descriptor = {"stream_descriptor": {"name": stream}, "stream_state": {"rows": len(rows)}}
        lines.append({"type": "STATE", "state": {"type": "STREAM", "stream": descriptor}})
    arguments = [
        "write",
        "--config",
        write_json(folder / "config.json", sandbox.connector_config()),
        "--catalog",
        write_json(folder / "catalog.json", {"streams": configured}),
    ]
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    started = time.monotonic()
    process = subprocess.run([str(DESTINATION), *arguments], input=stdin, capture_output=True, text=True)
    return Run.parse(process.returncode, process.stdout, process.stderr, time.monotonic() - started)


def outcomes(run: Run) -> dict[str, dict[str, int]]:
    """The write's summary line as counts: {"clients": {"inserted": 2, ...}, ...}."""
    [line] = [m["log"]["message"] for m in run.of_type("LOG") if m["log"]["message"].startswith(SUMMARY)]
    counts: dict[str, dict[str, int]] = {}
    for part in line.removeprefix(SUMMARY).split("; "):
        stream, _, said = part.partition(": ")
        counts[stream] = {outcome: int(n) for n, outcome in (item.split(" ") for item in said.split(", "))}
    return counts


def calls(control: SandboxClient) -> str:
    stats = control.stats()
    posts = stats["post_calls"]
    reads = stats["requests"] - sum(posts.values())
    written = ", ".join(f"{n} POST {zone}" for zone, n in sorted(posts.items()) if n) or "no write"
    counted = sum(stats["daily_counted"].values())
    return (
        f"{stats['requests']} API calls ({written}, {reads} reads; {counted} count against the daily 2,000)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="sandbox data size (1.0: the default account)"
    )
    args = parser.parse_args(argv)
    data = {stream: records(FILES / f"{stream}.csv") for stream in STREAMS}
    with Sandbox(port=0, seed=42, scale=args.scale) as sandbox, tempfile.TemporaryDirectory() as work:
        control = SandboxClient(sandbox)
        print(f"AroFlo sandbox running at {sandbox.url} (scale {args.scale})")
        sizes = ", ".join(f"{len(rows)} {stream}" for stream, rows in data.items())
        print(f"Writing {sizes} from {FILES} ...\n")
        first = write(sandbox, Path(work), data)
        if first.returncode:
            print(first.stdout[-3000:] + first.stderr[-3000:])
            return 1
        for message in first.of_type("LOG"):
            if message["log"]["level"] == "WARN":
                print(message["log"]["message"])
        counts = outcomes(first)
        print(f"\n{'stream':<12}{'records':>9}" + "".join(f"{outcome:>11}" for outcome in OUTCOMES))
        for stream, rows in data.items():
            print(
                f"{stream:<12}{len(rows):>9}" + "".join(f"{counts[stream].get(o, 0):>11}" for o in OUTCOMES)
            )
        print(f"\n{first.seconds:.1f} s; {calls(control)}")

        control.post("reset_stats")
        again = write(sandbox, Path(work), data)
        repeated = outcomes(again)
        new = {
            s: n for s, c in repeated.items() for o, n in c.items() if o in ("inserted", "updated", "written")
        }
        said = "; ".join(f"{s}: " + ", ".join(f"{n} {o}" for o, n in c.items()) for s, c in repeated.items())
        print(f"\nThe same files again: {said}; {calls(control)}")

        control.post("reset_stats")
        print("\nPyAirbyte: source-aroflo's clients read, then written back with destination-aroflo ...")
        source = ab.get_source("source-aroflo", config=sandbox.connector_config(), local_executable=SOURCE)
        source.select_streams(["clients"])
        result = source.read(cache=ab.get_default_cache(), force_full_refresh=True, write_strategy="replace")
        destination = ab.get_destination(
            "destination-aroflo", config=sandbox.connector_config(), local_executable=DESTINATION
        )
        destination.write(result, streams=["clients"], cache=False, write_strategy="merge")
        written = control.stats()["post_calls"]
        print(f"{len(result['clients'])} clients read and written back: {calls(control)}")
    if new or again.returncode or any(written.values()):
        print("\nWriting the same records again changed AroFlo: nothing new may appear.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
