"""The AroFlo sandbox in its own process, and its `/_sandbox/*` control routes.

A process of its own, not a thread of the benchmark: the sandbox's work (filtering and rendering pages)
then never competes with the benchmark's pipe draining for one interpreter lock, and the readers, which
are subprocesses too, see a server that answers as fast as the machine allows.

    with SandboxProcess(scale=0.4) as sandbox:
        sandbox.set_limits(LIMITS_OFF)
        sandbox.zone_counts()  -> {"tasks": ("tasks", 500), ...}  (zone -> stream, live records)
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
# "Off": limits no benchmark can reach (the sandbox has no switch; these are its Limits fields).
LIMITS_OFF = {"per_second": 10**9, "per_minute": 10**9, "daily": 10**9, "secondary_daily": 10**9}
# AroFlo's short limits (docs/aroflo.md#daily-budget). The daily limit stays off: a large read may need
# more than 2,000 calls, and the benchmark counts the daily-budget calls instead of stopping at them.
REAL_SHORT_LIMITS = {"per_second": 3, "per_minute": 120}


class SandboxProcess:
    """`python -m aroflo_sandbox` on a free port; `get`/`post` speak to its control routes."""

    def __init__(self, scale: float, seed: int = 42) -> None:
        self.scale = scale
        self.seed = seed
        self._folder = tempfile.TemporaryDirectory(prefix="aroflo-bench-")
        self.config_path = Path(self._folder.name) / "config.json"
        self._process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def __enter__(self) -> SandboxProcess:
        output = Path(self._folder.name) / "sandbox.out"
        with output.open("w") as handle:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "aroflo_sandbox",
                    "--port=0",
                    f"--scale={self.scale}",
                    f"--seed={self.seed}",
                    f"--config-out={self.config_path}",
                ],
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                stdout=handle,
            )
        # It prints "AroFlo sandbox listening on http://127.0.0.1:PORT/" once its data is generated.
        while "listening on " not in (first := output.read_text().partition("\n")[0]) or not first.endswith(
            "/"
        ):
            if self._process.poll() is not None:
                raise RuntimeError(f"the sandbox did not start: {output.read_text()!r}")
            time.sleep(0.1)
        self.url = first.rsplit(" ", 1)[1]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
        self._folder.cleanup()

    # ---- control routes ---------------------------------------------------------------------------
    def _call(self, method: str, route: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
        # A connection per call: on a kept-alive one, the sandbox's small answers (headers and body in two
        # writes, Nagle's algorithm on) wait ~40 ms each for the client's delayed ACK.
        connection = http.client.HTTPConnection(urlsplit(self.url).netloc, timeout=300)
        path = f"/_sandbox/{route}" + (f"?{urlencode(params)}" if params else "")
        payload = json.dumps(body or {}).encode() if method == "POST" else None
        connection.request(method, path, body=payload, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        data = json.loads(response.read())
        connection.close()
        if response.status != 200 or (isinstance(data, dict) and "error" in data):
            raise RuntimeError(f"sandbox {route}: {response.status} {data}")
        return data

    def get(self, route: str, **params: Any) -> Any:
        return self._call("GET", route, **params)

    def post(self, route: str, body: dict[str, Any] | None = None) -> Any:
        return self._call("POST", route, body)

    def set_limits(self, limits: dict[str, int]) -> None:
        self.post("limits", limits)

    def fresh_counters(self) -> None:
        """No call statistics, a new day, empty rate windows: the next run is measured on its own."""
        for route in ("reset_stats", "reset_day", "reset_windows"):
            self.post(route)

    def stats(self, log: bool = False) -> dict[str, Any]:
        return self.get("stats", log="1" if log else "0")

    def zone_counts(self) -> dict[str, tuple[str, int]]:
        """zone -> (stream, live records): the account's truth."""
        return {zone: (entry["stream"], entry["count"]) for zone, entry in self.get("zones").items()}
