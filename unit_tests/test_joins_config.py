"""The Joined Detail option of the spec is generated from the streams' join parameters
(scripts/join_options.py) and is current, and every join is one AroFlo documents for the zone (its JOIN
table; the sandbox's zone table carries them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

from aroflo_sandbox.zones import ZONES

ROOT = Path(__file__).parent.parent
MANIFEST_TEXT = (ROOT / "source_aroflo" / "manifest.yaml").read_text()
MANIFEST = yaml.safe_load(MANIFEST_TEXT)
OPTIONS: dict[str, Any] = MANIFEST["spec"]["connection_specification"]["properties"]["joins"]["properties"]
BY_STREAM = {z.stream: z for z in ZONES.values()}


def stream_parameters() -> dict[str, dict[str, Any]]:
    return {s["$parameters"]["name"]: s["$parameters"] for s in MANIFEST["streams"]}


def test_every_zone_with_joins_offers_them_in_the_config():
    # Aliases AroFlo accepts for the same join are offered once (tasknotes = notes, projects = project).
    aliases = {("tasks", "tasknotes"), ("quotes", "projects")}
    for zone in ZONES.values():
        offered = set(OPTIONS.get(zone.stream, {}).get("items", {}).get("enum", []))
        assert offered == {j for j in zone.joins if (zone.stream, j) not in aliases}, zone.stream


def test_the_join_options_are_generated_from_the_streams():
    spec = importlib.util.spec_from_file_location("join_options", ROOT / "scripts" / "join_options.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.rewrite(MANIFEST_TEXT) == MANIFEST_TEXT, "run scripts/join_options.py"


@pytest.mark.parametrize("stream", sorted(OPTIONS))
def test_each_join_fills_the_fields_aroflo_documents_for_it(stream):
    parameters = stream_parameters()[stream]
    assert set(parameters["default_joins"]) <= set(parameters["join_fields"])
    zone = BY_STREAM[stream]
    for join, fields in parameters["join_fields"].items():
        assert set(fields) == {zone.joins[join], *zone.join_extras.get(join, ())}, (stream, join)


def test_streams_without_joins_have_no_join_parameters():
    for name, parameters in stream_parameters().items():
        if name not in OPTIONS:
            assert "join_fields" not in parameters and "default_joins" not in parameters, name
