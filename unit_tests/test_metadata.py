"""metadata.yaml: valid for Airbyte's connector registry, and in step with the package, image and docs.

The registry schema is Airbyte's own `ConnectorMetadataDefinitionV0` (JSON schema and pydantic model),
shipped in the `airbyte-connector-models` package (a dev dependency).
"""

from __future__ import annotations

import importlib.resources
import json
import logging
import re
import tomllib
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from airbyte_cdk.models.connector_metadata import ConnectorLanguage, MetadataFile

from source_aroflo import SourceAroflo

ROOT = Path(__file__).resolve().parents[1]
DEFINITION_ID = "3f6b2c1e-8a4d-4e7b-9c2f-5d1a7e0b4c93"  # fixed for the life of the connector

metadata_models = pytest.importorskip(
    "airbyte_connector_models.metadata.v0.connector_metadata_definition_v0",
    reason="airbyte-connector-models (dev dependency) supports Python < 3.13",
)


@pytest.fixture(scope="module")
def metadata() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "metadata.yaml").read_text())


@pytest.fixture(scope="module")
def data(metadata: dict[str, Any]) -> dict[str, Any]:
    return metadata["data"]


def registry_schema() -> dict[str, Any]:
    files = importlib.resources.files("airbyte_connector_models.metadata.v0")
    return json.loads(files.joinpath("ConnectorMetadataDefinitionV0.json").read_text())


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def spec() -> dict[str, Any]:
    manifest = yaml.safe_load((ROOT / "source_aroflo" / "manifest.yaml").read_text())
    return manifest["spec"]


# ---- the registry's schema rules ------------------------------------------------------------------------
def test_metadata_validates_against_the_registry_json_schema(metadata: dict[str, Any]) -> None:
    schema = registry_schema()
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(metadata), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_metadata_parses_with_the_registry_model_and_the_cdk(metadata: dict[str, Any]) -> None:
    model = metadata_models.ConnectorMetadataDefinitionV0.model_validate(metadata)
    assert model.data.connector_type.value == "source"
    assert str(model.data.definition_id) == DEFINITION_ID
    cdk_view = MetadataFile.from_file(ROOT / "metadata.yaml")
    # The tag picks the CDK's standard test suite (python -> SourceTestSuiteBase).
    assert cdk_view.data.language == ConnectorLanguage.PYTHON


def test_registry_fields_are_complete(data: dict[str, Any]) -> None:
    assert data["name"] == "AroFlo"
    assert data["definitionId"] == DEFINITION_ID and uuid.UUID(data["definitionId"]).version == 4
    assert (data["connectorType"], data["connectorSubtype"]) == ("source", "api")
    assert data["dockerRepository"] == "airbyte/source-aroflo"
    assert data["githubIssueLabel"] == "source-aroflo"
    assert data["license"] == "MIT"
    assert data["releaseStage"] == "alpha" and data["supportLevel"] == "community"
    assert {"language:python", "cdk:low-code"} <= set(data["tags"])
    assert data["allowedHosts"]["hosts"] == ["api.aroflo.com", "office.aroflo.com"]  # the API, the files
    assert data["supportsFileTransfer"] is True
    suites = {option["suite"] for option in data["connectorTestSuitesOptions"]}
    assert suites == {"unitTests", "integrationTests", "acceptanceTests"}


def test_max_seconds_between_messages_fits_the_longest_legitimate_wait(data: dict[str, Any]) -> None:
    """Longer than any silence the connector keeps on purpose, short enough to end a stuck sync."""
    slow_query, per_minute_window, per_minute_rejection = 60, 60, 61  # AroFlo's 888888 cut-off; 120/min
    page_size_halvings = 6  # PageSizeReduction.max_attempts in the manifest
    cdk_backoff = sum(2**attempt for attempt in range(8))  # 1 + 2 + ... + 128 s (max_retries: 8)
    longest = page_size_halvings * slow_query + per_minute_window + per_minute_rejection + cdk_backoff
    assert longest < data["maxSecondsBetweenMessages"] <= 3600


