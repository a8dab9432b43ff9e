"""AroFlo's own example responses (every zone's, from its API documentation) through `source-aroflo read`.

The replay server (`aroflo_sandbox/replay.py`) answers each zone with its documented example records, as
published, in documentation order; one full-refresh read of every stream, every join switched on (so no
joined field is dropped as a placeholder), in this process and unpaced (the records are the point, and the
replay server has no limits). A documents stream's examples are the documents AroFlo's
examples show joined onto its parent zone's records, each with its parent's identity. Per stream: every
example record comes out meaning what AroFlo sent, valid against the stream's schema, with no AroFlo
spelling left in a typed field, and no field the documentation shows left undeclared.

The same record often appears in several examples (with different joins filled): it comes out once per
example, and each copy is compared with its own example, in documentation order. A destination that
dedupes by primary key keeps the last copy (the last example in documentation order).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from aroflo_sandbox.documented import example_records
from aroflo_sandbox.replay import ReplayServer
from aroflo_testing.harness import MANIFEST, STREAM_SCHEMAS, Run, catalog, run_in_process, write_json
from integration_tests.conftest import differences, format_checker, timezone_errors, without_change_fields
from source_aroflo.components.attachments import AttachedTo

PARAMETERS = {s["$parameters"]["name"]: s["$parameters"] for s in MANIFEST["streams"]}
STREAMS = sorted(PARAMETERS)
ALL_JOINS = {name: sorted(p["join_fields"]) for name, p in PARAMETERS.items() if p.get("join_fields")}
UNDECLARED = re.compile(r"^(\w+): AroFlo sent the field (\S+), which the connector's schema does not declare")
UNREADABLE = re.compile(r"^AroFlo sent a value for (\S+) that is not a")
BOOLEAN_SPELLINGS = {"true", "false", "1", "0", "yes", "no", "y", "n"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?")
# Blanks, YYYY/MM/DD[ time], YYYY-MM-DD HH:mm:ss[.f], "Nov 14, 2018 2:56:20 PM", boolean words, decimals.
AROFLO_SPELLING = re.compile(
    r"\s*|\d{4}/\d{1,2}/\d{1,2}( .*)?|\d{4}-\d{2}-\d{2} \d.*|[A-Z][a-z]{2} \d{1,2}, \d{4} .*"
    r"|(?i:true|false)|-?\d+\.\d+"
)


def fixtures(stream: str) -> list[dict[str, Any]]:
    examples = example_records(PARAMETERS[stream]["zone"])
    attached_to = AttachedTo.from_parameters(PARAMETERS[stream])
    return examples if attached_to is None else [d for p in examples for d in attached_to.documents(p)]


def key(stream: str, record: dict[str, Any]) -> tuple:
    return tuple(record.get(field) for field in PARAMETERS[stream]["primary_key"])


def copies(stream: str, records: list[dict[str, Any]]) -> dict[tuple, list[dict[str, Any]]]:
    """Records by primary key, every copy kept in order."""
    found: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        found[key(stream, record)].append(record)
    return found


@pytest.fixture(scope="module")
def replayed(tmp_path_factory) -> Iterator[Run]:
    folder: Path = tmp_path_factory.mktemp("documented")
    with ReplayServer() as replay:
        config = write_json(folder / "config.json", replay.connector_config(joins=ALL_JOINS))
        chosen = write_json(folder / "c.json", catalog(STREAMS))
        yield run_in_process(["read", "--config", config, "--catalog", chosen], unlimited_call_rate=True)


def logged(run: Run, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    messages = (m["log"]["message"] for m in run.of_type("LOG"))
    return [match for message in messages if (match := pattern.match(message))]


def raw_spellings(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Values still spelled as AroFlo spells them where the schema declares a type (blanks, AroFlo's date
    formats, boolean words, numbers as text), or anywhere the schema leaves untyped (an undeclared field,
    undocumented items) when they look like one of AroFlo's typed spellings."""
    types = set(schema.get("type", [])) - {"null"}
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return [e for k, v in value.items() for e in raw_spellings(v, properties.get(k, {}), f"{path}.{k}")]
    if isinstance(value, list):
        return [e for item in value for e in raw_spellings(item, schema.get("items", {}), f"{path}[]")]
    if not types:
        wrong = isinstance(value, str) and bool(AROFLO_SPELLING.fullmatch(value))
    elif value is None or not (types - {"string"} or schema.get("format")) or types & {"object", "array"}:
        wrong = False  # text (or a structure, checked above)
    elif isinstance(value, str) and not value.strip():
        wrong = True  # a blank where a type is declared is null
    elif schema.get("format") == "date":
        wrong = not ISO_DATE.fullmatch(str(value))
    elif schema.get("format") == "date-time":
        wrong = not ISO_DATE_TIME.fullmatch(str(value))
    elif "boolean" in types:
        words = "string" in types and str(value).strip().lower() not in BOOLEAN_SPELLINGS
        wrong = not isinstance(value, bool) and not words
    else:  # integer, number
        wrong = isinstance(value, bool) or not isinstance(value, (int, float))
    return [f"{path}={value!r}"] if wrong else []


