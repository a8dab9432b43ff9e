"""Integration tests run the real `source-aroflo` command against a local AroFlo sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from jsonschema import FormatChecker

from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES

CONNECTOR = str(Path(sys.executable).with_name("source-aroflo"))
STREAMS = sorted(zone.stream for zone in ZONES.values())
BY_STREAM = {zone.stream: zone for zone in ZONES.values()}
MANIFEST = yaml.safe_load((Path(__file__).parent.parent / "source_aroflo" / "manifest.yaml").read_text())
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


def run_connector(args: list[str], timeout: float = 900) -> Run:
    started = time.monotonic()
    process = subprocess.run(
        [CONNECTOR, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ},
    )
    messages = []
    for line in process.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            messages.append(json.loads(line))
    run = Run(process.returncode, messages, process.stdout, process.stderr, time.monotonic() - started)
    for message in run.of_type("RECORD"):
        record = message["record"]
        run.records.setdefault(record["stream"], []).append(record["data"])
    return run


def _placeholder(value: Any) -> bool:
    return value in ([], {}) or (
        isinstance(value, dict) and all(isinstance(v, str) and not v.strip() for v in value.values())
    )


def record_key(stream: str, record: dict[str, Any]) -> tuple:
    return tuple(record[k] for k in BY_STREAM[stream].primary_key)


def keyed(stream: str, records: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """Records by their primary key (a later one with the same key wins, as in a deduped table)."""
    return {record_key(stream, r): r for r in records}


def without_change_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A record without the fields the connector adds for incremental sync (`_ab_cdc_*`)."""
    return {k: v for k, v in record.items() if not k.startswith("_ab_cdc_")}


# How AroFlo writes dates and times (API notes §3.6); an oracle independent of the connector's parser.
_AROFLO_MOMENTS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%b %d, %Y %I:%M:%S %p",
)


def _moment(text: str) -> datetime | None:
    for form in _AROFLO_MOMENTS:
        try:
            return datetime.strptime(text.strip(), form)
        except ValueError:
            continue
    return None


def _same_scalar(got: Any, sent: Any, name: str) -> bool:
    """Does the connector's value mean exactly what AroFlo sent? (The round trip of normalization.)"""
    if type(got) is type(sent) and got == sent:
        return True
    if isinstance(sent, str) and not sent.strip():
        return got is None
    if name == "priority" and sent == 0:
        return got is None  # a number 0 among priority ids means "no priority"
    if isinstance(got, bool):
        return str(sent).strip().lower() in ({"true", "1"} if got else {"false", "0"})
    if isinstance(got, (int, float)):
        try:
            return Decimal(str(sent).strip()) == Decimal(repr(got))  # the exact decimal, no rounding
        except InvalidOperation:
            return False
    if isinstance(got, str) and isinstance(sent, str):
        moment = _moment(sent)
        if moment is None:
            return False
        if len(got) == 10:  # a date
            return moment.time() == datetime.min.time() and got == moment.date().isoformat()
        # UTC exactly where the field's name says so; site-local times carry no invented offset.
        if got.endswith("Z") != ("utc" in name.lower()):
            return False
        return datetime.fromisoformat(got.removesuffix("Z")) == moment
    return isinstance(got, str) and got == str(sent)


def differences(got: Any, sent: Any, name: str = "", path: str = "") -> list[str]:
    """Where a connector record and the record AroFlo holds differ in meaning (empty: nothing lost)."""
    if isinstance(sent, dict) and isinstance(got, dict):
        expected_keys = set(sent) | ({"url_expires_at"} if "url" in sent else set())
        found = [f"{path}: keys {sorted(set(got) ^ expected_keys)}"] if set(got) != expected_keys else []
        if "url" in sent:
            expires = datetime.fromtimestamp(int(sent["url"].split("expires=")[1].split("&")[0]), UTC)
            if got.get("url_expires_at") != expires.strftime("%Y-%m-%dT%H:%M:%SZ"):
                found.append(f"{path}.url_expires_at: {got.get('url_expires_at')!r}")
        for key in set(sent) & set(got):
            found += differences(got[key], sent[key], key, f"{path}.{key}")
        return found
    if isinstance(sent, list) and isinstance(got, list):
        if len(got) != len(sent):
            return [f"{path}: {len(got)} items, AroFlo has {len(sent)}"]
        return [d for g, s in zip(got, sent, strict=True) for d in differences(g, s, name, f"{path}[]")]
    return [] if _same_scalar(got, sent, name) else [f"{path}: {got!r} for AroFlo's {sent!r}"]


