"""A full-refresh read of all 42 streams by the real command, compared record by record with the sandbox's
ground truth; paced as shipped (no test override of the call rate), on the default account with AroFlo's own
limits: the proof that the connector keeps AroFlo's call rate (and, on a small account read in small pages,
that it uses the rate while there is work)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from aroflo_client import limits
from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES
from aroflo_testing.harness import (
    STREAM_SCHEMAS,
    STREAMS,
    Run,
    SandboxClient,
    catalog,
    keyed,
    record_key,
    run_connector,
    write_json,
)
from integration_tests.conftest import assert_same_records, format_checker, timezone_errors

pytestmark = pytest.mark.runs_for(160)  # a long unit of work: started first (aroflo_testing/parallel.py)


@pytest.fixture(scope="module")
def full_read(sandbox, tmp_path_factory) -> tuple[Run, dict]:
    control = SandboxClient(sandbox)
    control.reset()
    folder: Path = tmp_path_factory.mktemp("full")
    config = write_json(folder / "config.json", sandbox.connector_config())
    run = run_connector(
        ["read", "--config", config, "--catalog", write_json(folder / "catalog.json", catalog(STREAMS))]
    )
    return run, control.stats(log=True)


@pytest.fixture(scope="module")
def small_pages_read(tmp_path_factory) -> tuple[Run, dict]:
    """Every stream of a small account in pages of 25: about 130 calls, each costing the connector and the
    sandbox little CPU, so the pace is the connector's own, not the machine's. (The default account's pages
    of 500 cost enough CPU that CI's two cores, running four workers and two image builds, held one run to
    105 calls in its first minute; alone it makes 119.)"""
    with Sandbox(port=0, scale=0.05) as small:
        control = SandboxClient(small)
        control.reset()
        folder: Path = tmp_path_factory.mktemp("small_pages")
        config = write_json(folder / "config.json", small.connector_config(page_size=25))
        run = run_connector(
            ["read", "--config", config, "--catalog", write_json(folder / "catalog.json", catalog(STREAMS))]
        )
        return run, control.stats(log=True)


def test_the_sync_succeeds(full_read):
    run, _ = full_read
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.errors == []


@pytest.mark.parametrize("zone", sorted(ZONES.values(), key=lambda z: z.stream), ids=lambda z: z.stream)
def test_every_record_arrives_meaning_exactly_what_the_api_holds(full_read, sandbox, zone):
    run, _ = full_read
    truth = keyed(zone.stream, SandboxClient(sandbox).synced_truth(zone.param))
    received = run.records.get(zone.stream, [])
    by_key = keyed(zone.stream, received)
    assert len(by_key) == len(received), "no duplicates in a clean full read"
    assert_same_records(zone.stream, by_key, truth)


def test_only_zones_that_document_no_where_field_are_read_without_one(full_read):
    """PermissionGroups and UserPosition document no WHERE table, TaskTypes no field that is never blank; none
    of them has a 30-day default filter. Every other zone's read carries a documented clause."""
    _, stats = full_read
    without = {line["zone"].lower() for line in stats["log"] if not line["where"]}
    assert without == {"permissiongroups", "userposition", "tasktypes"}
    assert stats["without_where"] == 3


def test_no_rate_limit_rejections(full_read):
    _, stats = full_read
    assert stats["rate_limited"] == 0
    assert stats["by_status"].get("429", 0) == 0 and stats["by_status"].get("6", 0) == 0


@pytest.mark.parametrize("which", ["full_read", "small_pages_read"])
def test_the_sync_runs_near_the_per_minute_limit_but_never_over_it(which, request):
    """3 calls a second and 120 a minute: no window of AroFlo's ever sees more, and a long sync keeps close
    to the per-minute allowance while there is work (asked of the small pages' run, whose pace no busy
    machine holds back). The runs are the shipped connector's: the call rate is not lifted (the harness
    leaves the test-only variable out of its environment)."""
    run, stats = request.getfixturevalue(which)
    assert run.returncode == 0, run.errors
    assert limits.UNLIMITED_CALL_RATE_WARNING not in [m["log"]["message"] for m in run.of_type("LOG")]
    times = sorted(line["at"] for line in stats["log"])
    per_second = max(sum(1 for t in times if start <= t < start + 1) for start in times)
    per_minute = max(sum(1 for t in times if start <= t < start + 60) for start in times)
    assert per_second <= 3 and per_minute <= 120
    first_minute = sum(1 for t in times if t < times[0] + 60)
    if which == "small_pages_read":
        assert len(times) > 120
        assert first_minute >= 110, (
            f"only {first_minute} calls in the first minute of a {len(times)}-call sync"
        )