def test_the_read_succeeds_and_replays_every_documented_record(replayed):
    assert replayed.returncode == 0, replayed.stderr[-3000:]
    assert replayed.errors == []
    assert sum(len(fixtures(stream)) for stream in STREAMS) == 2579 + 11  # 11 attached documents
    assert {s: len(replayed.records.get(s, [])) for s in STREAMS} == {s: len(fixtures(s)) for s in STREAMS}


@pytest.mark.parametrize("stream", STREAMS)
def test_every_example_record_comes_out_complete(replayed, stream):
    """Each example record, by primary key, with every field meaning what AroFlo sent (nested ones too)."""
    expected = copies(stream, fixtures(stream))
    got = copies(stream, replayed.records.get(stream, []))
    assert set(got) == set(expected)
    differing = {}
    for record_key, sent_copies in expected.items():
        assert len(got[record_key]) == len(sent_copies), record_key
        for sent, received in zip(sent_copies, got[record_key], strict=True):
            # The CDK leaves top-level nulls out of a record: a destination loads them as null.
            if found := differences({**dict.fromkeys(sent), **without_change_fields(received)}, sent):
                differing[record_key] = found
    assert not differing, dict(list(differing.items())[:3])


@pytest.mark.parametrize("stream", STREAMS)
def test_every_example_record_is_valid_against_the_stream_schema(replayed, stream):
    schema = STREAM_SCHEMAS[stream]
    validator = Draft7Validator(schema, format_checker=format_checker())
    invalid = {}
    for record in replayed.records.get(stream, []):
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)
        ]
        if errors := errors + timezone_errors(record, schema):
            invalid[key(stream, record)] = errors
    assert not invalid, dict(list(invalid.items())[:3])


@pytest.mark.parametrize("stream", STREAMS)
def test_no_aroflo_spelling_is_left(replayed, stream):
    schema = STREAM_SCHEMAS[stream]
    raw = [e for record in replayed.records.get(stream, []) for e in raw_spellings(record, schema)]
    assert not raw, raw[:10]


@pytest.mark.parametrize("stream", STREAMS)
def test_every_documented_field_is_declared(replayed, stream):
    """The connector logs each field its schema does not declare, once per sync; for AroFlo's own examples
    there is none. Nor a value it could not read as its declared type."""
    undeclared = sorted(m[2] for m in logged(replayed, UNDECLARED) if m[1] == stream)
    assert undeclared == []


def test_no_value_was_unreadable(replayed):
    assert [m[1] for m in logged(replayed, UNREADABLE)] == []


def test_the_raw_spellings_of_the_issue_come_out_typed(replayed):
    """Spellings issue 8 found left raw: YYYY/MM/DD dates, "Mon D, YYYY h:mm:ss AM" times, "true" flags."""
    users = [r for r in replayed.records["users"] if r.get("featureaccess") or r.get("documentsandphotos")]
    features = [f["featurevalue"] for r in users for f in r.get("featureaccess") or []]
    assert {True, False, "Limited"} <= set(features)
    documents = [d for r in users for d in r.get("documentsandphotos") or []]
    assert documents and all(ISO_DATE_TIME.fullmatch(d["uploadeddatetime"]) for d in documents)
    notes = [n for r in replayed.records["tasks"] for n in r.get("tasknotes") or []]
    assert notes and all(ISO_DATE.fullmatch(n["dateposted"]) for n in notes)
    assert all(ISO_DATE_TIME.fullmatch(n["timeposted"]) for n in notes if n["timeposted"])
    priorities = [p for r in replayed.records["clients"] for p in r.get("priorities") or []]
    assert priorities and all(isinstance(p["archived"], bool) for p in priorities)


def test_custom_fields_keep_their_value_and_carry_it_typed(replayed):
    """AroFlo's numeric custom field (Suppliers) as a number beside its text; a blank Datefield and the words
    of radio and Select fields typed as nothing."""
    fields = [
        field
        for stream in STREAMS
        for record in replayed.records.get(stream, [])
        for field in record.get("customfields") or []
    ]
    numeric = [f for f in fields if f["type"] == "numeric"]
    assert numeric and all(f["value"] == "10" and f["value_number"] == 10 for f in numeric)
    others = [f for f in fields if f["type"] != "numeric"]
    assert others and all(f["value_boolean"] is f["value_number"] is f["value_date"] is None for f in others)
