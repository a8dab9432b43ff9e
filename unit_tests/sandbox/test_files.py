"""The sandbox's document storage: links each answer signs afresh, files served while the link is valid."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from aroflo_sandbox import files
from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import SandboxClient
from unit_tests.sandbox.test_server import get

ALL_DOCUMENTS = ["and|(|documentid|=|JCQ6QyNSUCAgCg==", "or|documentid|!=|JCQ6QyNSUCAgCg==|)"]
SIGNED = re.compile(
    r"^http://127\.0\.0\.1:\d+/DocStorage/[A-Z]{4}-[A-Z]{4}-original\?expires=(\d+)&signature=[0-9A-F]{64}$"
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0, scale=0.1, seed=5, limits=Limits(per_second=1000, per_minute=100000)) as running:
        yield running


@pytest.fixture
def control(sandbox: Sandbox) -> Iterator[SandboxClient]:
    client = SandboxClient(sandbox)
    client.reset()
    yield client
    client.reset()


def documents(sandbox: Sandbox) -> list[dict]:
    response = get(sandbox, {"zone": "DocumentsAndPhotos", "where": ALL_DOCUMENTS})
    return response.json()["zoneresponse"]["documentsandphotos"]


def test_each_answer_signs_its_links_for_ten_minutes(sandbox, control):
    before = int(time.time())
    sent = documents(sandbox)
    expiries = {int(SIGNED.match(d["url"]).group(1)) for d in sent}  # type: ignore[union-attr]
    assert len(expiries) == 1  # one expiry for every link of an answer, as AroFlo's examples show
    assert before + 600 <= expiries.pop() <= int(time.time()) + 600
    joined = get(sandbox, {"zone": "tasks", "where": "and|taskid|!=|x", "join": "documentsandphotos"})
    attachments = [d for t in joined.json()["zoneresponse"]["tasks"] for d in t["documentsandphotos"]]
    assert attachments and all(SIGNED.match(d["url"]) for d in attachments)


def test_a_file_is_served_whole_and_counted_against_nothing(sandbox, control):
    document = documents(sandbox)[0]
    used = control.stats()["daily_used"]
    response = requests.get(document["url"], timeout=10)
    assert response.status_code == 200
    size = int(document["sizeinbytes"])
    assert response.headers["Content-Length"] == str(size) and len(response.content) == size
    ref = files.ref_of(urlsplit(document["url"]).path)
    assert ref is not None
    expected = hashlib.sha256(b"".join(files.content(ref, size))).hexdigest()
    assert hashlib.sha256(response.content).hexdigest() == expected
    assert requests.get(document["url"], timeout=10).content == response.content  # the same bytes every time
    assert not any(header.startswith("X-RateLimit") for header in response.headers)
    stats = control.stats()
    assert (stats["file_downloads"], stats["file_bytes"], stats["daily_used"]) == (2, 2 * size, used)


def test_a_changed_signature_an_expired_link_and_an_unknown_document_are_refused(sandbox, control):
    url = documents(sandbox)[0]["url"]
    query = parse_qs(urlsplit(url).query)
    forged = url[:-1] + ("0" if url[-1] != "0" else "1")
    later = url.replace(f"expires={query['expires'][0]}", f"expires={int(query['expires'][0]) + 3600}")
    assert requests.get(forged, timeout=10).status_code == 403
    assert requests.get(later, timeout=10).status_code == 403  # a longer life needs a new signature
    assert requests.get(url.split("?")[0], timeout=10).status_code == 403
    unknown = url.replace(url.split("/DocStorage/")[1].split("-original")[0], "AAAA-AAAA")
    assert requests.get(unknown, timeout=10).status_code == 404
    control.post("faults", {"expired_link_answers": 1})
    expired = documents(sandbox)[0]["url"]
    assert requests.get(expired, timeout=10).status_code == 403
    assert requests.get(documents(sandbox)[0]["url"], timeout=10).status_code == 200  # the next answer's do
    assert control.stats()["file_refused"] == {"signature": 3, "unknown": 1, "expired": 1}


def test_a_link_expires_ten_minutes_after_it_was_sent():
    expires = files.expiry(1_700_000_000)
    query = {"expires": [str(expires)], "signature": [files.signature("BGRF-BTUK", expires)]}
    assert expires == 1_700_000_600
    assert files.refusal("BGRF-BTUK", query, now=1_700_000_600) is None
    assert files.refusal("BGRF-BTUK", query, now=1_700_000_601) == "expired"
    assert files.refusal("BGRF-BTUK-X", query, now=1_700_000_000) == "signature"


def test_a_deleted_documents_file_is_gone(sandbox, control):
    document = documents(sandbox)[-1]
    assert requests.get(document["url"], timeout=10).status_code == 200
    control.post("mutate", {"op": "delete", "zone": "DocumentsAndPhotos", "id": document["documentid"]})
    assert requests.get(document["url"], timeout=10).status_code == 404


def test_file_sizes_range_from_a_few_bytes_to_tens_of_megabytes():
    sizes = [files.directory_file_size(f"REF{n}") for n in range(2000)]
    assert min(sizes) < 10 and 12 << 20 <= max(sizes) <= 48 << 20
    assert 10 <= sum(size > 10 << 20 for size in sizes) <= 50  # about one in eighty is large
