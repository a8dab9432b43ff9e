"""The manifest's schemas and docs/fields.md are what scripts/generate_schemas.py makes of AroFlo's
documentation (and the sandbox's records): nobody edited one without the other. Every documented field is
declared, with a shape: no `items: {}`, no object without fields."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

from aroflo_sandbox.documented import example_records
from source_aroflo.components.attachments import AttachedTo

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = yaml.safe_load((ROOT / "source_aroflo" / "manifest.yaml").read_text())
# As the CDK loads them: every `$ref` to a shared definition resolved.
RESOLVED = ManifestReferenceResolver().preprocess_manifest(MANIFEST)["schemas"]
STREAMS = {s["$parameters"]["name"]: s["$parameters"] for s in MANIFEST["streams"]}


@cache
def generator() -> ModuleType:
    path = ROOT / "scripts" / "generate_schemas.py"
    spec = importlib.util.spec_from_file_location("generate_schemas", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@cache
def generated() -> Any:
    return generator().generated()


def test_manifest_schemas_are_generated_from_the_documentation():
    assert generated().schemas == MANIFEST["schemas"]


def test_fields_doc_lists_every_stream_field_and_type():
    doc = (ROOT / "docs" / "fields.md").read_text()
    assert doc == generator().fields_doc(generated())


def test_every_stream_has_a_schema_and_every_shared_definition_is_used():
    assert set(MANIFEST["schemas"]) - {"shared"} == set(STREAMS)
    unused = [name for name, places in generator().usage(MANIFEST["schemas"]).items() if not places]
    assert unused == []


def places(schema: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, schema) of every field and array item under `schema`."""
    for name, child in schema.get("properties", {}).items():
        yield f"{path}.{name}", child
        yield from places(child, f"{path}.{name}")
    if "items" in schema:
        yield f"{path}[]", schema["items"]
        yield from places(schema["items"], f"{path}[]")


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_no_untyped_array_or_object(stream):
    """Every array declares its items and every object its fields; the only exception is an array AroFlo
    documents only as `[]`, whose items say so (UNDOCUMENTED_ITEMS)."""
    undocumented = {
        f"{owner}.{field}[]" for owner, field in (k.split(".") for k in generator().UNDOCUMENTED_ITEMS)
    }
    untyped = []
    for path, schema in places(RESOLVED[stream], stream):
        if path in undocumented:
            assert set(schema) == {"description"} and schema["description"].startswith("Not documented"), path
        elif "type" not in schema or ("object" in schema["type"] and not schema.get("properties")):
            untyped.append(path)
    assert untyped == []


def undeclared(record: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Paths of fields in `record` its schema does not declare (nested ones and array items too)."""
    if isinstance(record, list):
        return [p for item in record for p in undeclared(item, schema.get("items", {}), f"{path}[]")]
    if not isinstance(record, dict):
        return []
    properties = schema.get("properties", {})
    missing = [f"{path}.{key}" for key in record if key not in properties]
    return missing + [
        p for k, v in record.items() if k in properties for p in undeclared(v, properties[k], f"{path}.{k}")
    ]


def documented_records(stream: str) -> list[dict[str, Any]]:
    """The stream's records in AroFlo's examples: the zone's, or a documents stream's documents joined onto
    its parent zone's records (with the parent's identity, as the connector delivers them)."""
    examples = example_records(STREAMS[stream]["zone"])
    attached_to = AttachedTo.from_parameters(STREAMS[stream])
    return examples if attached_to is None else [d for p in examples for d in attached_to.documents(p)]


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_every_field_of_the_documented_examples_is_declared(stream):
    found = {p for record in documented_records(stream) for p in undeclared(record, RESOLVED[stream])}
    assert sorted(found) == []


def test_the_documented_attachments_are_documents_stream_records():
    """AroFlo's examples show documents joined onto tasks, quotes, purchase orders, work orders, clients,
    users and assets: each is a record of its documents stream, every field declared (the test above)."""
    shown = {s for s in STREAMS if "documents_of" in STREAMS[s] and documented_records(s)}
    assert shown == {
        f"{parent}_documents"
        for parent in ("task", "quote", "purchase_order", "work_order", "client", "user", "asset")
    }
    [task_photo] = documented_records("task_documents")  # Tasks' "Get Tasks with documentsandphotos"
    assert task_photo["jobnumber"] == task_photo["parent_reference"] == "1050"
    assert task_photo["name"] == "hippo birdie two ewe.jpg" and task_photo["parent_zone"] == "tasks"


@pytest.mark.parametrize("stream", sorted(s for s, p in STREAMS.items() if p.get("join_fields")))
def test_every_field_a_join_fills_is_declared_with_its_fields(stream):
    properties = RESOLVED[stream]["properties"]
    for join, fields in STREAMS[stream]["join_fields"].items():
        for field in fields:
            declared = properties[field]
            shape = declared["items"] if declared["type"] == ["null", "array"] else declared
            assert shape.get("properties"), (join, field)


def test_recurring_sub_records_are_one_definition():
    """A note is the same wherever it occurs: fixing `shared.note` fixes every stream's notes."""
    resolved = RESOLVED
    note = resolved["shared"]["note"]
    assert resolved["tasks"]["properties"]["tasknotes"]["items"] == note
    assert all(
        resolved[s]["properties"]["notes"]["items"] == note for s in ("assets", "clients", "quotes", "users")
    )
    assert (
        MANIFEST["schemas"]["quote_line_items"]["properties"]["$ref"]
        == "#/schemas/shared/quote_line/properties"
    )
    assert resolved["quotes"]["properties"]["lines"]["items"] == resolved["shared"]["quote_line"]


