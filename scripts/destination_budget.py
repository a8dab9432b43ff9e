"""What destination-aroflo spends of AroFlo's daily budget: measured calls per 100 clients and per 100 notes.

    PYTHONPATH=. .venv/bin/python scripts/destination_budget.py [--scale 1.0]

Each scenario runs the real `destination-aroflo write` against a fresh sandbox (seed 42) and counts the calls
the sandbox received: API calls, those counted against the daily 2,000, those on the secondary allowance
(single-record reads), and POSTs. The formula they follow (the section "How the destination spends AroFlo's
daily budget" of docs/destination.md):

* clients: ⌈clients in AroFlo / 500⌉ + ⌈archived clients / 500⌉ (the index, once per sync) + ⌈inserts / 50⌉ +
  ⌈updates / 50⌉ (inserts and updates are separate POSTs);
* task notes: ⌈job numbers / 100⌉ + ⌈task ids / 100⌉ lookups (with the tasks' notes; up to 10 task ids a
  sync are looked up one per call on the secondary allowance instead), + ⌈notes / 50⌉ POSTs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import SandboxClient, write_json

DESTINATION = str(Path(sys.executable).with_name("destination-aroflo"))


@dataclass(frozen=True)
class Spent:
    calls: int
    daily: int
    secondary: int
    posts: int
    seconds: float


def spend(sandbox: Sandbox, stream: str, rows: list[dict[str, Any]]) -> Spent:
    """Write `rows` to `stream` (append_dedup) in one sync; what it cost."""
    control = SandboxClient(sandbox)
    control.reset()
    configured = {
        "streams": [
            {
                "stream": {"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                "sync_mode": "full_refresh",
                "destination_sync_mode": "append_dedup",
            }
        ]
    }
    lines = [{"type": "RECORD", "record": {"stream": stream, "data": row, "emitted_at": 0}} for row in rows]
    with tempfile.TemporaryDirectory() as work:
        args = [
            "write",
            "--config",
            write_json(Path(work) / "config.json", sandbox.connector_config()),
            "--catalog",
            write_json(Path(work) / "catalog.json", configured),
        ]
        started = time.monotonic()
        process = subprocess.run(
            [DESTINATION, *args],
            input="".join(json.dumps(line) + "\n" for line in lines),
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - started
    if process.returncode:
        raise RuntimeError(process.stdout[-2000:] + process.stderr[-2000:])
    stats = control.stats()
    return Spent(
        calls=stats["requests"],
        daily=sum(stats["daily_counted"].values()),
        secondary=sum(stats["secondary_counted"].values()),
        posts=sum(stats["post_calls"].values()),
        seconds=seconds,
    )


def new_clients(count: int, tag: str) -> list[dict[str, Any]]:
    return [
        {
            "clientname": f"{tag} {n:03d}",
            "firstname": "Bud",
            "surname": "Get",
            "email": f"{tag.lower()}{n}@b.example",
        }
        for n in range(count)
    ]


SCENARIOS: dict[str, Callable[[SandboxClient], tuple[str, list[dict[str, Any]]]]] = {
    "100 new clients": lambda c: ("clients", new_clients(100, "Inserted")),
    "100 clients updated (by email)": lambda c: (
        "clients",
        [
            {"email": client["email"], "website": "https://updated.example"}
            for client in _unique_emails(c)[:100]
        ],
    ),
    "100 clients already as sent": lambda c: (
        "clients",
        [
            {"clientid": client["clientid"], "clientname": client["clientname"]}
            for client in c.truth("clients")[:100]
        ],
    ),
    "100 notes, by job number": lambda c: (
        "task_notes",
        [{"jobnumber": task["jobnumber"], "content": "Budget note"} for task in c.truth("tasks")[:100]],
    ),
    "100 notes, by task id": lambda c: (
        "task_notes",
        [{"taskid": task["taskid"], "content": "Budget note by id"} for task in c.truth("tasks")[100:200]],
    ),
}


def _unique_emails(control: SandboxClient) -> list[dict[str, Any]]:
    clients = control.truth("clients")
    seen: dict[str, int] = {}
    for client in clients:
        seen[client["email"].lower()] = seen.get(client["email"].lower(), 0) + 1
    return [c for c in clients if c["email"] and seen[c["email"].lower()] == 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    print(f"{'scenario':<34}{'API calls':>10}{'daily':>7}{'secondary':>11}{'POSTs':>7}{'seconds':>9}")
    for name, make in SCENARIOS.items():
        with Sandbox(port=0, seed=42, scale=args.scale) as sandbox:
            clients = len(SandboxClient(sandbox).truth("clients"))
            stream, rows = make(SandboxClient(sandbox))
            spent = spend(sandbox, stream, rows)
        print(
            f"{name:<34}{spent.calls:>10}{spent.daily:>7}{spent.secondary:>11}{spent.posts:>7}{spent.seconds:>9.1f}"
        )
    print(f"\n(the sandbox at scale {args.scale}: {clients} clients, read in the clients index)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
