"""Job photos and attachments as files (issue 19): the `<parent>_documents` streams with Airbyte's file
transfer, read in-process (the connector's own entrypoint, `harness.read_in_process`) against small sandboxes.

Every document attached to the selected streams' parents is staged once, byte for byte, in its parent's
folder, its record naming the parent; without the stream nothing more is asked, without file transfer nothing
is downloaded; an expired link is renewed by reading the parent again by id; a file that cannot be fetched is
reported, its record delivered, and fetched by the next sync; after photos are attached to a few tasks the
next sync delivers those files and nothing else, whether uploads change their parent (the parents' change
log) or not (the parents re-read); smaller pages after 8/888888 fetch each file once; a 40 MiB photo leaves
the connector's memory flat (a subprocess, measured).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aroflo_sandbox import files
from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import (
    CONNECTOR,
    DOCUMENT_STREAMS,
    DOCUMENTS_OF,
    RELAXED_LIMITS,
    Run,
    SandboxClient,
    catalog,
    latest_states,
    read_in_process,
    write_json,
)
from integration_tests.conftest import differences, without_change_fields
from integration_tests.test_files import measured

MIB = 1 << 20
UNSAFE = '/\\<>:"|?*'
RELAXED = Limits(**RELAXED_LIMITS)  # these tests are about files, not rate limits: lifted on both sides
TASKS = "task_documents"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0, scale=0.05, seed=42, limits=RELAXED) as running:
        yield running


@pytest.fixture
def control(sandbox: Sandbox) -> Iterator[SandboxClient]:
    client = SandboxClient(sandbox)
    client.reset()
    yield client
    client.reset()


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    folder = tmp_path / "staging"
    folder.mkdir()
    return folder


def safe(text: str) -> str:
    """The oracle of a safe path segment for the sandbox's values (no control characters, no leading dots)."""
    return "".join("_" if c in UNSAFE else c for c in text)


def expected_record(zone: str, document: dict[str, Any]) -> dict[str, Any]:
    """What the connector must deliver for a document the sandbox holds: its fields, and who its parent is."""
    spec = DOCUMENTS_OF[zone.lower()]
    parent = document["_parent"]
    words = [str(parent.get(name) or "").strip() for name in spec["reference"]]
    identity = {
        "parent_zone": zone.lower(),
        "parent_id": parent[spec["id"]],
        "parent_reference": " ".join(w for w in words if w) or None,
        **{name: parent.get(name) for name in spec["fields"]},
    }
    return {**{k: v for k, v in document.items() if k != "_parent"}, **identity}


def references(run: Run, stream: str) -> dict[tuple[str, str], dict[str, Any] | None]:
    """(parent id, documentid) -> the record's file reference (None: delivered without its file)."""
    return {
        (m["record"]["data"]["parent_id"], m["record"]["data"]["documentid"]): m["record"].get(
            "file_reference"
        )
        for m in run.of_type("RECORD")
        if m["record"]["stream"] == stream
    }


def sandbox_file(document: dict[str, Any]) -> tuple[int, str]:
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
    run: Run,
    stream: str,
    documents: list[dict[str, Any]],
    staging: Path,
    failed: frozenset[str] = frozenset(),
) -> None:
    """Exactly these documents were delivered, once each, meaning what AroFlo holds and naming their parent;
    every file but `failed` staged byte for byte at `<stream>/<parent reference or id>/<id>-<name>`."""
    zone = DOCUMENT_STREAMS[stream]
    got = run.records.get(stream, [])
    keys = [(r["parent_id"], r["documentid"]) for r in got]
    assert len(keys) == len(set(keys)), f"{stream}: a document delivered twice"
    expected = {(d["_parent"][DOCUMENTS_OF[zone.lower()]["id"]], d["documentid"]): d for d in documents}
    assert set(keys) == set(expected), (stream, set(keys) ^ set(expected))
    file_references = references(run, stream)
    for record in got:
        key = (record["parent_id"], record["documentid"])
        sent = expected_record(zone, expected[key])
        assert not differences({**dict.fromkeys(sent), **without_change_fields(record)}, sent), key
        reference = file_references[key]
        if record["documentid"] in failed:
            assert reference is None
            continue
        assert reference is not None, key
        folder = safe(sent["parent_reference"] or sent["parent_id"])
        relative = f"{stream}/{folder}/{safe(record['documentid'])}-{safe(record['name'])}"
        assert reference["source_file_relative_path"] == relative
        assert Path(reference["staging_file_url"]) == staging / relative
        assert reference["file_size_bytes"] == int(sent["sizeinbytes"])
        assert staged_file(reference) == sandbox_file(expected[key]), key
    assert not list(staging.rglob("*.part"))


def state_of(run: Run, stream: str) -> dict[str, Any]:
    [state] = [s for s in latest_states(run) if s["stream"]["stream_descriptor"]["name"] == stream]
    return dict(state["stream"]["stream_state"])