def test_base_image_is_pinned_by_digest_and_matches_the_dockerfile(data: dict[str, Any]) -> None:
    base = data["connectorBuildOptions"]["baseImage"]
    assert re.fullmatch(r"docker\.io/airbyte/python-connector-base:4\.0\.\d+@sha256:[0-9a-f]{64}", base), base
    default = re.search(r"^ARG BASE_IMAGE=(\S+)$", dockerfile(), re.MULTILINE)
    assert default and default.group(1) == base


# ---- version, labels, docs and changelog in step ----------------------------------------------------------
def test_image_tag_labels_and_package_version_agree(data: dict[str, Any]) -> None:
    labels = dict(re.findall(r"^LABEL (io\.airbyte\.\w+)=(\S+)$", dockerfile(), re.MULTILINE))
    assert data["dockerImageTag"] == project_version()
    assert labels == {
        "io.airbyte.name": data["dockerRepository"],
        "io.airbyte.version": data["dockerImageTag"],
    }


def test_latest_changelog_entry_is_the_current_version(data: dict[str, Any]) -> None:
    docs = (ROOT / "docs" / "aroflo.md").read_text()
    changelog = docs[docs.index("## Changelog") :]
    rows = re.findall(r"^\|\s*(\d+\.\d+\.\d+)\s*\|\s*(\d{4}-\d{2}-\d{2})\s*\|", changelog, re.MULTILINE)
    assert rows, "docs/aroflo.md has no changelog rows"
    assert rows[0][0] == data["dockerImageTag"], "the newest changelog row must be the released version"
    versions = [tuple(int(part) for part in version.split(".")) for version, _ in rows]
    assert versions == sorted(versions, reverse=True), "changelog rows must be newest first"


def test_documentation_url_is_the_specs(data: dict[str, Any]) -> None:
    assert spec()["documentation_url"] == data["documentationUrl"]
    assert urlsplit(data["documentationUrl"]).path.endswith("/sources/aroflo")


def test_allowed_hosts_cover_the_default_api_url(data: dict[str, Any]) -> None:
    default_url = spec()["connection_specification"]["properties"]["base_url"]["default"]
    assert urlsplit(default_url).hostname in data["allowedHosts"]["hosts"]


def test_allowed_hosts_cover_the_document_links_in_aroflos_examples(data: dict[str, Any]) -> None:
    """The files of documents_and_photos come from the host of AroFlo's signed links, not the API host."""
    examples = (ROOT / "aroflo_sandbox" / "documented" / "examples").glob("*.json")
    hosts = {
        urlsplit(url).hostname
        for path in examples
        for url in re.findall(r'"url":\s*"([^"]+/DocStorage/[^"]+)"', path.read_text())
    }
    production = {host for host in hosts if host and not host.startswith("staging")}  # AroFlo's own tests
    assert production == {"office.aroflo.com"}, hosts
    assert production <= set(data["allowedHosts"]["hosts"])


def test_icon_is_a_square_svg(data: dict[str, Any]) -> None:
    icon = ROOT / data["icon"]
    root = ET.fromstring(icon.read_text())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    assert width == height


# ---- the user documentation covers what the connector declares -----------------------------------------
def docs_table(heading_text: str) -> list[list[str]]:
    docs = (ROOT / "docs" / "aroflo.md").read_text()
    section = docs[docs.index(heading_text) :]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not line.startswith("|:"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header row


def test_docs_describe_every_config_field() -> None:
    documented = {row[1].strip("`") for row in docs_table("### Configuration fields")}
    declared = set(spec()["connection_specification"]["properties"])
    assert documented == declared


def test_docs_stream_table_matches_discover() -> None:
    config = {key: "placeholder" for key in ("u_encoded", "p_encoded", "org_encoded", "secret_key")}
    catalog = SourceAroflo(config=config).discover(logging.getLogger("test"), config)  # makes no call
    discovered = {
        stream.name: [".".join(path) for path in stream.source_defined_primary_key or []]
        for stream in catalog.streams
    }
    documented = {
        row[0].strip("`"): [key.strip("` ") for key in row[3].split(",")]
        for row in docs_table("## Supported streams")
    }
    assert documented == discovered
