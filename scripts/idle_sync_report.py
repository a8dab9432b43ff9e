"""What an hourly sync of an unchanged account costs (issue 21): right after a full read, and an hour later.

On the sandbox (default size, and 4x with `--scales 1 4`), every stream the budget report syncs
(incrementally, as `scripts/budget_report.py`): a first sync (a full read, short limits off), then with
AroFlo's real short limits (3 a second, 120 a minute) a sync right after it, and one an hour after that. The
hour passes for the connector only: it runs under libfaketime one hour ahead (`apt-get install libfaketime`),
and the sandbox accepts its signatures' timestamps an hour off; nothing changes in the account meanwhile.

    PYTHONPATH=. .venv/bin/python scripts/idle_sync_report.py [--scales 1 4] [--json OUT] [--version DIR]

`--version DIR` runs another version of the connector (its `source_aroflo`, and `aroflo-client` when DIR holds
one, first on the connector's PYTHONPATH), e.g. the one before issue 21's lean sync:

    git archive ca4f488 source_aroflo aroflo-client | tar -x -C /tmp/before
    PYTHONPATH=. .venv/bin/python scripts/idle_sync_report.py --version /tmp/before

Columns: calls (all), LastUpdate calls, daily (calls counted against the 2,000 a day), secondary
(single-record reads), zone records (records of the zone streams: each one sent again, nothing changed),
`last_update` records (the change log stream's own overlap), wall seconds of the connector process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES

FAST = {"per_second": 1000, "per_minute": 100_000}
REAL = {"per_second": 3, "per_minute": 120}
STREAMS = sorted(zone.stream for zone in ZONES.values())
FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
CHANGE_LOG = "last_update"
# The connector an hour ahead: libfaketime (its monotonic clock left alone) fails `time.sleep` with EINVAL
# (clock_nanosleep on an absolute monotonic deadline), so the connector sleeps on an Event, which works.
AHEAD = (
    "import sys, threading, time\n"
    "time.sleep = lambda seconds: threading.Event().wait(seconds)\n"
    "from source_aroflo.run import run\n"
    "sys.exit(run())"
)


def catalog() -> dict[str, Any]:
    return {
        "streams": [
            {
                "stream": {
                    "name": name,
                    "json_schema": {},
                    "supported_sync_modes": ["full_refresh", "incremental"],
                },
                "sync_mode": "incremental",
                "destination_sync_mode": "append_dedup",
            }
            for name in STREAMS
        ]
    }


class Account:
    """A sandbox account, the connector run against it, and the states a destination hands back."""

    def __init__(self, sandbox: Sandbox, folder: Path, connector: str, version: Path | None) -> None:
        self.sandbox, self.folder, self.connector, self.version = sandbox, folder, connector, version
        self.control = sandbox.url.rstrip("/") + "/_sandbox/"
        self.states: dict[str, dict[str, Any]] = {}
        self.runs = 0

    def post(self, route: str, body: dict[str, Any] | None = None) -> Any:
        import requests

        return requests.post(self.control + route, json=body or {}, timeout=60).json()

    def stats(self) -> dict[str, Any]:
        import requests

        return requests.get(self.control + "stats", params={"log": 1}, timeout=60).json()

    def sync(self, limits: dict[str, int], hours_ahead: int = 0) -> dict[str, Any]:
        self.runs += 1
        for route in ("reset_stats", "reset_day", "reset_windows"):
            self.post(route)
        self.post("limits", limits)
        folder = self.folder / f"sync{self.runs}"
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps(self.sandbox.connector_config()))
        (folder / "catalog.json").write_text(json.dumps(catalog()))
        args = [self.connector, "read", "--config", str(folder / "config.json")]
        args += ["--catalog", str(folder / "catalog.json")]
        if self.states:
            (folder / "state.json").write_text(json.dumps(list(self.states.values())))
            args += ["--state", str(folder / "state.json")]
        env = dict(os.environ)
        if self.version is not None:
            paths = [self.version, self.version / "aroflo-client"]
            env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths if p.exists())
        if hours_ahead:
            args[0:1] = [str(Path(self.connector).with_name("python")), "-c", AHEAD]
            env |= {
                "LD_PRELOAD": FAKETIME,
                "FAKETIME": f"+{hours_ahead}h",
                "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            }
        started = time.monotonic()
        # Run in the sync's folder: `python -c` puts the working directory first on sys.path.
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=3600, cwd=folder)
        wall = time.monotonic() - started
        records: Counter[str] = Counter()
        errors = []
        for line in done.stdout.splitlines():
            if not line.startswith("{"):
                continue
            message = json.loads(line)
            if message["type"] == "RECORD":
                records[message["record"]["stream"]] += 1
            elif message["type"] == "STATE":
                self.states[message["state"]["stream"]["stream_descriptor"]["name"]] = message["state"]
            elif message["type"] == "TRACE" and message["trace"].get("type") == "ERROR":
                errors.append(message["trace"]["error"]["message"])
        if done.returncode or errors:
            raise SystemExit(f"sync {self.runs} failed: {errors or done.stderr[-3000:]}")
        stats = self.stats()
        (folder / "stats.json").write_text(json.dumps(stats, indent=1))  # the requests, to look into
        (folder / "output.jsonl").write_text(done.stdout)
        return {
            "calls": stats["requests"],
            "lastupdate": stats["by_zone"].get("lastupdate", 0),
            "daily": stats["daily_used"],
            "secondary": sum(stats["secondary_counted"].values()),
            "zone_records": sum(n for stream, n in records.items() if stream != CHANGE_LOG),
            "by_stream": {stream: n for stream, n in records.items() if stream != CHANGE_LOG},
            "last_update_records": records.get(CHANGE_LOG, 0),
            "wall": round(wall, 1),
        }


def measure(scale: float, connector: str, version: Path | None) -> list[dict[str, Any]]:
    # An hour of skew allowed: the connector's clock is an hour ahead for the last sync.
    with Sandbox(port=0, scale=scale, max_skew_seconds=2 * 3600) as sandbox:
        account = Account(sandbox, Path(tempfile.mkdtemp(prefix="idle-sync-")), connector, version)
        first = account.sync(FAST)
        print(
            f"scale {scale}: first sync {first['zone_records']:,} records, {first['wall']} s", file=sys.stderr
        )
        right_after = account.sync(REAL)
        hour_later = account.sync(REAL, hours_ahead=1)
    return [
        {"scale": scale, "sync": "right after a full read", **right_after},
        {"scale": scale, "sync": "an hour later", **hour_later},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 4.0])
    parser.add_argument("--connector", default=str(Path(sys.executable).with_name("source-aroflo")))
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--version", type=Path, help="another version's folder (source_aroflo, aroflo-client)"
    )
    args = parser.parse_args()
    if not Path(FAKETIME).exists():
        raise SystemExit(f"{FAKETIME} is missing: apt-get install libfaketime")
    rows = [row for scale in args.scales for row in measure(scale, args.connector, args.version)]
    columns = ["calls", "lastupdate", "daily", "secondary", "zone_records", "last_update_records", "wall"]
    print(
        "| scale | sync | calls | LastUpdate | daily | secondary | zone records | last_update records ",
        end="",
    )
    print("| wall s |")
    print("|--:|:--|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        print(f"| {r['scale']:g} | {r['sync']} | " + " | ".join(str(r[c]) for c in columns) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