# ---- a full read -------------------------------------------------------------------------------------------
def test_every_attachment_of_the_selected_streams_is_staged_once_in_its_parents_folder(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path
):
    streams = sorted(DOCUMENT_STREAMS)
    run = read_in_process(
        sandbox, tmp_path, streams, files=frozenset(streams), staging=staging, unlimited_call_rate=True
    )
    assert run.returncode == 0 and run.errors == [], (run.errors, run.stderr[-2000:])
    total = 0
    for stream in streams:
        documents = control.attached(DOCUMENT_STREAMS[stream])
        assert documents, stream  # the sandbox attaches documents in every such zone
        assert_staged(run, stream, documents, staging)
        total += len(documents)
    assert run.warnings == []
    stats = control.stats(log=True)
    assert stats["file_downloads"] == total and not any(line["signed"] for line in stats["file_log"])
    # One page of parents per zone (the documents join alone), from the daily budget; no single reads.
    assert stats["daily_counted"] == {DOCUMENT_STREAMS[s].lower(): 1 for s in streams}
    assert stats["secondary_counted"] == {}
    assert {tuple(line["join"]) for line in stats["log"]} == {("documentsandphotos",)}


def test_selecting_the_stream_is_what_turns_it_on(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path
):
    # The parent stream alone: its own joins, as before, and no download.
    tasks = read_in_process(
        sandbox,
        tmp_path / "tasks",
        ["tasks"],
        files=frozenset({"tasks"}),
        staging=staging,
        unlimited_call_rate=True,
    )
    assert tasks.returncode == 0 and tasks.errors == []
    stats = control.stats(log=True)
    assert {line["join"][0] for line in stats["log"]} == {
        "notes,assignedhistory,customfields,documentsandphotos,substatus"
    }
    assert stats["file_downloads"] == 0 and not any(staging.iterdir())
    # The documents stream without file transfer: every record, no file; its join whatever `joins` says.
    control.post("reset_stats")
    records = read_in_process(
        sandbox, tmp_path / "records", [TASKS], staging=staging, unlimited_call_rate=True, joins={"tasks": []}
    )
    assert records.returncode == 0 and records.errors == []
    assert set(references(records, TASKS).values()) == {None}
    assert len(records.records[TASKS]) == len(control.attached("tasks"))
    stats = control.stats(log=True)
    assert [line["join"] for line in stats["log"]] == [["documentsandphotos"]]
    assert stats["file_downloads"] == 0 and not any(staging.iterdir())


def test_an_expired_link_is_renewed_by_reading_its_parent_again_by_id(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path
):
    control.post("faults", {"expired_link_answers": 1})  # the page's links arrive expired
    run = read_in_process(
        sandbox, tmp_path, [TASKS], files=frozenset({TASKS}), staging=staging, unlimited_call_rate=True
    )
    documents = control.attached("tasks")
    assert_staged(run, TASKS, documents, staging)
    assert run.warnings == []
    stats = control.stats(log=True)
    assert stats["file_refused"] == {"expired": len(documents)}
    # One read of the parent by id per document, on the secondary allowance, with its documents.
    assert stats["secondary_counted"] == {"tasks": len(documents)} and stats["daily_counted"] == {"tasks": 1}
    by_id = [line for line in stats["log"] if len(line["where"]) == 1 and "|taskid|=|" in line["where"][0]]
    assert len(by_id) == len(documents) and all(line["join"] == ["documentsandphotos"] for line in by_id)


def test_a_failed_download_is_reported_its_record_kept_and_the_next_sync_fetches_it(
    staging: Path, tmp_path: Path
):
    with Sandbox(port=0, scale=0.05, seed=5, limits=RELAXED) as sandbox:
        control = SandboxClient(sandbox)
        control.post("faults", {"expired_link_answers": 2})  # the page's links, and one fresh link, expired
        incremental = frozenset({TASKS})
        first = read_in_process(
            sandbox,
            tmp_path / "1",
            [TASKS],
            None,
            incremental,
            incremental,
            staging,
            unlimited_call_rate=True,
        )
        lost = first.records[TASKS][0]
        documents = control.attached("tasks")
        assert_staged(first, TASKS, documents, staging, failed=frozenset({lost["documentid"]}))
        [warning] = first.warnings
        assert f"document {lost['documentid']}" in warning and "delivered without the file" in warning
        assert first.statuses[TASKS] == "COMPLETE"
        assert state_of(first, TASKS)["documents"]["failed"] == {lost["documentid"]: lost["parent_id"]}
        control.reset()
        second = read_in_process(
            sandbox,
            tmp_path / "2",
            [TASKS],
            latest_states(first),
            incremental,
            incremental,
            staging,
            unlimited_call_rate=True,
        )
        [again] = [d for d in documents if d["documentid"] == lost["documentid"]]
        assert_staged(second, TASKS, [again], staging)  # that one file, and nothing else
        assert "failed" not in state_of(second, TASKS)["documents"]


