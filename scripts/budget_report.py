"""Measure what syncs cost against AroFlo's daily budget on the default sandbox (42 streams, every
incremental stream incrementally), once with LastUpdate logging every zone and once logging only the zones
AroFlo's documentation shows in it. Prints a markdown table (docs/aroflo.md quotes it).

    PYTHONPATH=. .venv/bin/python scripts/budget_report.py [--scale 1.0]

Rows: the first sync; an hourly sync where nothing changed; the once-a-day sync that re-reads the reference
zones; 24 hourly syncs on average; a sync after 100 updates scattered over the zones AroFlo documents in
LastUpdate (made a second before it starts); a sync after 1,000 updates in one zone (timesheets).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES, documented_in_lastupdate
from aroflo_testing.harness import Run, SandboxClient, latest_states, sync

FAST = {"per_second": 1000, "per_minute": 100_000}  # the short limits are not what is measured here


class Account:
    """A sandbox account and the state a destination hands back between syncs."""

    def __init__(self, sandbox: Sandbox, folder: Path) -> None:
        self.sandbox, self.folder = sandbox, folder
        self.control = SandboxClient(sandbox)
        self.states: list[dict[str, Any]] = []
        self.syncs = 0

    def sync(self, **config: Any) -> tuple[Run, dict[str, Any]]:
        """One sync from the current state; the sandbox's counters of that sync alone."""
        self.control.post("reset_stats")
        self.control.post("reset_day")
        self.syncs += 1
        run = sync(self.sandbox, self.folder / f"sync{self.syncs}", self.states or None, **config)
        if run.returncode != 0 or run.errors:
            raise SystemExit(f"sync {self.syncs} failed: {run.errors or run.stderr[-2000:]}")
        self.states = latest_states(run, previous=self.states)
        return run, self.control.stats()

    def update(self, zone: str, count: int, skip: int = 0) -> None:
        key = ZONES[zone].primary_key[0]
        for record in self.control.truth(zone)[skip : skip + count]:
            self.control.post("mutate", {"op": "update", "zone": zone, "id": record[key]})


def row(title: str, run: Run, stats: dict[str, Any]) -> list[str]:
    records = sum(len(r) for r in run.records.values())
    secondary = sum(stats.get("secondary_counted", {}).values())
    return [title, f"{records:,}", f"{stats['requests']:,}", f"{stats['daily_used']:,}", f"{secondary:,}"]


def measure(coverage: str, scale: float) -> list[list[str]]:
    rows = []
    with Sandbox(port=0, scale=scale, lastupdate_coverage=coverage) as sandbox:
        account = Account(sandbox, Path(tempfile.mkdtemp()))
        account.control.reset()
        account.control.post("limits", FAST)
        rows.append(row("first sync", *account.sync()))
        hourly_run, hourly = account.sync()
        rows.append(row("nothing changed (hourly)", hourly_run, hourly))
        daily_run, daily = account.sync(reference_reread_hours=0)
        rows.append(row("nothing changed (daily reference re-read)", daily_run, daily))
        average = (daily["daily_used"] + 23 * hourly["daily_used"]) / 24
        rows.append(["nothing changed: 24 hourly syncs, average", "", "", f"{average:.1f}", ""])
        # The zones AroFlo's documentation shows in LastUpdate.
        documented = sorted(documented_in_lastupdate())
        for zone in documented:
            account.update(zone, 100 // len(documented), skip=5)
        rows.append(row(f"100 updates in {len(documented)} zones, a second before", *account.sync()))
        account.update("timesheets", 1000)
        rows.append(row("1,000 updates in timesheets", *account.sync()))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print("| LastUpdate logs | sync | records | calls | daily-budget calls | secondary (single-id) calls |")
    print("|:--|:--|--:|--:|--:|--:|")
    for coverage, label in (("all", "every zone"), ("documented", "documented zones only")):
        for cells in measure(coverage, args.scale):
            print(f"| {label} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
