"""What `source-aroflo` does before its first request (issue 21's start-up cuts), asserted on the work done,
never on time: `spec` prints the committed spec, the same line the CDK prints, without importing the CDK;
the manifest the CDK is handed builds the same source as the file as written; the garbage collector is off
while the CDK is imported and on afterwards, that import's objects frozen; each class's source is read once
during that import."""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from source_aroflo import manifest, spec

REPO = Path(__file__).resolve().parents[1]
SPEC_FIXTURE = REPO / "unit_tests" / "resources" / "spec.json"
CONFIG = json.loads((REPO / "integration_tests" / "sandbox_config.json").read_text())


def python(code: str, *args: str) -> str:
    """Run `code` in a new interpreter (a start-up of its own) from the repository; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


RUN = "import sys; from source_aroflo.run import run; sys.argv = ['source-aroflo', *sys.argv[1:]]; run()"


def test_spec_prints_the_committed_spec():
    """unit_tests/resources/spec.json is `source-aroflo spec` (regenerate it when the manifest's spec changes:
    `.venv/bin/source-aroflo spec > unit_tests/resources/spec.json`)."""
    assert python(RUN, "spec") == SPEC_FIXTURE.read_text()


def test_spec_is_the_line_the_cdk_prints():
    from airbyte_cdk.entrypoint import AirbyteEntrypoint

    from source_aroflo.source import SourceAroflo

    entrypoint = AirbyteEntrypoint(SourceAroflo())
    lines = list(entrypoint.run(entrypoint.parse_args(["spec"])))
    cdk_spec = [line for line in lines if json.loads(line)["type"] == "SPEC"]
    assert cdk_spec == [spec.message().decode()]


def test_spec_loads_no_heavy_module(tmp_path):
    modules = tmp_path / "modules.json"
    code = (
        "import sys, json; from source_aroflo.run import run; sys.argv = ['source-aroflo', 'spec']; run(); "
        f"json.dump(sorted(sys.modules), open({str(modules)!r}, 'w'))"
    )
    python(code)
    heavy = [
        module
        for module in json.loads(modules.read_text())
        if module.split(".")[0] in {"airbyte_cdk", "requests", "pydantic", "jsonschema", "aroflo_client"}
        or module.startswith(("source_aroflo.source", "source_aroflo.components"))
    ]
    assert heavy == []


def test_a_spec_with_fields_this_module_does_not_render_is_left_to_the_cdk():
    written = manifest.load()["spec"]
    assert spec.message(written) is not None
    assert spec.message({**written, "advanced_auth": {"auth_flow_type": "oauth2.0"}}) is None
    assert spec.message({**written, "type": "SomethingElse"}) is None


def test_the_source_config_builds_what_the_file_as_written_builds():
    """The CDK resolves, propagates and validates both alike; only the sections nothing refers to any more
    are missing from what SourceAroflo hands it."""
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

    from source_aroflo.source import SourceAroflo

    ours = SourceAroflo(config=CONFIG).resolved_manifest
    as_written = ConcurrentDeclarativeSource(config=CONFIG, source_config=manifest.load()).resolved_manifest
    assert set(as_written) - set(ours) == set(manifest.REFERENCED_ONLY)
    assert {key: as_written[key] for key in ours} == ours


def test_the_manifest_without_its_references_refers_to_nothing():
    text = json.dumps(manifest.for_source())
    assert "$ref" not in text and '"#/' not in text


def test_source_aroflo_is_imported_when_asked_for():
    assert python(
        "import sys, source_aroflo; print('airbyte_cdk' in sys.modules); "
        "source_aroflo.SourceAroflo; print('airbyte_cdk' in sys.modules)"
    ).split() == ["False", "True"]


def observed_start(tmp_path: Path, setup: str, observed: str) -> dict:
    """`source-aroflo check` in a new interpreter: `setup` runs before run.py does; when the source is about
    to be built, the dict expression `observed` is written and the process ends. That dict, read back."""
    seen = tmp_path / "seen.json"
    code = f"""
import json, sys
import source_aroflo.run as run
{setup}
def _source(args):
    json.dump({observed}, open({str(seen)!r}, "w"))
    raise SystemExit(0)
run._source = _source
sys.argv = ["source-aroflo", "check", "--config", "unused.json"]
run.run()
"""
    python(code)
    return json.loads(seen.read_text())


def test_the_collector_is_off_while_the_cdk_is_imported_and_on_afterwards(tmp_path):
    """`source-aroflo read` with the CDK's import and the source's construction observed: the collector is
    off for the import, on (with the import's objects frozen) when the source is built."""
    setup = """
import gc
seen = {}
class Finder:  # notes the collector's state when the CDK's package is first imported
    def find_spec(self, name, path=None, target=None):
        if name == "airbyte_cdk":
            seen["at_cdk_import"] = gc.isenabled()
        return None
sys.meta_path.insert(0, Finder())
"""
    observed = '{**seen, "at_source": gc.isenabled(), "frozen_at_source": gc.get_freeze_count()}'
    found = observed_start(tmp_path, setup, observed)
    assert found["at_cdk_import"] is False
    assert found["at_source"] is True
    assert found["frozen_at_source"] > 50_000  # the CDK's modules, classes and models


def test_the_cdk_import_reads_each_class_source_once_and_leaves_inspect_as_it_was(tmp_path):
    """`source-aroflo check`'s import of the CDK with inspect.getsource counted: enum.Enum's source (sixteen
    parses of enum.py before) is read once; after the import inspect.getsource is the original again."""
    setup = """
import collections, inspect
original = inspect.getsource
reads = collections.Counter()
def counted(obj):
    source = original(obj)  # a class without source (object) raises: not counted
    reads[getattr(obj, "__qualname__", "?")] += 1
    return source
inspect.getsource = counted
"""
    found = observed_start(tmp_path, setup, '{"reads": reads, "restored": inspect.getsource is counted}')
    assert found["restored"] is True
    assert found["reads"]["Enum"] == 1
    assert found["reads"] and max(found["reads"].values()) == 1


@pytest.mark.parametrize("name", ["source_aroflo.manifest", "source_aroflo.spec", "source_aroflo"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_startup_docstring_example_in_a_process_of_its_own():
    """Its example freezes the objects of the process it runs in: not this test process."""
    python(
        "import doctest, sys, source_aroflo.startup as m; r = doctest.testmod(m); "
        "sys.exit(1 if r.failed or not r.attempted else 0)"
    )
