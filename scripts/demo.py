"""The demo: start the AroFlo sandbox, run a full sync of every stream through `source-aroflo`, and
print per-stream record counts next to the sandbox's truth and the API calls each stream used."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES

CONNECTOR = str(Path(sys.executable).with_name("source-aroflo"))


def main() -> int:
    zones = sorted(ZONES.values(), key=lambda z: z.stream)
    with Sandbox(port=0) as sandbox, tempfile.TemporaryDirectory() as folder:
        print(f"AroFlo sandbox running at {sandbox.url}")
        config = Path(folder, "config.json")
        config.write_text(json.dumps(sandbox.connector_config()))
        catalog = Path(folder, "catalog.json")
        catalog.write_text(
            json.dumps(
                {
                    "streams": [
                        {
                            "stream": {
                                "name": z.stream,
                                "json_schema": {},
                                "supported_sync_modes": ["full_refresh"],
                            },
                            "sync_mode": "full_refresh",
                            "destination_sync_mode": "overwrite",
                        }
                        for z in zones
                    ]
                }
            )
        )
        print(f"Full sync of {len(zones)} streams (the connector keeps under 3 calls/s and 120/min)...")
        started = time.monotonic()
        process = subprocess.run(
            [CONNECTOR, "read", "--config", str(config), "--catalog", str(catalog)],
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - started
        counts: Counter[str] = Counter()
        errors = []
        for line in process.stdout.splitlines():
            if not line.startswith("{"):
                continue
            message = json.loads(line)
            if message["type"] == "RECORD":
                counts[message["record"]["stream"]] += 1
            elif message["type"] == "TRACE" and message["trace"].get("type") == "ERROR":
                errors.append(message["trace"]["error"]["message"])
        stats = sandbox.state.stats.as_dict()
        truth = {z.stream: len(sandbox.state.truth(z)) for z in zones}

        print(f"\n{'stream':<24}{'records':>9}{'in AroFlo':>11}{'API calls':>11}")
        for zone in zones:
            calls = stats["by_zone"].get(zone.param.lower(), 0)
            flag = "" if counts[zone.stream] == truth[zone.stream] else "  <-- MISMATCH"
            print(f"{zone.stream:<24}{counts[zone.stream]:>9}{truth[zone.stream]:>11}{calls:>11}{flag}")
        daily_used = sandbox.state.limiter.daily_used
        print(f"{'total':<24}{sum(counts.values()):>9}{sum(truth.values()):>11}{stats['requests']:>11}")
        print(
            f"\n{seconds:.0f} s; {daily_used} calls counted against the 2,000/day budget "
            f"({sandbox.state.limiter.limits.daily - daily_used} left; LastUpdate is free); "
            f"{stats['rate_limited']} rate-limit rejections; {stats['without_where']} requests without WHERE."
        )
        if errors or process.returncode:
            print("\nThe sync reported errors:", *errors, process.stderr[-2000:], sep="\n")
            return 1
        return 0 if counts == Counter(truth) else 1


if __name__ == "__main__":
    sys.exit(main())
