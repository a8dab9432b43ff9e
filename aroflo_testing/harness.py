"""Running the connector against the sandbox: the sandbox's control client and the sync helpers that the
integration tests and the scripts (demo, budget report) share.

Test support, not part of the simulator: it imports the connector (its manifest, its entrypoint) and the CDK,
which the sandbox itself never does (unit_tests/test_imports.py).

``read`` runs ``source-aroflo read`` as a subprocess with a config pointing at a running sandbox and a
catalog of the chosen streams, and parses its output; ``read_in_process`` runs the same read inside this
process (no interpreter and CDK start-up: seconds quicker); ``SandboxClient`` talks to the sandbox's
``/_sandbox/*`` control routes (docs/sandbox.md). A test that is not about AroFlo's short rate limits
lifts them on both sides: the sandbox's (``RELAXED_LIMITS``) and the connector's own call rate
(``unlimited_call_rate=True``, which sets ``AROFLO_TEST_UNLIMITED_CALL_RATE=1`` for that run only); every
other run is paced as shipped. Example::

    with Sandbox(port=0, scale=0.1) as sandbox:
        run = read(sandbox, Path("/tmp/sync"), ["tasks"])
        run.records["tasks"]                   -> the records the connector emitted
        SandboxClient(sandbox).truth("tasks")  -> the records the sandbox holds
        SandboxClient(sandbox).attached("tasks")  -> every document attached to a task, with the task
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import logging
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import requests
import yaml
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.exception_handler import assemble_uncaught_exception
from airbyte_cdk.logger import AirbyteLogFormatter
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets, update_secrets

from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES

CONNECTOR = str(Path(sys.executable).with_name("source-aroflo"))
STREAMS = sorted(zone.stream for zone in ZONES.values())
BY_STREAM = {zone.stream: zone for zone in ZONES.values()}
# The connector's manifest, where the installed source_aroflo package has it (found, not imported: the demo's
# environment has no aroflo_client to import it with).
_CONNECTOR = importlib.util.find_spec("source_aroflo")
assert _CONNECTOR is not None and _CONNECTOR.origin is not None, "source_aroflo is not installed"
MANIFEST = yaml.safe_load(Path(_CONNECTOR.origin).with_name("manifest.yaml").read_text())
# Each stream's JSON schema as the connector declares it: shared definitions (`$ref`) resolved, as the CDK
# resolves them when it loads the manifest.
STREAM_SCHEMAS: dict[str, dict[str, Any]] = {
    name: schema
    for name, schema in ManifestReferenceResolver().preprocess_manifest(MANIFEST)["schemas"].items()
    if name != "shared"
}
# The joins a config without `joins` gets, per stream, as the spec declares them.
_JOIN_OPTIONS = MANIFEST["spec"]["connection_specification"]["properties"]["joins"]["properties"]
DEFAULT_JOINS: dict[str, list[str]] = {stream: option["default"] for stream, option in _JOIN_OPTIONS.items()}
# AroFlo's short limits lifted in the sandbox (`Limits(**RELAXED_LIMITS)`, or posted to `/_sandbox/limits`),
# for the tests that are not about them; their connector runs lift its call rate too (`unlimited_call_rate`).
RELAXED_LIMITS = {"per_second": 1000, "per_minute": 100_000}
WRITE_COUNTERS = ("post_calls", "writes_committed", "writes_lost", "records_posted", "records_written")
# `<parent>_documents` streams -> their parent zone (Zone.param), and what names the parent (`documents_of`).
DOCUMENT_STREAMS: dict[str, str] = {
    s["$parameters"]["name"]: s["$parameters"]["zone"]
    for s in MANIFEST["streams"]
    if "documents_of" in s["$parameters"]
}
DOCUMENTS_OF: dict[str, dict[str, Any]] = {
    s["$parameters"]["zone"].lower(): {**s["$parameters"]["documents_of"], "id": s["$parameters"]["id"]}
    for s in MANIFEST["streams"]
    if "documents_of" in s["$parameters"]
}


@dataclass
class Run:
    """The parsed output of one connector run."""

    returncode: int
    messages: list[dict[str, Any]]
    stdout: str
    stderr: str
    seconds: float
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [m["trace"]["error"] for m in self.of_type("TRACE") if m["trace"].get("type") == "ERROR"]

    @property
    def statuses(self) -> dict[str, str]:
        """The last status each stream reported: COMPLETE, INCOMPLETE, ..."""
        last: dict[str, str] = {}
        for message in self.of_type("TRACE"):
            trace = message["trace"]
            if trace.get("type") == "STREAM_STATUS":
                status = trace["stream_status"]
                last[status["stream_descriptor"]["name"]] = status["status"]
        return last

    @property
    def states(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    @property
    def warnings(self) -> list[str]:
        """The connector's WARN log messages, but the notice that a test lifted its call rate (the test's
        setting, not something the connector found)."""
        return [
            m["log"]["message"]
            for m in self.of_type("LOG")
            if m["log"]["level"] == "WARN" and m["log"]["message"] != _limits().UNLIMITED_CALL_RATE_WARNING
        ]

    @classmethod
    def parse(cls, returncode: int, stdout: str, stderr: str, seconds: float) -> Run:
        messages = [json.loads(line) for line in map(str.strip, stdout.splitlines()) if line.startswith("{")]
        run = cls(returncode, messages, stdout, stderr, seconds)
        for message in run.of_type("RECORD"):
            record = message["record"]
            run.records.setdefault(record["stream"], []).append(record["data"])
        return run


def _limits() -> ModuleType:
    """aroflo_client.limits, imported when a run needs it: the demo's environment (.venv-demo, PyAirbyte's)
    imports this module for its helpers but has none of the connectors' packages."""
    from aroflo_client import limits

    return limits