def test_calls_are_the_minimum_pages_per_zone(full_read, sandbox):
    """records ÷ page size per zone, plus the one empty page an exact multiple forces."""
    _, stats = full_read
    for zone in ZONES.values():
        count = len(SandboxClient(sandbox).truth(zone.param))
        expected = math.floor(count / 500) + 1
        assert stats["by_zone"].get(zone.param.lower(), 0) == expected, zone.stream


def test_no_secret_or_signature_in_the_output(full_read, sandbox):
    run, _ = full_read
    output = run.stdout + run.stderr
    for key in ("u_encoded", "p_encoded", "org_encoded", "secret_key"):
        assert sandbox.connector_config()[key] not in output
    assert "HMAC " not in output and "afdatetimeutc" not in output


def scalars(
    got: Any, sent: Any, schema: dict[str, Any], path: str = ""
) -> Iterator[tuple[str, Any, Any, dict]]:
    """(path, value, what AroFlo holds there, declared schema) of every scalar of a record, nested too."""
    if isinstance(got, dict):
        properties = schema.get("properties", {})
        for key, value in got.items():
            held = sent.get(key) if isinstance(sent, dict) else None
            yield from scalars(value, held, properties.get(key, {}), f"{path}.{key}")
    elif isinstance(got, list):
        held_items = sent if isinstance(sent, list) and len(sent) == len(got) else [None] * len(got)
        for value, held in zip(got, held_items, strict=True):
            yield from scalars(value, held, schema.get("items", {}), f"{path}[]")
    else:
        yield path, got, sent, schema


JSON_TYPES = {bool: {"boolean"}, int: {"integer", "number"}, float: {"number"}, str: {"string"}}


def test_every_text_value_is_the_string_aroflo_sent_and_every_other_scalar_its_declared_type(
    full_read, sandbox
):
    """Every scalar of every record read: where the schema says text (ids, numbers that identify, names), the
    string AroFlo sent, unchanged; where it declares a type, a JSON value of that type (or null)."""
    run, _ = full_read
    control = SandboxClient(sandbox)
    wrong: list[str] = []
    checked = 0
    for zone in ZONES.values():
        schema = STREAM_SCHEMAS[zone.stream]
        truth = keyed(zone.stream, control.synced_truth(zone.param))
        for record in run.records.get(zone.stream, []):
            for path, value, held, declared in scalars(
                record, truth[record_key(zone.stream, record)], schema
            ):
                checked += 1
                types = set(declared.get("type", [])) - {"null"}
                if value is None:
                    continue
                if types == {"string"} and "format" not in declared:  # text
                    if path.endswith(".url"):  # each answer signs its links afresh: the same document
                        value, held = value.split("?")[0], str(held).split("?")[0]
                    as_sent = str(held).lower() if isinstance(held, bool) else str(held)
                    ok = isinstance(value, str) and value == as_sent
                else:
                    ok = bool(JSON_TYPES[type(value)] & types)
                if not ok:
                    wrong.append(
                        f"{zone.stream}{path}: {value!r} (AroFlo: {held!r}, declared {sorted(types)})"
                    )
    assert not wrong, wrong[:10]
    assert checked > 10 * sum(map(len, run.records.values()))  # every record walked, not one field of one
    json.dumps(run.records)  # serialisable as-is


@pytest.mark.parametrize("stream", STREAMS)
def test_every_record_is_valid_against_its_precise_schema(full_read, stream):
    run, _ = full_read
    schema = STREAM_SCHEMAS[stream]
    validator = Draft7Validator(schema, format_checker=format_checker())
    records = run.records.get(stream, [])
    assert records
    for record in records:
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)
        ]
        errors += timezone_errors(record, schema)
        assert not errors, (stream, errors[:5])


def test_schemas_type_values_beyond_strings_and_keep_ids_as_strings():
    for stream, schema in STREAM_SCHEMAS.items():
        properties = schema["properties"]
        assert schema["additionalProperties"] is True, stream
        typed = [f for f, s in properties.items() if s.get("type") != ["null", "string"] or "format" in s]
        assert typed, stream
        for field_name, field_schema in properties.items():
            if field_name.endswith("id") and field_name != "isdeleted":
                assert field_schema["type"] == ["null", "string"], (stream, field_name)
            if "utc" in field_name and field_schema.get("format") == "date-time":
                assert field_schema["airbyte_type"] == "timestamp_with_timezone", (stream, field_name)
