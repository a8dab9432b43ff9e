"""`make demo`: the AroFlo sandbox, synced into a local DuckDB file with PyAirbyte.

1. starts the local AroFlo sandbox (seeded, like a real account; `--scale` sizes it);
2. runs the connector exactly as PyAirbyte runs any locally installed Airbyte source
   (`get_source(..., local_executable=".venv/bin/source-aroflo")`): check, discover, then a full read of
   every stream into PyAirbyte's default DuckDB cache (under `.demo/` unless AIRBYTE_CACHE_ROOT is set);
3. prints per stream the records in DuckDB, the records AroFlo holds (the sandbox's truth; for a
   `<parent>_documents` stream, the documents attached to the parents), the API calls the stream used and
   how many of them counted against the daily budget, then the budget left;
4. exits non-zero if any stream's count in DuckDB differs from the sandbox's truth.

With `--files DIR` it also saves files to DIR (Airbyte's file transfer) and says how many files and bytes it
wrote: the Document Directory's (`documents_and_photos/<category>/`) and the task photos and attachments
(`task_documents/<job number>/`). PyAirbyte (0.71) has no file transfer: the catalogs it sends never ask for
files and it ignores a record's `file_reference`. So the demo runs the connector itself for those streams, as
the Airbyte platform would with their files selected: `include_files` in the catalog, DIR as the staging
directory (`AIRBYTE_STAGING_DIRECTORY`). It exits non-zero unless every document's file arrived whole.

It runs in its own environment, `.venv-demo/` (PyAirbyte pinned by scripts/pyairbyte/uv.lock), so
PyAirbyte and its airbyte-cdk stay out of the connector's dependencies. The sandbox needs only the
standard library; run it with `PYTHONPATH=.` from the repository root (the Makefile does).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONNECTOR = REPO / ".venv" / "bin" / "source-aroflo"

# PyAirbyte reads these when it is imported: no registry download, no usage telemetry (the sandbox is local).
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("AIRBYTE_CACHE_ROOT", str(REPO / ".demo"))

import airbyte as ab  # noqa: E402

from aroflo_sandbox.server import Sandbox  # noqa: E402
from aroflo_testing.harness import DOCUMENT_STREAMS, Run, SandboxClient, catalog, write_json  # noqa: E402

# The streams whose files `--files` saves: (stream, what they are, the zone their documents come from).
FILE_STREAMS = (
    ("documents_and_photos", "Documents and photos", "DocumentsAndPhotos"),
    ("task_documents", "Task photos and attachments", "tasks"),
)
ONLY_DOCUMENTS = ["documentsandphotos"]  # the join a documents stream asks for, alone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="sandbox data size (1.0: ~50,000 records)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--streams", help="comma-separated streams to sync (default: all)")
    parser.add_argument(
        "--files", type=Path, metavar="DIR", help="also save the documents and photos' files to DIR"
    )
    args = parser.parse_args(argv)
    if not CONNECTOR.exists():
        print(f"{CONNECTOR} not found: run `make install` first", file=sys.stderr)
        return 2

    with Sandbox(port=0, seed=args.seed, scale=args.scale) as sandbox:
        print(f"AroFlo sandbox running at {sandbox.url} (scale {args.scale})")
        source = ab.get_source(
            "source-aroflo",
            config=sandbox.connector_config(),
            local_executable=CONNECTOR,
        )
        source.check()
        if args.streams:
            source.select_streams(args.streams.split(","))
        else:
            source.select_all_streams()
        streams = sorted(source.get_selected_streams())
        cache = ab.get_default_cache()
        print(f"Full sync of {len(streams)} streams into {cache.db_path} ...", flush=True)

        started = time.monotonic()
        result = source.read(cache=cache, force_full_refresh=True, write_strategy="replace")
        seconds = time.monotonic() - started

        control = SandboxClient(sandbox)
        zones = control.get("zones")  # zone -> {stream, count}
        zone_of = {entry["stream"]: zone for zone, entry in zones.items()} | DOCUMENT_STREAMS
        stats = control.stats(log=True)
        calls_of, counted_of = calls_by_stream(stats, zones)
        rows = []
        for stream in streams:
            zone = zone_of[stream]
            in_duckdb = len(result[stream])
            truth = len(control.attached(zone) if stream in DOCUMENT_STREAMS else control.truth(zone))
            rows.append((stream, in_duckdb, truth, calls_of.get(stream, 0), counted_of.get(stream, 0)))
        saved = save_files(sandbox, control, args.files) if args.files else None

    print(f"\n{'stream':<24}{'records':>9}{'in AroFlo':>11}{'API calls':>11}{'counted':>9}")
    for stream, in_duckdb, truth, calls, counted in rows:
        flag = "" if in_duckdb == truth else "  <-- MISMATCH"
        print(f"{stream:<24}{in_duckdb:>9}{truth:>11}{calls:>11}{counted:>9}{flag}")
    totals = [sum(row[i] for row in rows) for i in range(1, 5)]
    print(f"{'total':<24}{totals[0]:>9}{totals[1]:>11}{totals[2]:>11}{totals[3]:>9}")
    daily_limit = stats["daily_used"] + stats["daily_remaining"]
    print(
        f"\n{seconds:.0f} s; daily budget: {stats['daily_used']:,} of {daily_limit:,} calls used, "
        f"{stats['daily_remaining']:,} left (LastUpdate is free; AroFlo resets the count at "
        f"{stats['daily_resets_at']}); {stats['rate_limited']} rate-limit rejections; "
        f"{stats['without_where']} requests without WHERE."
    )
    print(f"DuckDB file: {cache.db_path}  (e.g. `ab.get_default_cache()['tasks'].to_pandas()`)")
    mismatched = [stream for stream, in_duckdb, truth, *_ in rows if in_duckdb != truth]
    if mismatched:
        print(f"\nRecords in DuckDB differ from the sandbox's truth for: {', '.join(mismatched)}")
        return 1
    if saved is not None:
        text, complete = saved
        print(text)
        if not complete:
            return 1
    return 0


def calls_by_stream(
    stats: dict[str, Any], zones: dict[str, dict[str, Any]]
) -> tuple[dict[str, int], dict[str, int]]:
    """The API calls of each stream, and those counted against the daily budget, from the sandbox's request
    log: a `<parent>_documents` stream reads its parent's zone with the documents join alone, which no parent
    stream asks for by default, so its calls are told apart by their join."""
    streams = {zone.lower(): entry["stream"] for zone, entry in zones.items()}
    documents_of = {zone.lower(): stream for stream, zone in DOCUMENT_STREAMS.items()}
    calls: dict[str, int] = {}
    counted: dict[str, int] = {}
    for line in stats["log"]:
        zone = str(line["zone"]).lower()
        stream = (
            documents_of[zone] if zone in documents_of and line["join"] == ONLY_DOCUMENTS else streams[zone]
        )
        calls[stream] = calls.get(stream, 0) + 1
        if stream in DOCUMENT_STREAMS and str(line.get("status")) not in ("429", "6", "7"):
            counted[stream] = counted.get(stream, 0) + 1
    for zone, value in stats["daily_counted"].items():  # what the documents streams did not spend
        counted[streams[zone]] = value - counted.get(documents_of.get(zone, ""), 0)
    return calls, counted


def save_files(sandbox: Sandbox, control: SandboxClient, folder: Path) -> tuple[str, bool]:
    """The Document Directory's files and the task photos, read by the connector with their files selected
    and staged in `folder`: what it wrote, and whether that is every file the sandbox holds, at full size."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Saving the documents' and the task photos' files to {folder} ...", flush=True)
    control.post("reset_stats")
    streams = [stream for stream, _, _ in FILE_STREAMS]
    with tempfile.TemporaryDirectory() as work:
        arguments = [
            "read",
            "--config",
            write_json(Path(work) / "config.json", sandbox.connector_config()),
            "--catalog",
            write_json(Path(work) / "catalog.json", catalog(streams, files=frozenset(streams))),
        ]
        started = time.monotonic()
        process = subprocess.run(
            [str(CONNECTOR), *arguments],
            capture_output=True,
            text=True,
            env={**os.environ, "AIRBYTE_STAGING_DIRECTORY": str(folder)},
        )
    run = Run.parse(process.returncode, process.stdout, process.stderr, time.monotonic() - started)
    complete = run.returncode == 0 and not run.errors
    lines = []
    for stream, title, zone in FILE_STREAMS:
        references = [
            m["record"]["file_reference"]
            for m in run.of_type("RECORD")
            if m["record"]["stream"] == stream and "file_reference" in m["record"]
        ]
        written = (len(references), sum(reference["file_size_bytes"] for reference in references))
        documents = control.attached(zone) if stream in DOCUMENT_STREAMS else control.truth(zone)
        held = (len(documents), sum(int(document["sizeinbytes"]) for document in documents))
        where = folder / stream / ("<job number>" if stream == "task_documents" else "<category>")
        line = f"{title}: {written[0]:,} files, {written[1]:,} bytes written to {where}"
        if written != held:
            complete = False
            line += f"  <-- MISMATCH: the sandbox holds {held[0]:,} files, {held[1]:,} bytes."
        lines.append(line)
    calls = sum(control.stats()["by_zone"].values())
    lines.append(f"in {run.seconds:.0f} s; {calls} AroFlo API calls (the downloads are not API calls).")
    return "\n" + "\n".join(lines), complete


if __name__ == "__main__":
    sys.exit(main())