def connector_environment(unlimited_call_rate: bool = False) -> dict[str, str]:
    """This process's environment for a connector run: AroFlo's call rate kept (whatever this process has
    set), or lifted for a test that is not about it."""
    variable = _limits().UNLIMITED_CALL_RATE_VARIABLE
    environment = {k: v for k, v in os.environ.items() if k != variable}
    if unlimited_call_rate:
        environment[variable] = "1"
    return environment


@contextlib.contextmanager
def call_rate_in_process(unlimited_call_rate: bool) -> Iterator[None]:
    """`connector_environment` for a connector built in this process, restored afterwards."""
    variable = _limits().UNLIMITED_CALL_RATE_VARIABLE
    before = os.environ.pop(variable, None)
    if unlimited_call_rate:
        os.environ[variable] = "1"
    try:
        yield
    finally:
        os.environ.pop(variable, None)
        if before is not None:
            os.environ[variable] = before


def short_limits_lifted(sandbox: Sandbox) -> bool:
    current = sandbox.state.limiter.limits
    return all(getattr(current, name) >= value for name, value in RELAXED_LIMITS.items())


def _check_call_rate(sandbox: Sandbox, unlimited_call_rate: bool) -> None:
    if unlimited_call_rate and not short_limits_lifted(sandbox):
        raise ValueError(
            "an unlimited connector against AroFlo's short limits meets HTTP 429 and status 6 (a minute's "
            "wait each): lift the sandbox's limits too (RELAXED_LIMITS)"
        )


