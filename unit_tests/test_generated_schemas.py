"""The manifest's schemas and docs/fields.md are what scripts/generate_schemas.py makes of AroFlo's
documentation (and the sandbox's records): nobody edited one without the other. Every documented field is
declared, with a shape: no `items: {}`, no object without fields."""

from __future__ import annotations

import importlib.util
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
    spec.loader.exec_module(module)
    return module


@cache
def generated() -> dict[str, Any]:
    schemas: dict[str, Any] = generator().stream_schemas()
    return schemas


def test_manifest_schemas_are_generated_from_the_documentation():
    assert generated() == MANIFEST["schemas"]


def test_fields_doc_lists_every_stream_field_and_type():
    doc = (ROOT / "docs" / "fields.md").read_text()
    assert doc == generator().fields_doc(MANIFEST["schemas"])


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
