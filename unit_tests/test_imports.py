"""What may import what: the connector, the sandbox and the scripts never import the tests (what they
share with the tests lives in `aroflo_testing/`); the connector, which ships alone in its wheel and image,
never imports the sandbox; the sandbox, a simulator of AroFlo's API, imports nothing of the connectors it
tests (running them against it is `aroflo_testing/harness.py`'s job); the sandbox's modules import each other
without a cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
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


# What the simulator must not depend on: the CDK and the code of either connector (and the test support that
# runs them). It answers as AroFlo documents, whatever the connectors do.
CONNECTOR_SIDE = ("airbyte_cdk", "source_aroflo", "destination_aroflo", "aroflo_client", "aroflo_testing")


def test_the_sandbox_imports_neither_the_cdk_nor_a_connector():
    assert importers(("aroflo_sandbox",), CONNECTOR_SIDE) == {}


def test_starting_the_sandbox_loads_neither_the_cdk_nor_a_connector():
    """Nor indirectly: a sandbox started in a fresh interpreter has none of them in `sys.modules`."""
    probe = (
        "import sys\n"
        "from aroflo_sandbox.server import Sandbox\n"
        "import aroflo_sandbox.__main__, aroflo_sandbox.replay\n"
        "with Sandbox(port=0, scale=0.01):\n"
        "    pass\n"
        "print(sorted({name.split('.')[0] for name in sys.modules}))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "aroflo_sandbox" in loaded  # the probe did import it
    assert [name for name in CONNECTOR_SIDE if f"'{name}'" in loaded] == []


def sandbox_imports() -> dict[str, set[str]]:
    """Each module of the sandbox package -> the sandbox modules it imports (`TYPE_CHECKING` ones too)."""
    root = REPO / "aroflo_sandbox"
    names = {
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__"): path
        for path in root.rglob("*.py")
    }
    graph = {}
    for name, path in names.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            edges.update(t for t in targets if t in names and t != name)
        graph[name] = edges
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of `graph` (module -> modules it imports), or [] if there is none."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        for target in sorted(graph[name]):
            if found := visit(target, [*path, name]):
                return found
        done.add(name)
        return []

    return next((found for name in sorted(graph) if (found := visit(name, []))), [])


def test_the_cycle_finder_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_sandbox_has_no_import_cycle():
    graph = sandbox_imports()
    assert "aroflo_sandbox.generator.plan" in graph["aroflo_sandbox.dataset"]  # the graph is read
    assert cycle(graph) == []