def assert_same_records(
    stream: str, got: dict[tuple, dict[str, Any]], truth: dict[tuple, dict[str, Any]]
) -> None:
    """The same primary keys, and every record meaning what AroFlo holds, field by field."""
    assert set(got) == set(truth), (
        f"{stream}: missing {len(set(truth) - set(got))}, extra {len(set(got) - set(truth))}"
    )
    # The CDK's serializer leaves out top-level fields that are null: a destination loads them as null.
    differing = {
        k: d
        for k in truth
        if (d := differences({**dict.fromkeys(truth[k]), **without_change_fields(got[k])}, truth[k]))
    }
    assert not differing, (stream, dict(list(differing.items())[:3]))


def format_checker() -> FormatChecker:
    """`date` is YYYY-MM-DD; `date-time` is ISO 8601, with `Z` exactly when `airbyte_type` says the field
    is a timestamp with time zone (checked separately in timezone_errors)."""
    checker = FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        return not isinstance(value, str) or (len(value) == 10 and bool(date.fromisoformat(value)))

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        return not isinstance(value, str) or bool(datetime.fromisoformat(value.removesuffix("Z")))

    return checker


def timezone_errors(value: object, schema: dict, path: str = "") -> list[str]:
    """Date-times that end in `Z` where the schema says site-local, or lack it where it says UTC."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return [e for k, v in value.items() if k in properties for e in timezone_errors(v, properties[k], k)]
    if isinstance(value, list):
        return [e for item in value for e in timezone_errors(item, schema.get("items", {}), path)]
    kind = schema.get("airbyte_type")
    timestamp = kind in ("timestamp_with_timezone", "timestamp_without_timezone")
    if (
        isinstance(value, str)
        and timestamp
        and (value.endswith("Z") != (kind == "timestamp_with_timezone") or "+" in value[10:])
    ):
        return [f"{path}={value!r} is not a {kind}"]
    return []


def read(
    sandbox: Sandbox,
    folder: Path,
    streams: list[str],
    state: list[dict[str, Any]] | None = None,
    incremental: frozenset[str] = frozenset(),
    **config: Any,
) -> Run:
    """`source-aroflo read` of `streams` against the sandbox, with config overrides and an optional state."""
    folder.mkdir(parents=True, exist_ok=True)
    args = [
        "read",
        "--config",
        write_json(folder / "config.json", sandbox.connector_config(**config)),
        "--catalog",
        write_json(folder / "catalog.json", catalog(streams, incremental=incremental)),
    ]
    if state is not None:
        args += ["--state", write_json(folder / "state.json", state)]
    return run_connector(args)


def write_json(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def catalog(streams: list[str], incremental: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A configured catalog: full refresh (overwrite), or incremental (append + dedup) for `incremental`."""

    def configured(name: str) -> dict[str, Any]:
        mode = "incremental" if name in incremental else "full_refresh"
        return {
            "stream": {
                "name": name,
                "json_schema": {},
                "supported_sync_modes": ["full_refresh", "incremental"],
            },
            "sync_mode": mode,
            "destination_sync_mode": "append_dedup" if mode == "incremental" else "overwrite",
        }

    return {"streams": [configured(name) for name in streams]}


class SandboxClient:
    """The sandbox's control endpoints, as the tests use them."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.url = sandbox.url.rstrip("/") + "/_sandbox/"

    def get(self, route: str, **params: Any) -> Any:
        return requests.get(self.url + route, params=params, timeout=30).json()

    def post(self, route: str, body: dict[str, Any] | None = None) -> Any:
        return requests.post(self.url + route, json=body or {}, timeout=30).json()

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

    def stats(self, log: bool = False) -> dict[str, Any]:
        return self.get("stats", log="1" if log else "0")

    def reset(self) -> None:
        self.post("reset_stats")
        self.post("reset_day")
        self.post("reset_windows")
        self.post("faults", {})


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0) as running:
        yield running


def fresh_client(sandbox: Sandbox) -> Iterator[SandboxClient]:
    """A control client on a sandbox with no stats, a new day and no faults, left the same way."""
    client = SandboxClient(sandbox)
    client.reset()
    yield client
    client.reset()


@pytest.fixture
def control(sandbox: Sandbox) -> Iterator[SandboxClient]:
    yield from fresh_client(sandbox)


@pytest.fixture(scope="session")
def small_sandbox() -> Iterator[Sandbox]:
    """A fifth of the default data: the same shapes, quicker to read many times."""
    with Sandbox(port=0, scale=0.2, seed=11) as running:
        yield running


@pytest.fixture
def small(small_sandbox: Sandbox) -> Iterator[SandboxClient]:
    yield from fresh_client(small_sandbox)


@pytest.fixture
def config_path(sandbox: Sandbox, tmp_path: Path) -> str:
    return write_json(tmp_path / "config.json", sandbox.connector_config())
