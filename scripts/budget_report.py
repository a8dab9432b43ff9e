"""Measure what syncs cost against AroFlo's daily budget, on the default sandbox:
a first (full) sync, an incremental sync when nothing changed, and one after N changes.

    PYTHONPATH=. .venv/bin/python scripts/budget_report.py [--changes 200]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aroflo_sandbox.harness import SandboxClient, latest_states, sync
from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES

TRACKED = sorted(z.param for z in ZONES.values() if z.lastupdate_name)


def report(title: str, control: SandboxClient, run, seconds: float) -> None:
    stats = control.stats()
    counted = stats["daily_counted"]
    tracked = sum(n for zone, n in counted.items() if zone in {t.lower() for t in TRACKED})
    records = sum(len(r) for r in run.records.values())
    print(
        f"{title:<38} {records:>7} records  {stats['requests']:>4} calls  "
        f"{stats['daily_used']:>4} daily-budget calls ({tracked} in LastUpdate-covered zones)  "
        f"{stats['rate_limited']} rejections  {seconds:.0f} s  errors: {len(run.errors)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    with Sandbox(port=0) as sandbox:
        control = SandboxClient(sandbox)
        control.reset()
        first = sync(sandbox, folder / "first")
        report("first sync (full read)", control, first, first.seconds)

        control.post("reset_stats")
        control.post("reset_day")
        quiet = sync(sandbox, folder / "quiet", latest_states(first))
        report("incremental, nothing changed", control, quiet, quiet.seconds)

        # N changes a few minutes old (the connector reads the change log up to 5 minutes ago).
        rng = random.Random(5)
        at = (datetime.now(UTC) - timedelta(minutes=6)).replace(microsecond=0, tzinfo=None)
        for _ in range(args.changes):
            zone = rng.choice(TRACKED)
            key = ZONES[zone.lower()].primary_key[0]
            records = control.truth(zone)
            op = (
                rng.choice(["update", "update", "update", "create", "delete"])
                if len(records) > 5
                else "create"
            )
            body = {"op": op, "zone": zone, "at": at.isoformat()}
            if op != "create":
                body["id"] = rng.choice(records)[key]
            control.post("mutate", body)
        control.post("reset_stats")
        control.post("reset_day")
        changed = sync(sandbox, folder / "changed", latest_states(first, quiet))
        report(f"incremental after {args.changes} changes", control, changed, changed.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
