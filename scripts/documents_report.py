"""Measure the `<parent>_documents` streams on the default sandbox: files, bytes and seconds of a first sync
with their files, the API calls they add per 1,000 parents (a first sync, an incremental sync with nothing
new, one after photos were attached to ten tasks) and the size of their state; once where uploading a document
leaves its parent as it was (the sandbox's default, as AroFlo's Tasks example shows) and once where it changes
the parent (and so its LastUpdate entry). Prints markdown tables (docs/aroflo.md quotes them).

    PYTHONPATH=. .venv/bin/python scripts/documents_report.py [--scale 1.0] [--streams task_documents,...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import DOCUMENT_STREAMS, Run, SandboxClient, latest_states, read

FAST = {"per_second": 1000, "per_minute": 100_000}  # the short limits are not what is measured here
ONLY_DOCUMENTS = ["documentsandphotos"]


class Account:
    def __init__(self, sandbox: Sandbox, streams: list[str], folder: Path) -> None:
        self.sandbox, self.streams, self.folder = sandbox, streams, folder
        self.control = SandboxClient(sandbox)
        self.states: list[dict[str, Any]] = []
        self.syncs = 0

    def sync(self) -> tuple[Run, dict[str, Any]]:
        """An incremental sync of the streams with their files, staged in a fresh folder."""
        self.control.post("reset_stats")
        self.control.post("reset_day")
        self.syncs += 1
        folder = self.folder / f"sync{self.syncs}"
        staging = folder / "staging"
        staging.mkdir(parents=True)
        os.environ["AIRBYTE_STAGING_DIRECTORY"] = str(staging)  # the connector's process reads it
        chosen = frozenset(self.streams)
        run = read(self.sandbox, folder, self.streams, self.states or None, incremental=chosen, files=chosen)
        if run.returncode != 0 or run.errors:
            raise SystemExit(f"sync {self.syncs} failed: {run.errors or run.stderr[-2000:]}")
        self.states = latest_states(run, previous=self.states)
        shutil.rmtree(staging)  # measured: the files need not be kept
        return run, self.control.stats(log=True)


def per_stream(run: Run, stats: dict[str, Any], stream: str) -> dict[str, Any]:
    zone = DOCUMENT_STREAMS[stream].lower()
    lines = [line for line in stats["log"] if line["zone"].lower() == zone and line["join"] == ONLY_DOCUMENTS]
    single = [line for line in lines if len(line["where"]) == 1 and "|=|" in line["where"][0]]
    references = [
        m["record"]["file_reference"]
        for m in run.of_type("RECORD")
        if m["record"]["stream"] == stream and m["record"].get("file_reference")
    ]
    [state] = [s for s in run.states if s["stream"]["stream_descriptor"]["name"] == stream][-1:]
    return {
        "records": len(run.records.get(stream, [])),
        "files": len(references),
        "bytes": sum(r["file_size_bytes"] for r in references),
        "calls": len(lines),
        "daily": len(lines) - len(single),
        "single": len(single),
        "state": len(json.dumps(state["stream"]["stream_state"])),
        "uploads": state["stream"]["stream_state"].get("documents", {}).get("uploads", "not shown"),
    }


def table(title: str, parents: dict[str, int], run: Run, stats: dict[str, Any], streams: list[str]) -> None:
    print(f"\n{title} ({run.seconds:.0f} s for all {len(streams)} streams)\n")
    print("| stream | parents | records | files | MB | calls | daily | single-id | daily per 1,000 parents "
          "| state bytes | uploads |")  # fmt: skip
    print("|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|:--|")
    for stream in streams:
        m = per_stream(run, stats, stream)
        per_thousand = 1000 * m["daily"] / max(1, parents[stream])
        print(
            f"| `{stream}` | {parents[stream]:,} | {m['records']:,} | {m['files']:,} "
            f"| {m['bytes'] / 1e6:.1f} | {m['calls']} | {m['daily']} | {m['single']} | {per_thousand:.1f} "
            f"| {m['state']:,} | {m['uploads']} |",
            flush=True,
        )


def measure(scale: float, streams: list[str], uploads_touch_parent: bool) -> None:
    with Sandbox(port=0, scale=scale, uploads_touch_parent=uploads_touch_parent) as sandbox:
        account = Account(sandbox, streams, Path(tempfile.mkdtemp()))
        account.control.reset()
        account.control.post("limits", FAST)
        parents = {s: len(account.control.truth(DOCUMENT_STREAMS[s])) for s in streams}
        mode = "uploads change their parent" if uploads_touch_parent else "uploads leave their parent"
        table(f"**{mode}**: first sync", parents, *account.sync(), streams)
        table(f"**{mode}**: nothing new", parents, *account.sync(), streams)
        for task in account.control.truth("tasks")[:10]:
            account.control.attach("tasks", task["taskid"])
        time.sleep(1)
        table(f"**{mode}**: photos attached to 10 tasks", parents, *account.sync(), streams)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--streams", default=",".join(sorted(DOCUMENT_STREAMS)))
    args = parser.parse_args()
    streams = args.streams.split(",")
    for uploads_touch_parent in (False, True):
        measure(args.scale, streams, uploads_touch_parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
