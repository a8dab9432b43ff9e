"""The stream tables of the README and the user guide are what the manifest's stream parameters say."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location(
        "document_streams", ROOT / "scripts" / "document_streams.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stream_tables_are_current():
    generator = _generator()
    table = generator.table()
    for path in (ROOT / "README.md", ROOT / "docs" / "aroflo.md"):
        assert generator.rewrite(path, table) == path.read_text(), (
            f"{path.name}: run scripts/document_streams.py"
        )
    assert table.count("\n| `") == 54  # 42 zones, and the documents of 12 of them
