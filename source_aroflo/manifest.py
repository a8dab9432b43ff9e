"""The connector's manifest (`manifest.yaml`, package data), as each command needs it.

* `load()`: the YAML as written, parsed with libyaml as the CDK parses it (`airbyte_cdk.utils.yaml_loader`),
  without importing the CDK (`spec` needs only this: `spec.py`).
* `for_source()`: what `SourceAroflo` hands the CDK's `ConcurrentDeclarativeSource` as its `source_config`:
  the references resolved by the CDK's own `ManifestReferenceResolver`, then `definitions` and `schemas` left
  out. Nothing refers to them once resolved, yet the CDK would otherwise copy, walk and validate both on every
  start (the generated schemas are 85 % of the file): about 0.1 CPU s per start, and less memory.
  The CDK then resolves what it is given once more, finding nothing left to resolve; its validation, type
  propagation and models are the same as for the file itself (unit_tests/test_startup.py compares the two).

>>> sorted(load())[:3]
['check', 'concurrency_level', 'definitions']
>>> sorted(for_source())
['check', 'concurrency_level', 'spec', 'streams', 'type', 'version']
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

# Sections only other parts of the manifest refer to: gone once the references are resolved.
REFERENCED_ONLY = ("definitions", "schemas")


def load() -> dict[str, Any]:
    """manifest.yaml as written (a fresh copy each call: the CDK changes what it is given in place)."""
    text = resources.files("source_aroflo").joinpath("manifest.yaml").read_bytes()
    # libyaml when PyYAML has it, as the CDK's `safe_load_yaml`; the manifest is valid for both loaders.
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def for_source() -> dict[str, Any]:
    """The manifest resolved, without the sections that only hold what the references pointed to."""
    from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

    resolved = ManifestReferenceResolver().preprocess_manifest(load())
    for section in REFERENCED_ONLY:
        resolved.pop(section, None)
    return resolved