# ---- incremental -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "uploads_touch_parent", [False, True], ids=["uploads leave the parent", "uploads touch it"]
)
def test_a_later_sync_delivers_the_newly_attached_photos_and_nothing_else(
    uploads_touch_parent: bool, staging: Path, tmp_path: Path
):
    streams = [TASKS, "quote_documents"]
    chosen = frozenset(streams)
    with Sandbox(
        port=0, scale=0.05, seed=9, limits=RELAXED, uploads_touch_parent=uploads_touch_parent
    ) as sandbox:
        control = SandboxClient(sandbox)
        first = read_in_process(
            sandbox, tmp_path / "1", streams, None, chosen, chosen, staging, unlimited_call_rate=True
        )
        for stream in streams:
            assert_staged(first, stream, control.attached(DOCUMENT_STREAMS[stream]), staging)
        verdict = "change the parent" if uploads_touch_parent else "leave the parent"
        assert state_of(first, TASKS)["documents"]["uploads"] == verdict
        # Photos on three tasks, one of which already has documents, and a quote, after the first sync.
        before = {d["documentid"] for d in control.attached("tasks")}
        with_documents = next(d["_parent"]["taskid"] for d in control.attached("tasks"))
        others = [t["taskid"] for t in control.truth("tasks") if t["taskid"] != with_documents][:2]
        new = [control.attach("tasks", task_id)["documentid"] for task_id in [with_documents, *others]]
        quote = control.truth("quotes")[0]["quoteid"]
        new_quote = control.attach("quotes", quote)["documentid"]
        control.reset()
        second = read_in_process(
            sandbox,
            tmp_path / "2",
            streams,
            latest_states(first),
            chosen,
            chosen,
            staging,
            unlimited_call_rate=True,
        )
        assert second.returncode == 0 and second.errors == []
        tasks = [d for d in control.attached("tasks") if d["documentid"] not in before]
        assert sorted(d["documentid"] for d in tasks) == sorted(new)
        assert_staged(second, TASKS, tasks, staging)  # the new photos only: old ones not fetched again
        assert_staged(
            second,
            "quote_documents",
            [d for d in control.attached("quotes") if d["documentid"] == new_quote],
            staging,
        )
        stats = control.stats()
        assert stats["file_downloads"] == 4
        if uploads_touch_parent:  # the changed tasks named by LastUpdate, fetched one per call: no daily call
            assert stats["daily_counted"] == {"quotes": 1} and stats["secondary_counted"] == {"tasks": 3}
        else:  # every task read again (one page), the new photos picked by their upload time
            assert stats["daily_counted"] == {"quotes": 1, "tasks": 1} and stats["secondary_counted"] == {}
        for stream in streams:
            assert len(json.dumps(state_of(second, stream))) < 10_000


@pytest.mark.parametrize(
    "fault",
    [{"size_limit_bytes": {"tasks": 40_000}}, {"slow_query_page_size": {"tasks": 10}}],
    ids=["status 8", "status 888888"],
)
def test_smaller_pages_fetch_every_file_once(
    sandbox: Sandbox, control: SandboxClient, staging: Path, tmp_path: Path, fault: dict[str, Any]
):
    control.post("faults", fault)
    run = read_in_process(
        sandbox, tmp_path, [TASKS], files=frozenset({TASKS}), staging=staging, unlimited_call_rate=True
    )
    documents = control.attached("tasks")
    assert_staged(run, TASKS, documents, staging)
    stats = control.stats()
    assert set(stats["by_status"]) - {"0"} and stats["file_downloads"] == len(documents)


# ---- memory ------------------------------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "wait4"), reason="peak memory of a child process: os.wait4 (Unix)")
def test_a_40_mib_photo_keeps_memory_flat(staging: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AIRBYTE_STAGING_DIRECTORY", str(staging))  # read by the connector's process
    with Sandbox(port=0, scale=0.05, seed=42, limits=RELAXED) as sandbox:
        control = SandboxClient(sandbox)
        task = control.truth("tasks")[0]["taskid"]
        photo = control.attach("tasks", task, name="drone survey.jpg", sizeinbytes=40 * MIB)
        peaks = {}
        for with_files in (False, True):
            folder = tmp_path / ("files" if with_files else "records")
            folder.mkdir()
            chosen = catalog([TASKS], files=frozenset({TASKS}) if with_files else frozenset())
            arguments = [
                "read",
                "--config",
                write_json(folder / "config.json", sandbox.connector_config()),
                "--catalog",
                write_json(folder / "catalog.json", chosen),
            ]
            run, peaks[with_files] = measured([CONNECTOR, *arguments], folder)
            assert run.returncode == 0 and run.errors == [], run.stderr[-2000:]
        assert_staged(run, TASKS, control.attached("tasks"), staging)
        assert references(run, TASKS)[(task, photo["documentid"])]["file_size_bytes"] == 40 * MIB  # type: ignore[index]
    # Streamed in 1 MiB chunks: the 40 MiB photo adds a few MiB at most (the CDK's own uploader would add the
    # whole file, test_files.py shows).
    assert peaks[True] - peaks[False] < 8 * MIB, peaks
