"""Documents and photos as files (issue 11): `documents_and_photos` with Airbyte's file transfer selected.

Every file the sandbox holds arrives in the staging directory byte for byte, while its link is valid; links
that expired are read again by id; files that cannot be fetched are reported and their records still
delivered; smaller pages after status 8/888888 fetch no file twice; a 40 MiB file does not raise the
connector's memory; without file transfer selected nothing is downloaded.

The reads run in this process (`read_in_process`, AroFlo's short rate limits lifted on both sides: these tests
are about files), but the memory test's, which measures the connector's own process.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aroflo_sandbox import files
from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import (
    CONNECTOR,
    RELAXED_LIMITS,
    Run,
    SandboxClient,
    catalog,
    keyed,
    read_in_process,
    write_json,
)
from benchmarks.readers import LAUNCHER
from integration_tests.conftest import assert_same_records

STREAM = "documents_and_photos"
ZONE = "DocumentsAndPhotos"
MIB = 1 << 20


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0, scale=0.1, seed=42, limits=Limits(**RELAXED_LIMITS)) as running:
        yield running


@pytest.fixture
def control(sandbox: Sandbox) -> Iterator[SandboxClient]:
    client = SandboxClient(sandbox)
    client.reset()
    yield client
    client.reset()


@pytest.fixture
def staging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Airbyte's staging directory for the connector (the platform mounts one and names it so)."""
    folder = tmp_path / "staging"
    folder.mkdir()
    monkeypatch.setenv("AIRBYTE_STAGING_DIRECTORY", str(folder))  # for a connector process
    return folder


def read_files(sandbox: Sandbox, folder: Path, staging: Path, with_files: bool = True) -> Run:
    files = frozenset({STREAM}) if with_files else frozenset()
    return read_in_process(sandbox, folder, [STREAM], files=files, staging=staging, unlimited_call_rate=True)


def file_references(run: Run) -> dict[str, dict[str, Any] | None]:
    """documentid -> the record's file reference (None: delivered without a file)."""
    return {
        m["record"]["data"]["documentid"]: m["record"].get("file_reference")
        for m in run.of_type("RECORD")
        if m["record"]["stream"] == STREAM
    }


def sandbox_file(document: dict[str, Any]) -> tuple[int, str]:
    """The size and SHA-256 of the file the sandbox serves for a document (of its truth)."""
    ref = files.ref_of(document["url"].split("/", 3)[3].split("?")[0])
    assert ref is not None
    digest = hashlib.sha256()
    for chunk in files.content(ref, int(document["sizeinbytes"])):
        digest.update(chunk)
    return int(document["sizeinbytes"]), digest.hexdigest()


def staged_file(reference: dict[str, Any]) -> tuple[int, str]:
    path = Path(reference["staging_file_url"])
    return path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()


def assert_staged(
    run: Run, control: SandboxClient, staging: Path, failed: frozenset[str] = frozenset()
) -> None:
    """Every document's record arrived as AroFlo holds it; every file but `failed` staged byte for byte, at
    `documents_and_photos/<category>/<documentid>-<name>` inside the staging directory."""
    assert run.returncode == 0 and run.errors == [], (run.errors, run.stderr[-2000:])
    truth = control.truth(ZONE)
    assert_same_records(STREAM, keyed(STREAM, run.records[STREAM]), keyed(STREAM, truth))
    references = file_references(run)
    for document in truth:
        reference = references[document["documentid"]]
        if document["documentid"] in failed:
            assert reference is None
            continue
        assert reference is not None, document["documentid"]
        safe_id = document["documentid"].replace("/", "_")  # base64 ids: `/` is their one unsafe character
        relative = f"{STREAM}/{document['category']['categoryname']}/{safe_id}-{document['name']}"
        assert reference["source_file_relative_path"] == relative
        assert Path(reference["staging_file_url"]) == staging / relative
        assert reference["file_size_bytes"] == int(document["sizeinbytes"])
        assert staged_file(reference) == sandbox_file(document), document["documentid"]
    assert not list(staging.rglob("*.part"))  # no half-written file left behind


def test_every_file_is_staged_byte_for_byte_without_api_calls(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path
):
    run = read_files(sandbox, tmp_path, staging)
    assert_staged(run, control, staging)
    assert run.warnings == []
    truth = control.truth(ZONE)
    stats = control.stats(log=True)
    assert stats["file_downloads"] == len(truth) > 20
    assert stats["file_bytes"] == sum(int(d["sizeinbytes"]) for d in truth)
    # One page of records from AroFlo's daily budget; the files cost no API call and carry no signature.
    assert stats["daily_counted"] == {"documentsandphotos": 1} and stats["secondary_counted"] == {}
    assert not any(line["signed"] for line in stats["file_log"])


def test_without_file_transfer_nothing_is_downloaded(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path
):
    run = read_files(sandbox, tmp_path, staging, with_files=False)
    assert run.returncode == 0 and run.errors == [], run.errors
    assert_same_records(STREAM, keyed(STREAM, run.records[STREAM]), keyed(STREAM, control.truth(ZONE)))
    assert set(file_references(run).values()) == {None}
    assert control.stats()["file_downloads"] == 0 and control.stats()["file_refused"] == {}
    assert not any(staging.iterdir())


