"""The destination's configuration form: the source's credential fields, word for word."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from destination_aroflo import DestinationAroflo

SOURCE_MANIFEST = Path(__file__).parents[2] / "source_aroflo" / "manifest.yaml"
SHARED = ("u_encoded", "p_encoded", "org_encoded", "secret_key", "host_ip")


def test_the_credential_fields_are_the_sources():
    source = yaml.safe_load(SOURCE_MANIFEST.read_text())["spec"]["connection_specification"]["properties"]
    ours = DestinationAroflo().spec(logging.getLogger("test")).connectionSpecification["properties"]
    assert {k: ours[k] for k in SHARED} == {k: source[k] for k in SHARED}
    assert {k: v for k, v in ours["base_url"].items() if k not in ("group", "order")} == {
        k: v for k, v in source["base_url"].items() if k not in ("group", "order")
    }


def test_every_credential_is_secret_and_the_modes_are_the_supported_ones():
    spec = DestinationAroflo().spec(logging.getLogger("test"))
    properties = spec.connectionSpecification["properties"]
    assert all(properties[k].get("airbyte_secret") for k in SHARED[:4])
    assert [mode.value for mode in spec.supported_destination_sync_modes] == [
        "append",
        "append_dedup",
        "update",
    ]
