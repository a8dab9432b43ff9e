"""What may import what: the connector, the sandbox and the scripts never import the tests (what they
share with the tests lives in `aroflo_sandbox/harness.py`), and the connector, which ships alone in its
wheel and image, never imports the sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = ("integration_tests", "unit_tests")


def imported_modules(path: Path) -> set[str]:
    """The absolute module names a file imports: `from a.b import c` -> {"a.b"}, `import a.b` -> {"a.b"}."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def importers(folders: tuple[str, ...], packages: tuple[str, ...]) -> dict[str, list[str]]:
    """Files under `folders` that import any of `packages` (or their submodules), with what they import."""
    found = {}
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*.py")):
            hits = sorted(m for m in imported_modules(path) if m.split(".")[0] in packages)
            if hits:
                found[str(path.relative_to(REPO))] = hits
    return found


def test_the_import_parser_sees_both_import_forms(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import integration_tests.conftest\nfrom unit_tests import x\nfrom . import y\n")
    assert imported_modules(sample) == {"integration_tests.conftest", "unit_tests"}


def test_code_and_scripts_never_import_the_tests():
    assert importers(("source_aroflo", "aroflo_sandbox", "scripts"), TESTS) == {}


def test_the_connector_never_imports_the_sandbox():
    assert importers(("source_aroflo",), ("aroflo_sandbox",)) == {}
