"""Integration tests run the real `destination-aroflo` command against a local AroFlo sandbox.

`write` runs `destination-aroflo write` as a subprocess, as Airbyte does: config and catalog files, the
records and states on stdin, the protocol messages parsed from stdout. The sandbox (the repository's
`aroflo_sandbox/`) accepts AroFlo's documented writes and shows them in its truth.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import Run, SandboxClient, write_json

COMMAND = str(Path(sys.executable).with_name("destination-aroflo"))
SCALE = 0.05  # a small account: the clients index is one page, every point below still made


def catalog(*streams: tuple[str, str]) -> dict[str, Any]:
    """A configured catalog of (stream, destination sync mode)."""
    return {
        "streams": [
            {
                "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                "sync_mode": "full_refresh",
                "destination_sync_mode": mode,
            }
            for name, mode in streams
        ]
    }


def record(stream: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 0}}


def state(stream: str, position: int) -> dict[str, Any]:
    return {
        "type": "STATE",
        "state": {
            "type": "STREAM",
            "stream": {"stream_descriptor": {"name": stream}, "stream_state": {"position": position}},
        },
    }


def run_destination(args: list[str], stdin: str = "", timeout: float = 600) -> Run:
    started = time.monotonic()
    process = subprocess.run(
        [COMMAND, *args], input=stdin, capture_output=True, text=True, timeout=timeout, env={**os.environ}
    )
    return Run.parse(process.returncode, process.stdout, process.stderr, time.monotonic() - started)


def write(
    sandbox: Sandbox, folder: Path, messages: list[dict[str, Any]], streams: dict[str, str], **config: Any
) -> Run:
    """`destination-aroflo write` of `messages` into the sandbox; `streams` maps stream -> sync mode."""
    folder.mkdir(parents=True, exist_ok=True)
    config_path = write_json(folder / "config.json", sandbox.connector_config(**config))
    catalog_path = write_json(folder / "catalog.json", catalog(*streams.items()))
    stdin = "".join(json.dumps(m) + "\n" for m in messages)
    return run_destination(["write", "--config", config_path, "--catalog", catalog_path], stdin)


def logs(run: Run, level: str | None = None) -> list[str]:
    return [m["log"]["message"] for m in run.of_type("LOG") if level is None or m["log"]["level"] == level]


def summary(run: Run) -> str:
    """The write's closing count per stream and outcome."""
    [line] = [line for line in logs(run, "INFO") if line.startswith("AroFlo write summary: ")]
    return line.removeprefix("AroFlo write summary: ")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """One small account per test module; each test leaves it with the writes it made."""
    with Sandbox(port=0, scale=SCALE, seed=7) as running:
        yield running


@pytest.fixture
def control(sandbox: Sandbox) -> Iterator[SandboxClient]:
    client = SandboxClient(sandbox)
    client.reset()
    yield client
    client.reset()