def test_fields_aroflo_sends_in_two_shapes_are_declared_as_both():
    task_types = RESOLVED["task_types"]["properties"]["businessunit"]
    assert task_types["type"] == ["null", "array", "object"]
    assert (
        task_types["items"]["properties"]
        == task_types["properties"]
        == RESOLVED["shared"]["org_ref"]["properties"]
    )
    location = RESOLVED["shared"]["project_summary"]["properties"]["location"]
    assert location["type"] == ["null", "object"] and location["properties"]  # an object in every example
    feature = RESOLVED["users"]["properties"]["featureaccess"]["items"]["properties"]["featurevalue"]
    assert feature["type"] == ["null", "boolean", "string"]


# ---- WHERE fields ------------------------------------------------------------------------------------------
def where(stream: str, name: str, table: str = "WHERE") -> Any:
    """The placement of WHERE row `name` of `stream` (its first row of that name)."""
    return next(p for p in generated().places if (p.stream, p.table, p.row["field"]) == (stream, table, name))


def declared_at(stream: str, path: str) -> dict[str, Any]:
    schema = RESOLVED[stream]
    for part in path.split("."):
        schema = schema["properties"][part.removesuffix("[]")]
        schema = schema["items"] if part.endswith("[]") else schema
    return schema


def test_every_where_row_of_every_stream_is_placed_in_a_declared_field_or_said_to_be_none():
    from aroflo_sandbox.documented import zone_docs

    places = generated().places
    for stream, parameters in STREAMS.items():
        if "documents_of" in parameters:  # a zone's WHERE rows are placed once, in its own stream
            assert not any(p.stream == stream for p in places), stream
            continue
        docs = zone_docs(parameters["zone"])
        rows = len(docs["where"]) + sum(
            len(rows)
            for join, rows in (docs.get("join_where") or {}).items()
            if join in parameters.get("join_fields", {})
        )
        assert sum(p.stream == stream for p in places) == rows, stream
    for place in places:
        assert place.decision in {"example", "spelling", "join", "nested", "WHERE only", "declared"}
        assert bool(place.place) == (place.decision != "WHERE only"), place
        if place.place:
            assert declared_at(place.stream, place.place).get("type"), place


