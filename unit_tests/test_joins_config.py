"""The Joined Detail option of the spec and the streams' join parameters say the same thing, and every join
is one AroFlo documents for the zone (its JOIN table; the sandbox's zone table carries them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aroflo_sandbox.zones import ZONES

MANIFEST = yaml.safe_load((Path(__file__).parent.parent / "source_aroflo" / "manifest.yaml").read_text())
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


@pytest.mark.parametrize("stream", sorted(OPTIONS))
def test_spec_and_stream_parameters_agree(stream):
    option, parameters = OPTIONS[stream], stream_parameters()[stream]
    assert option["items"]["enum"] == list(parameters["join_fields"])
    assert option["default"] == parameters["default_joins"]
    assert set(option["default"]) <= set(option["items"]["enum"])
    zone = BY_STREAM[stream]
    for join, fields in parameters["join_fields"].items():
        assert set(fields) == {zone.joins[join], *zone.join_extras.get(join, ())}, (stream, join)


def test_streams_without_joins_have_no_join_parameters():
    for name, parameters in stream_parameters().items():
        if name not in OPTIONS:
            assert "join_fields" not in parameters and "default_joins" not in parameters, name