def test_expired_links_are_read_again_by_id_and_fetched(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path
):
    # The page's links arrive already expired, as if its files were fetched more than ten minutes later.
    control.post("faults", {"expired_link_answers": 1})
    run = read_files(sandbox, tmp_path, staging)
    assert_staged(run, control, staging)
    assert run.warnings == []
    documents = len(control.truth(ZONE))
    stats = control.stats()
    assert stats["file_refused"] == {"expired": documents}
    # One single-record read per document, on the secondary allowance; the daily budget spent one page.
    assert stats["secondary_counted"] == {"documentsandphotos": documents}
    assert stats["daily_counted"] == {"documentsandphotos": 1}


def test_a_file_that_cannot_be_fetched_is_reported_and_its_record_delivered(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path
):
    # The page's links expired, and so did the fresh link of the first document read again.
    control.post("faults", {"expired_link_answers": 2})
    run = read_files(sandbox, tmp_path, staging)
    first = run.records[STREAM][0]["documentid"]
    assert_staged(run, control, staging, failed=frozenset({first}))
    [warning] = run.warnings
    assert f"document {first}" in warning and "delivered without the file" in warning
    assert run.statuses[STREAM] == "COMPLETE"


@pytest.mark.parametrize(
    "fault",
    [
        {"size_limit_bytes": {"documentsandphotos": 6_000}},  # status 8: too large
        {"slow_query_page_size": {"documentsandphotos": 10}},  # status 888888: too slow
    ],
    ids=["status 8", "status 888888"],
)
def test_smaller_pages_fetch_every_file_once(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path, fault: dict[str, Any]
):
    control.post("faults", fault)
    run = read_files(sandbox, tmp_path, staging)
    assert_staged(run, control, staging)
    stats = control.stats(log=True)
    assert set(stats["by_status"]) - {"0"}, stats["by_status"]  # AroFlo did refuse the big pages
    assert {line["pageSize"] for line in stats["log"] if line["status"] == "0"} < {"500"} | {
        str(size) for size in range(10, 251)
    }
    ids = [record["documentid"] for record in run.records[STREAM]]
    assert len(ids) == len(set(ids)) and stats["file_downloads"] == len(ids)


# ---- memory ------------------------------------------------------------------------------------------------
LARGE = 40 * MIB
# The CDK's own uploader, for comparison: the same connector with the factory's override removed.
WITH_CDK_UPLOADER = (
    "import sys\n"
    "from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory\n"
    "from source_aroflo.components.factory import AroFloComponentFactory\n"
    "AroFloComponentFactory.create_file_uploader = ModelToComponentFactory.create_file_uploader\n"
    "from source_aroflo.run import run\n"
    "run()\n"
)


def measured(command: list[str], folder: Path) -> tuple[Run, int]:
    """The run and the peak resident memory (bytes) of the connector's own process. It is forked from the
    benchmark's small launcher, not from pytest: a child's `ru_maxrss` starts at its parent's RSS, which for
    pytest late in a suite is hundreds of MB and would hide the difference measured here."""
    out, err, usage = folder / "stdout", folder / "stderr", folder / "usage"
    started = time.monotonic()
    with out.open("w") as stdout, err.open("w") as stderr:
        launched = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(usage), *command]
        returncode = subprocess.run(launched, stdout=stdout, stderr=stderr, env={**os.environ}).returncode
    run = Run.parse(returncode, out.read_text(), err.read_text(), time.monotonic() - started)
    return run, int(usage.read_text().split()[2]) * 1024  # Linux reports kilobytes


def read_measured(sandbox: Sandbox, folder: Path, with_files: bool, program: list[str]) -> tuple[Run, int]:
    folder.mkdir()
    config = write_json(folder / "config.json", sandbox.connector_config())
    chosen = catalog([STREAM], files=frozenset({STREAM}) if with_files else frozenset())
    arguments = ["read", "--config", config, "--catalog", write_json(folder / "catalog.json", chosen)]
    return measured([*program, *arguments], folder)


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="peak memory of a child process: os.wait4 (Unix)")
def test_a_large_file_keeps_memory_flat(staging: Path, tmp_path: Path):
    with Sandbox(port=0, scale=0.1, seed=42, limits=Limits(**RELAXED_LIMITS)) as sandbox:
        control = SandboxClient(sandbox)
        document = control.truth(ZONE)[0]["documentid"]
        larger = {"sizeinbytes": str(LARGE)}
        control.post("mutate", {"op": "update", "zone": ZONE, "id": document, "changes": larger})
        _, without_files = read_measured(sandbox, tmp_path / "records", False, [CONNECTOR])
        run, streaming = read_measured(sandbox, tmp_path / "streaming", True, [CONNECTOR])
        assert_staged(run, control, staging)
        assert file_references(run)[document]["file_size_bytes"] == LARGE  # type: ignore[index]
        _, cdk = read_measured(sandbox, tmp_path / "cdk", True, [sys.executable, "-c", WITH_CDK_UPLOADER])
    # Streamed in 1 MiB chunks, the 40 MiB file adds a few MiB at most; the CDK's uploader, which reads the
    # whole body (`response.content`), adds at least the file: the measurement does see a file held whole.
    assert streaming - without_files < 8 * MIB, (without_files, streaming)
    assert cdk - without_files > LARGE, (without_files, cdk)