@pytest.mark.parametrize(
    ("stream", "name", "decision", "path", "schema"),
    [
        # The fields: declared at the top level of the record with their WHERE type.
        ("task_labours", "labeodapproved", "declared", "labeodapproved", {"type": ["null", "boolean"]}),
        ("task_expenses", "linkprocessed", "declared", "linkprocessed", {"type": ["null", "boolean"]}),
        (
            "task_expenses",
            "linkprocesseddate",
            "declared",
            "linkprocesseddate",
            {"type": ["null", "string"], "format": "date"},
        ),
        (
            "bills",
            "linkprocesseddate",
            "declared",
            "linkprocesseddate",
            {"type": ["null", "string"], "format": "date"},
        ),
        ("inventory_stock_levels", "isbuarchived", "declared", "isbuarchived", {"type": ["null", "boolean"]}),
        (
            "inventory",
            "isuserarchived",
            "join",
            "stocklevels[].isuserarchived",
            {"type": ["null", "boolean"]},
        ),
        ("invoices", "cusinvoiced", "declared", "cusinvoiced", {"type": ["null", "boolean"]}),
        # Already fields of the examples, some spelled otherwise.
        ("task_labours", "lablocked", "example", "lablocked", {"type": ["null", "boolean"]}),
        (
            "purchase_orders",
            "deliveryby",
            "spelling",
            "deliverybydate",
            {"type": ["null", "string"], "format": "date"},
        ),
        ("tasks", "daterequested", "spelling", "requestdate", {"type": ["null", "string"], "format": "date"}),
        ("locations", "archive", "spelling", "archived", {"type": ["null", "boolean"]}),
        ("task_materials", "materiallineid", "spelling", "lineid", {"type": ["null", "string"]}),
        # The examples win: a date-time in a DATE field, an identifying number documented as INTEGER.
        (
            "clients",
            "datecreated",
            "example",
            "datecreated",
            {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_without_timezone"},
        ),
        ("tasks", "jobnumber", "example", "jobnumber", {"type": ["null", "string"]}),
        # Fields of a sub-record.
        ("tasks", "clientname", "nested", "client.clientname", {"type": ["null", "string"]}),
        (
            "invoices",
            "taskdaterequested",
            "nested",
            "task.requestdate",
            {"type": ["null", "string"], "format": "date"},
        ),
    ],
)
def test_where_fields_are_typed_where_they_are_fields_of_the_record(stream, name, decision, path, schema):
    place = where(stream, name)
    assert (place.decision, place.place) == (decision, path)
    assert {k: v for k, v in declared_at(stream, path).items() if k != "description"} == schema


def test_where_only_fields_are_not_declared():
    """Clients have no top-level `archived`: AroFlo's own example filters on it and its records lack it."""
    for stream, name in [("clients", "archived"), ("suppliers", "archived"), ("task_types", "clientid")]:
        assert where(stream, name).decision == "WHERE only"
        assert name not in RESOLVED[stream]["properties"]


def test_a_declared_field_takes_the_spelling_of_aroflos_records():
    """Clients' WHERE table misspells the update fields as Assets' does; Assets' records show the spelling."""
    assert where("assets", "lastupdatedatetimeutc").place == "lastupdateddatetimeutc"
    assert where("clients", "lastupdatedatetimeutc").place == "lastupdateddatetimeutc"
    assert "lastupdatedatetimeutc" not in RESOLVED["clients"]["properties"]


def test_custom_fields_declare_their_typed_values_beside_the_value_as_sent():
    properties = RESOLVED["shared"]["custom_field"]["properties"]
    assert properties["value"]["type"] == ["null", "string"]
    assert properties["value_boolean"]["type"] == ["null", "boolean"]
    assert properties["value_number"]["type"] == ["null", "number"]
    assert properties["value_date"]["format"] == "date"


@pytest.mark.parametrize(
    ("stream", "sent", "typed"),
    [
        (
            "task_labours",
            {"labeodapproved": "true", "isinventory": "FALSE"},
            {"labeodapproved": True, "isinventory": False},
        ),
        (
            "task_expenses",
            {"linkprocessed": "1", "linkprocesseddate": "2024/03/01"},
            {"linkprocessed": True, "linkprocesseddate": "2024-03-01"},
        ),
        (
            "inventory_stock_levels",
            {"isuserarchived": "false", "isbuarchived": " "},
            {"isuserarchived": False, "isbuarchived": None},
        ),
        ("purchase_orders", {"adhocsupplier": "TRUE"}, {"adhocsupplier": True}),
        ("invoices", {"cusinvoiced": "false"}, {"cusinvoiced": False}),
        (
            "clients",
            {"lastupdateddatetimeutc": "2024/03/01 10:00:00"},
            {"lastupdateddatetimeutc": "2024-03-01T10:00:00Z"},
        ),
        ("tasks", {"deleteddatetime": "2024/03/01 10:00:00"}, {"deleteddatetime": "2024-03-01T10:00:00"}),
        ("bills", {"linkprocesseddate": "2024/03/01"}, {"linkprocesseddate": "2024-03-01"}),
    ],
)
def test_fields_declared_from_where_tables_arrive_typed_when_aroflo_sends_them(stream, sent, typed):
    """No example (nor the sandbox) sends them: the stream's schema, as the connector loads it, types them."""
    from source_aroflo.components.normalize import AroFloTypes

    record = dict(sent)
    AroFloTypes(config={}, parameters={"name": stream}).transform(record, RESOLVED[stream])
    assert record == typed
