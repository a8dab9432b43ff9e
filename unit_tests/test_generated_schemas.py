"""The manifest's schemas and docs/fields.md are what scripts/generate_schemas.py makes of the sandbox's
record shapes today: nobody edited one without the other."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parent.parent


def stream_schemas() -> dict:
    return yaml.safe_load((ROOT / "source_aroflo" / "manifest.yaml").read_text())["schemas"]


def generator() -> ModuleType:
    path = ROOT / "scripts" / "generate_schemas.py"
    spec = importlib.util.spec_from_file_location("generate_schemas", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_manifest_schemas_are_generated_from_the_sandbox_shapes():
    assert generator().stream_schemas() == stream_schemas()


def test_fields_doc_lists_every_stream_field_and_type():
    doc = (ROOT / "docs" / "fields.md").read_text()
    assert doc == generator().fields_doc(dict(stream_schemas()))