def run_connector(args: list[str], timeout: float = 900, unlimited_call_rate: bool = False) -> Run:
    """`source-aroflo <args>` as a subprocess, its output parsed; paced as shipped unless the call rate is
    lifted for this run."""
    started = time.monotonic()
    process = subprocess.run(
        [CONNECTOR, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=connector_environment(unlimited_call_rate),
    )
    return Run.parse(process.returncode, process.stdout, process.stderr, time.monotonic() - started)


def read_arguments(
    sandbox: Sandbox,
    folder: Path,
    streams: list[str],
    state: list[dict[str, Any]] | None = None,
    incremental: frozenset[str] = frozenset(),
    files: frozenset[str] = frozenset(),
    **config: Any,
) -> list[str]:
    """`read --config ... --catalog ... [--state ...]`, the files written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    args = [
        "read",
        "--config",
        write_json(folder / "config.json", sandbox.connector_config(**config)),
        "--catalog",
        write_json(folder / "catalog.json", catalog(streams, incremental=incremental, files=files)),
    ]
    if state is not None:
        args += ["--state", write_json(folder / "state.json", state)]
    return args


def read(
    sandbox: Sandbox,
    folder: Path,
    streams: list[str],
    state: list[dict[str, Any]] | None = None,
    incremental: frozenset[str] = frozenset(),
    files: frozenset[str] = frozenset(),
    unlimited_call_rate: bool = False,
    **config: Any,
) -> Run:
    """`source-aroflo read` of `streams` against the sandbox, with config overrides and an optional state;
    the streams in `files` with their files (staged under $AIRBYTE_STAGING_DIRECTORY). With
    `unlimited_call_rate` (only against a sandbox whose short limits are lifted) it is not paced."""
    _check_call_rate(sandbox, unlimited_call_rate)
    args = read_arguments(sandbox, folder, streams, state, incremental, files, **config)
    return run_connector(args, unlimited_call_rate=unlimited_call_rate)


def read_in_process(
    sandbox: Sandbox,
    folder: Path,
    streams: list[str],
    state: list[dict[str, Any]] | None = None,
    incremental: frozenset[str] = frozenset(),
    files: frozenset[str] = frozenset(),
    staging: Path | None = None,
    unlimited_call_rate: bool = False,
    **config: Any,
) -> Run:
    """The read `read` runs, inside this process (`run_in_process`); files go to `staging`."""
    _check_call_rate(sandbox, unlimited_call_rate)
    args = read_arguments(sandbox, folder, streams, state, incremental, files, **config)
    return run_in_process(args, staging, unlimited_call_rate)


CONNECTOR_PACKAGES = ("source_aroflo", "aroflo_client")


def clear_connector_caches() -> None:
    """Empty every `functools.cache` of the connector's modules and the list of secrets to mask, as a new
    process starts: some caches log once per process (normalize.py's warnings about values that do not read
    as their type), and a run in this process must log what a new process would, not what an earlier run
    already did or masked."""
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in CONNECTOR_PACKAGES:
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "__wrapped__"):
                value.cache_clear()
    # The values the CDK masks in log lines are per process too: a value an earlier test of this worker
    # registered (a unit test's one-letter credential) would mask letters in this run's messages.
    update_secrets([])
    signing = sys.modules.get("aroflo_client.signing")
    if signing is not None:
        signing._registered.clear()  # register_secrets' memory of what it gave the CDK


def run_in_process(args: list[str], staging: Path | None = None, unlimited_call_rate: bool = False) -> Run:
    """What `run_connector(args)` runs, inside this process (no interpreter and CDK start-up): the same
    output, parsed the same way, the connector's log lines captured as its LOG messages and an error that
    escapes printed as the CDK's exception hook prints it. Files go to `staging` (Airbyte's staging
    directory, which the CDK reads from the environment once, when it is imported)."""
    from source_aroflo.run import _source  # the connector's own entrypoint, as `source-aroflo` builds it

    clear_connector_caches()
    logs = io.StringIO()
    handler = logging.StreamHandler(logs)
    handler.setFormatter(AirbyteLogFormatter())
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    started, stderr, returncode = time.monotonic(), "", 0
    lines: list[str] = []
    patch = (
        mock.patch("source_aroflo.components.files.get_files_directory", lambda: str(staging))
        if staging is not None
        else contextlib.nullcontext()
    )
    try:
        with patch, call_rate_in_process(unlimited_call_rate):
            source = _source(args)
            lines.extend(AirbyteEntrypoint(source).run(AirbyteEntrypoint.parse_args(args)))
    except Exception as error:
        # The process would exit non-zero, the CDK's exception hook printing the error as a TRACE message.
        returncode, stderr = 1, traceback.format_exc()
        traced = assemble_uncaught_exception(type(error), error).as_airbyte_message()
        lines.append(filter_secrets(AirbyteEntrypoint.airbyte_message_to_string(traced)))
    finally:
        root.removeHandler(handler)
    output = "\n".join([*lines, *logs.getvalue().splitlines()])
    return Run.parse(returncode, output, stderr, time.monotonic() - started)


def sync(
    sandbox: Sandbox,
    folder: Path,
    state: list[dict[str, Any]] | None = None,
    in_process: bool = False,
    **config: Any,
) -> Run:
    """A scheduled sync of every stream, incrementally (Append + Deduped) from `state`, as discover offers:
    `source-aroflo read`, or the same read in this process (`read_in_process`)."""
    reader = read_in_process if in_process else read
    return reader(sandbox, folder, sorted(BY_STREAM), state, incremental=frozenset(BY_STREAM), **config)


def latest_states(*runs: Run, previous: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The newest state per stream, as a destination would pass it back: the runs' own, else `previous`."""
    latest: dict[str, dict[str, Any]] = {s["stream"]["stream_descriptor"]["name"]: s for s in previous or []}
    for run in runs:
        for state in run.states:
            latest[state["stream"]["stream_descriptor"]["name"]] = state
    return list(latest.values())


