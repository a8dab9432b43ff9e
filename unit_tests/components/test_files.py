"""The streaming file uploader: safe paths, the one retry with a fresh link, half-written files; the file
streams are file-capable in discover; downloads are outside AroFlo's API rate window."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from airbyte_cdk.sources.declarative.extractors.dpath_extractor import DpathExtractor
from airbyte_cdk.sources.types import Record
from urllib3.exceptions import ProtocolError

from source_aroflo import SourceAroflo
from source_aroflo.components.files import CHUNK, FreshLink, StreamingFileUploader, safe_name
from source_aroflo.components.plan import ZonePlan

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "source_aroflo" / "manifest.yaml").read_text())
UPLOADER = {
    **MANIFEST["definitions"]["document_file"],
    "filename_extractor": MANIFEST["definitions"]["documents_stream"]["file_uploader"]["filename_extractor"],
}
PLAN = ZonePlan.from_parameters(
    {"name": "documents_and_photos", "zone": "DocumentsAndPhotos", "id": "documentid"}
)
LINK = "https://office.aroflo.com/DocStorage/BGRF-BTUK-original?expires=1700000600&signature=" + "A" * 64


@pytest.mark.parametrize(
    "value,safe",
    [
        ("SWMS_12.pdf", "SWMS_12.pdf"),
        ("..", "_"),
        ("../../etc/passwd", "_.._etc_passwd"),
        (".hidden", "hidden"),
        ("a/b\\c", "a_b_c"),
        ('what?<is>:"this"|*', "what__is___this___"),
        ("tab\there\nnewline\x00nul\x7f", "tab_here_newline_nul_"),
        ("right\u202etxt.exe", "right_txt.exe"),  # a bidi override cannot disguise the extension
        ("Café photo.jpg", "Café photo.jpg"),
        ("", "_"),
        ("  ", "_"),
    ],
)
def test_safe_name(value: str, safe: str):
    assert safe_name(value) == safe


def test_a_long_name_keeps_its_extension():
    assert safe_name("x" * 300 + ".jpeg") == "x" * 95 + ".jpeg"
    assert len(safe_name("y" * 300)) == 100


class Answer:
    """A streamed answer of the document host: these chunks, then perhaps a connection that breaks."""

    def __init__(self, chunks: list[bytes], status: int = 200, breaks: bool = False) -> None:
        self.status_code, self._chunks, self._breaks, self.closed = status, chunks, breaks, False

    def iter_content(self, chunk_size: int) -> Iterator[bytes]:
        assert chunk_size == CHUNK
        yield from self._chunks
        if self._breaks:
            raise requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken: IncompleteRead"))

    def close(self) -> None:
        self.closed = True


class Host:
    """The link requester: one answer per request, in order; remembers the links asked for."""

    def __init__(self, *answers: Answer) -> None:
        self.answers, self.links = list(answers), []

    def send_request(self, stream_slice: Any) -> Answer:
        self.links.append(stream_slice.extra_fields["download_target"])
        return self.answers.pop(0)


class Fresh:
    plan = PLAN

    def __init__(self, url: str | None) -> None:
        self.url, self.asked = url, []

    def record_id(self, record: dict[str, Any]) -> str:
        return str(record.get(self.plan.id_field or "") or "")

    def of(self, record: dict[str, Any]) -> str | None:
        self.asked.append(self.record_id(record))
        return self.url


def uploader(host: Host, fresh: Fresh) -> StreamingFileUploader:
    return StreamingFileUploader(
        requester=host,  # type: ignore[arg-type]
        download_target_extractor=DpathExtractor(field_path=["url"], config={}, parameters={}),
        config={},
        parameters={},
        filename_extractor=UPLOADER["filename_extractor"],
        fresh_link=fresh,  # type: ignore[arg-type]
        stream="documents_and_photos",
    )


def record(**data: Any) -> Record:
    base = {"documentid": "JUlLSDM/XTAgCg==", "name": "SWMS_4.jpg", "category": {"categoryname": "Safety"}}
    return Record(data={**base, "url": LINK, **data}, stream_name="documents_and_photos")


@pytest.fixture
def staging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("source_aroflo.components.files.get_files_directory", lambda: str(tmp_path))
    return tmp_path


def test_a_file_is_streamed_to_its_place(staging: Path):
    host = Host(Answer([b"abc", b"defg"]))
    document = record()
    uploader(host, Fresh(None)).upload(document)
    relative = "documents_and_photos/Safety/JUlLSDM_XTAgCg==-SWMS_4.jpg"
    assert document.file_reference.source_file_relative_path == relative
    assert document.file_reference.staging_file_url == str(staging / relative)
    assert document.file_reference.file_size_bytes == 7
    assert (staging / relative).read_bytes() == b"abcdefg"
    assert host.links == [LINK] and host.answers == []


def test_every_value_in_the_path_stays_inside_the_staging_directory(staging: Path):
    document = record(documentid="../../x", name="../../../etc/cron.d/job", category={"categoryname": ".."})
    uploader(Host(Answer([b"x"])), Fresh(None)).upload(document)
    path = Path(document.file_reference.staging_file_url)
    assert path.resolve().is_relative_to(staging.resolve())
    assert document.file_reference.source_file_relative_path == (
        "documents_and_photos/_/_.._x-_.._.._etc_cron.d_job"
    )


def test_a_document_without_category_goes_to_uncategorised(staging: Path):
    document = record(category={})
    uploader(Host(Answer([b"x"])), Fresh(None)).upload(document)
    assert document.file_reference.source_file_relative_path.startswith("documents_and_photos/Uncategorised/")


@pytest.mark.parametrize(
    "first",
    [Answer([], status=403), Answer([], status=404), Answer([b"abc"], breaks=True)],
    ids=["expired or forged (403)", "gone (404)", "broken transfer"],
)
def test_a_failed_download_is_tried_once_more_with_a_fresh_link(staging: Path, first: Answer):
    fresh = Fresh(LINK.replace("1700000600", "1700000900"))
    host = Host(first, Answer([b"whole file"]))
    document = record()
    uploader(host, fresh).upload(document)
    assert fresh.asked == ["JUlLSDM/XTAgCg=="] and host.links == [LINK, fresh.url]
    assert Path(document.file_reference.staging_file_url).read_bytes() == b"whole file"
    assert first.closed and not list(staging.rglob("*.part"))


def test_a_file_still_failing_is_reported_and_its_record_goes_on(
    staging: Path, caplog: pytest.LogCaptureFixture
):
    document = record()
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        uploader(Host(Answer([], status=403), Answer([b"ab"], breaks=True)), Fresh(LINK)).upload(document)
    assert document.file_reference is None
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "document JUlLSDM/XTAgCg== (SWMS_4.jpg)" in warning and "broke off after 2 bytes" in warning
    assert not [p for p in staging.rglob("*") if p.is_file()]  # nothing half-written is left


def test_a_record_aroflo_no_longer_returns_is_reported(staging: Path, caplog: pytest.LogCaptureFixture):
    document = record()
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        uploader(Host(Answer([], status=404)), Fresh(None)).upload(document)
    assert document.file_reference is None
    assert "AroFlo no longer returns the record" in caplog.text


# ---- documents attached to a task, a quote ... -------------------------------------------------------------
ATTACHED = MANIFEST["definitions"]["attached_documents_stream"]["file_uploader"]["filename_extractor"]
TASK_DOCUMENTS = ZonePlan.from_parameters(
    {
        "name": "task_documents",
        "zone": "tasks",
        "id": "taskid",
        "documents_of": {"fields": ["taskid", "jobnumber"], "reference": ["jobnumber"]},
    }
)


class FreshTask(Fresh):
    plan = TASK_DOCUMENTS


def attached(**data: Any) -> Record:
    base = {
        "documentid": "JSYqQy1RLEAgCg==",
        "name": "hippo birdie two ewe.jpg",
        "url": LINK,
        "parent_zone": "tasks",
        "parent_id": "JSZaXyBRTEAgCg==",
        "parent_reference": "1050",
        "taskid": "JSZaXyBRTEAgCg==",
        "jobnumber": "1050",
    }
    return Record(data={**base, **data}, stream_name="task_documents")


def attached_uploader(host: Host, fresh: Fresh, results: list[tuple[str, bool]]) -> StreamingFileUploader:
    return StreamingFileUploader(
        requester=host,  # type: ignore[arg-type]
        download_target_extractor=DpathExtractor(field_path=["url"], config={}, parameters={}),
        config={},
        parameters={},
        filename_extractor=ATTACHED,
        fresh_link=fresh,  # type: ignore[arg-type]
        stream="task_documents",
        on_result=lambda data, fetched: results.append((data["documentid"], fetched)),
    )


def test_an_attached_document_is_staged_in_its_parents_folder(staging: Path):
    results: list[tuple[str, bool]] = []
    photo, unnumbered = attached(), attached(documentid="x/y", parent_reference=None)
    attached_uploader(Host(Answer([b"jpg"]), Answer([b"png"])), FreshTask(None), results).upload(photo)
    attached_uploader(Host(Answer([b"png"])), FreshTask(None), results).upload(unnumbered)
    assert photo.file_reference.source_file_relative_path == (
        "task_documents/1050/JSYqQy1RLEAgCg==-hippo birdie two ewe.jpg"
    )
    # No job number: the task's id names the folder.
    assert unnumbered.file_reference.source_file_relative_path == (
        "task_documents/JSZaXyBRTEAgCg==/x_y-hippo birdie two ewe.jpg"
    )
    assert results == [("JSYqQy1RLEAgCg==", True), ("x/y", True)]


def test_an_attached_document_that_cannot_be_fetched_is_reported_to_the_cursor(
    staging: Path, caplog: pytest.LogCaptureFixture
):
    results: list[tuple[str, bool]] = []
    fresh = FreshTask(None)
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        attached_uploader(Host(Answer([], status=403)), fresh, results).upload(attached())
    assert fresh.asked == ["JSZaXyBRTEAgCg=="]  # its task read again by id
    assert results == [("JSYqQy1RLEAgCg==", False)]
    assert "document JSYqQy1RLEAgCg== (hippo birdie two ewe.jpg) of tasks 1050" in caplog.text


class Requester:
    """AroFlo's signed requester: answers the parent read again by id."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body, self.asked = body, []

    def send_request(self, request_params: dict[str, Any], **_: Any) -> requests.Response:
        self.asked.append(request_params)
        response = requests.Response()
        response._content = json.dumps(self.body).encode()
        return response


