"""metadata.yaml: valid for the connector registry, and in step with the package, image, spec and docs."""

from __future__ import annotations

import importlib.resources
import json
import logging
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from destination_aroflo import DestinationAroflo

FOLDER = Path(__file__).resolve().parents[1]
ROOT = FOLDER.parent

metadata_models = pytest.importorskip(
    "airbyte_connector_models.metadata.v0.connector_metadata_definition_v0",
    reason="airbyte-connector-models (dev dependency) supports Python < 3.13",
)


@pytest.fixture(scope="module")
def metadata() -> dict[str, Any]:
    return yaml.safe_load((FOLDER / "metadata.yaml").read_text())


def test_metadata_validates_against_the_registry_schema_and_model(metadata):
    files = importlib.resources.files("airbyte_connector_models.metadata.v0")
    schema = json.loads(files.joinpath("ConnectorMetadataDefinitionV0.json").read_text())
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(metadata))
    assert not errors, [e.message for e in errors]
    model = metadata_models.ConnectorMetadataDefinitionV0.model_validate(metadata)
    assert model.data.connector_type.value == "destination"


def test_a_destination_of_its_own_beside_the_source(metadata):
    data = metadata["data"]
    source = yaml.safe_load((ROOT / "metadata.yaml").read_text())["data"]
    assert data["definitionId"] != source["definitionId"]
    assert (data["dockerRepository"], data["githubIssueLabel"]) == (
        "airbyte/destination-aroflo",
        "destination-aroflo",
    )
    assert data["connectorBuildOptions"]["baseImage"] == source["connectorBuildOptions"]["baseImage"]
    assert {"language:python", "cdk:python"} <= set(data["tags"])
    assert data["allowedHosts"]["hosts"] == ["api.aroflo.com"]


def test_image_labels_base_package_spec_and_changelog_agree(metadata):
    data = metadata["data"]
    dockerfile = (FOLDER / "Dockerfile").read_text()
    labels = dict(re.findall(r"^LABEL (io\.airbyte\.\w+)=(\S+)$", dockerfile, re.MULTILINE))
    assert labels == {
        "io.airbyte.name": data["dockerRepository"],
        "io.airbyte.version": data["dockerImageTag"],
    }
    assert (
        re.search(r"^ARG BASE_IMAGE=(\S+)$", dockerfile, re.MULTILINE).group(1)
        == (data["connectorBuildOptions"]["baseImage"])
    )
    assert (
        tomllib.loads((FOLDER / "pyproject.toml").read_text())["project"]["version"] == data["dockerImageTag"]
    )
    spec = DestinationAroflo().spec(logging.getLogger("test"))
    assert spec.documentationUrl == data["documentationUrl"]
    docs = (ROOT / "docs" / "destination.md").read_text()
    newest = re.search(
        r"^\|\s*(\d+\.\d+\.\d+)\s*\|\s*\d{4}-\d{2}-\d{2}\s*\|", docs[docs.index("## Changelog") :], re.M
    )
    assert newest and newest.group(1) == data["dockerImageTag"]


def test_the_docs_describe_every_config_field():
    docs = (ROOT / "docs" / "destination.md").read_text()
    section = docs[docs.index("## Configuration") :].split("\n## ")[0]
    documented = set(re.findall(r"^\|[^|]*\|\s*`(\w+)`", section, re.MULTILINE))  # the Key column
    declared = set(DestinationAroflo().spec(logging.getLogger("test")).connectionSpecification["properties"])
    assert documented == declared