def write_json(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def catalog(
    streams: list[str], incremental: frozenset[str] = frozenset(), files: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A configured catalog: full refresh (overwrite), or incremental (append + dedup) for `incremental`;
    `include_files` (Airbyte's file transfer) for the streams in `files`."""

    def configured(name: str) -> dict[str, Any]:
        mode = "incremental" if name in incremental else "full_refresh"
        stream: dict[str, Any] = {
            "stream": {
                "name": name,
                "json_schema": {},
                "supported_sync_modes": ["full_refresh", "incremental"],
            },
            "sync_mode": mode,
            "destination_sync_mode": "append_dedup" if mode == "incremental" else "overwrite",
        }
        if name in files:
            stream["include_files"] = True
        return stream

    return {"streams": [configured(name) for name in streams]}


def record_key(stream: str, record: dict[str, Any]) -> tuple:
    return tuple(record[k] for k in BY_STREAM[stream].primary_key)


def keyed(stream: str, records: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """Records by their primary key (a later one with the same key wins, as in a deduped table)."""
    return {record_key(stream, r): r for r in records}


class SandboxClient:
    """The sandbox's control routes: its truth, its statistics, and changes to its data, limits and faults."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.url = sandbox.url.rstrip("/") + "/_sandbox/"

    def get(self, route: str, **params: Any) -> Any:
        response = requests.get(self.url + route, params=params, timeout=60)
        response.raise_for_status()
        return response.json()

    def post(self, route: str, body: dict[str, Any] | None = None) -> Any:
        response = requests.post(self.url + route, json=body or {}, timeout=60)
        response.raise_for_status()
        return response.json()

    def truth(self, zone: str, join: str = "") -> list[dict[str, Any]]:
        return self.get("truth", zone=zone, join=join)["records"]

    def synced_truth(self, zone: str, joins: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
        """What a sync with these `joins` (default: the spec's) must deliver: the records with those joins,
        without the `[]`/`{}` placeholders AroFlo sends for the joins that are off."""
        model = ZONES[zone.lower()]
        chosen = (joins or DEFAULT_JOINS).get(model.stream, [])
        filled = {f for j in chosen for f in (model.joins[j], *model.join_extras.get(j, ()))}
        placeholders = {
            f for j in model.joins if j not in chosen for f in (model.joins[j], *model.join_extras.get(j, ()))
        } - filled
        records = self.truth(zone, ",".join(chosen))
        return [{k: v for k, v in r.items() if not (k in placeholders and _placeholder(v))} for r in records]

    def attached(self, zone: str) -> list[dict[str, Any]]:
        """Every document attached to the zone's records, as the sandbox holds them (links signed by this
        answer), each with `_parent`: the record it is attached to (its id, and every field the connector's
        `documents_of` names), the oracle of a `<parent>_documents` stream."""
        spec = DOCUMENTS_OF[zone.lower()]
        return [
            {**document, "_parent": {name: parent.get(name) for name in {spec["id"], *spec["fields"]}}}
            for parent in self.truth(zone, "documentsandphotos")
            for document in parent.get("documentsandphotos") or []
        ]

    def attach(self, zone: str, record_id: str, **document: Any) -> dict[str, Any]:
        """Upload a document to a record now (`at`, `name`, `sizeinbytes`, `touches_parent` optional)."""
        answer: dict[str, Any] = self.post("attach", {"zone": zone, "id": record_id, **document})
        assert answer.get("ok"), answer
        return dict(answer["document"])

    def stats(self, log: bool = False) -> dict[str, Any]:
        return self.get("stats", log="1" if log else "0")

    def post_count(self, zone: str | None = None) -> int:
        """The POSTs (writes) the sandbox received, for one zone or all, whatever came of them."""
        calls: dict[str, int] = self.stats()["post_calls"]
        return calls.get(zone.lower(), 0) if zone else sum(calls.values())

    def writes(self, zone: str) -> dict[str, int]:
        """A zone's writes: POSTs received (`post_calls`), processed and committed (`writes_committed`), of
        those the ones whose answer was lost (`writes_lost`), the records (clients, or notes) they posted and
        those they wrote::

            {"post_calls": 3, "writes_committed": 2, "writes_lost": 1, "records_posted": 4,
             "records_written": 3}
        """
        stats, key = self.stats(), zone.lower()
        return {name: stats[name].get(key, 0) for name in WRITE_COUNTERS}

    def faults(self, **plan: Any) -> dict[str, Any]:
        """Set a fault plan (`aroflo_sandbox/faults.py`: `lost_write_answers=1, lost_write_mode="5xx"`, ...);
        none turns faults off and releases stalled calls."""
        answer: dict[str, Any] = self.post("faults", plan)
        return answer

    def reset(self) -> None:
        """No stats, a new day, empty rate windows and no faults."""
        self.post("reset_stats")
        self.post("reset_day")
        self.post("reset_windows")
        self.post("faults", {})


def _placeholder(value: Any) -> bool:
    """`[]`, `{}`, or an object of blanks and empty objects all through (a join that is off)."""
    if isinstance(value, dict):
        return all(_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return isinstance(value, str) and not value.strip()