def test_a_fresh_link_of_an_attached_document_comes_from_its_parent_read_again_with_its_documents():
    documents = [{"documentid": "other", "url": "u0"}, {"documentid": "JSYqQy1RLEAgCg==", "url": "fresh"}]
    body = {
        "status": "0",
        "zoneresponse": {"tasks": [{"taskid": "JSZaXyBRTEAgCg==", "documentsandphotos": documents}]},
    }
    requester = Requester(body)
    link = FreshLink(requester, TASK_DOCUMENTS)  # type: ignore[arg-type]
    assert link.of(attached().data) == "fresh"
    assert requester.asked == [
        {
            "zone": "tasks",
            "where": ["and|taskid|=|JSZaXyBRTEAgCg=="],  # one record by its id: the secondary allowance
            "page": "1",
            "pageSize": "1",
            "join": "documentsandphotos",
        }
    ]
    assert link.of(attached(documentid="gone").data) is None  # no longer attached


# ---- the stream and its requests ---------------------------------------------------------------------------
def test_discover_marks_the_document_streams_and_only_them_as_file_capable():
    config = {"u_encoded": "u", "p_encoded": "p", "org_encoded": "o", "secret_key": "s"}
    catalog = SourceAroflo(config=config).discover(logging.getLogger("test"), config)
    attached = {s["$parameters"]["name"] for s in MANIFEST["streams"] if "documents_of" in s["$parameters"]}
    assert len(attached) == 12 and "task_documents" in attached
    file_based = {stream.name for stream in catalog.streams if stream.is_file_based}
    assert file_based == {"documents_and_photos"} | attached


def test_the_download_requester_is_not_aroflos_signed_one():
    requester = UPLOADER["requester"]
    assert "authenticator" not in requester and requester["url"] == "{{ download_target }}"
    for stream in ("documents_stream", "attached_documents_stream"):
        assert MANIFEST["definitions"][stream]["file_uploader"]["$ref"] == "#/definitions/document_file"
