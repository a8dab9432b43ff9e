"""Run a reader (the connector or the minimal reader) as a subprocess and measure it.

Its stdout is a pipe that this process drains as it arrives, counting RECORD lines per stream without
decoding them (the first bytes name the stream) and decoding only the other messages (STATE, TRACE).
CPU time and peak memory are the reader's own, from `wait4` (user + sys, `ru_maxrss`), so neither this
process nor the sandbox (another process) is counted. The reader is forked from a small launcher, not
from this process: on Linux a child's `ru_maxrss` starts at the RSS of the process it was forked from
(it survives `exec`), which for this process can be larger than the reader's own peak.

    run = run_reader([".venv/bin/source-aroflo", "read", "--config", ..., "--catalog", ...])
    -> Measured(records={"tasks": 1250, ...}, cpu_seconds=9.3, peak_rss_mb=98.2, wall_seconds=36.0, ...)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONNECTOR = str(Path(sys.executable).with_name("source-aroflo"))
# How the connector is run: this checkout's script, or another version's command (`--ref`, versions.py).
CONNECTOR_COMMAND = [CONNECTOR]
MINIMAL_READER = str(REPO / "benchmarks" / "minimal_reader.py")
# `python -I -S -c LAUNCHER usage-file command…`: forks and execs the command, waits for it, writes its
# "user-seconds sys-seconds maxrss" to usage-file and exits with its exit code. (~9 MB: below any reader.)
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_utime} {usage.ru_stime} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""
# How the CDK writes a record: `{"type":"RECORD","record":{"stream":"<name>","data":…`.
RECORD_PREFIX = b'{"type":"RECORD","record":{"stream":"'


@dataclass
class Measured:
    """One reader process: what it emitted and what it cost."""

    returncode: int
    wall_seconds: float
    cpu_seconds: float  # user + sys of the reader process
    peak_rss_mb: float  # its ru_maxrss
    output_mb: float
    records: Counter[str] = field(default_factory=Counter)  # per stream
    states: list[dict[str, Any]] = field(default_factory=list)  # the `state` of every STATE message
    errors: list[str] = field(default_factory=list)  # TRACE errors' messages
    kept: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (stream, data) if asked
    stderr_tail: str = ""

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def run_reader(command: list[str], keep_records: bool = False) -> Measured:
    """Run `command` to the end with its stdout drained; `keep_records` also decodes and keeps records."""
    records: Counter[bytes] = Counter()
    measured = Measured(returncode=-1, wall_seconds=0.0, cpu_seconds=0.0, peak_rss_mb=0.0, output_mb=0.0)
    output_bytes = 0
    with tempfile.TemporaryFile() as stderr, tempfile.NamedTemporaryFile("r") as usage:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, usage.name, *command],
            stdout=subprocess.PIPE,
            stderr=stderr,
            bufsize=1 << 20,
        )
        assert process.stdout is not None
        for line in process.stdout:
            output_bytes += len(line)
            if line.startswith(RECORD_PREFIX) and not keep_records:
                records[line[len(RECORD_PREFIX) : line.index(b'"', len(RECORD_PREFIX))]] += 1
            elif line.startswith(b"{"):
                _take(json.loads(line), measured, records, keep_records)
        process.stdout.close()
        measured.returncode = process.wait()
        measured.wall_seconds = time.monotonic() - started
        stderr.seek(0)
        measured.stderr_tail = stderr.read()[-3000:].decode(errors="replace")
        user, system, max_rss = usage.read().split()
    measured.cpu_seconds = float(user) + float(system)
    measured.peak_rss_mb = int(max_rss) * _RSS_UNIT / 2**20
    measured.output_mb = output_bytes / 2**20
    measured.records = Counter({stream.decode(): n for stream, n in records.items()})
    return measured


def _take(message: dict[str, Any], measured: Measured, records: Counter[bytes], keep: bool) -> None:
    kind = message.get("type")
    if kind == "RECORD":
        record = message["record"]
        records[record["stream"].encode()] += 1
        if keep:
            measured.kept.append((record["stream"], record["data"]))
    elif kind == "STATE":
        measured.states.append(message["state"])
    elif kind == "TRACE" and message["trace"].get("type") == "ERROR":
        measured.errors.append(str(message["trace"]["error"].get("message")))


# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
_RSS_UNIT = 1 if sys.platform == "darwin" else 1024


def connector_read(config: Path, catalog: Path, state: Path | None = None) -> list[str]:
    return [*CONNECTOR_COMMAND, "read", "--config", str(config), "--catalog", str(catalog)] + (
        ["--state", str(state)] if state else []
    )


def minimal_read(config: Path, queries: Path) -> list[str]:
    return [sys.executable, MINIMAL_READER, "--config", str(config), "--queries", str(queries)]


def discover(config: Path) -> list[dict[str, Any]]:
    """The connector's streams as `discover` declares them (it makes no API call)."""
    output = subprocess.run(
        [*CONNECTOR_COMMAND, "discover", "--config", str(config)], capture_output=True, check=True
    ).stdout
    for line in output.splitlines():
        if line.startswith(b"{"):
            message = json.loads(line)
            if message.get("type") == "CATALOG":
                return list(message["catalog"]["streams"])
    raise RuntimeError("`source-aroflo discover` printed no catalog")


def configured_catalog(streams: list[dict[str, Any]], incremental: bool) -> dict[str, Any]:
    """Every stream in full refresh (overwrite), or incremental (append + dedup) where it supports it."""

    def configured(stream: dict[str, Any]) -> dict[str, Any]:
        if incremental and "incremental" in stream["supported_sync_modes"]:
            return {"stream": stream, "sync_mode": "incremental", "destination_sync_mode": "append_dedup"}
        return {"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}

    return {"streams": [configured(stream) for stream in streams]}
