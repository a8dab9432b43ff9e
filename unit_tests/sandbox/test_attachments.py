"""Documents attached to the records of every zone that documents the `documentsandphotos` join: in the
examples' shape, deterministic, without disturbing the rest of the dataset; attached later through
`/_sandbox/attach`, changing the parent only where the sandbox is told uploads do."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests

from aroflo_sandbox import dataset as dataset_module
from aroflo_sandbox.dataset import generate
from aroflo_sandbox.generator.attachments import DOCUMENT_PARENTS
from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES
from aroflo_testing.harness import SandboxClient

NOW = datetime(2026, 12, 1, 12, 0, 0)
KEYS = ["documentid", "sizeinbytes", "uploadeddatetime", "uploadedbyuser", "filter", "comment", "url", "name"]


def documents(ds: dataset_module.Dataset, zone: str) -> list[dict]:
    return [d for rec in ds.zones[zone] for d in rec.joins.get("documentsandphotos", [])]


@pytest.mark.parametrize("scale", [0.05, 1.0])
def test_every_zone_documenting_the_join_carries_documents_in_the_examples_shape(scale: float):
    ds = generate(seed=42, now=NOW, scale=scale)
    assert set(DOCUMENT_PARENTS) == {k for k, z in ZONES.items() if "documentsandphotos" in z.joins} - {
        "inventory"  # its examples show the key, its documentation lists no documentsandphotos join
    }
    ids = set()
    for zone in DOCUMENT_PARENTS:
        attached = documents(ds, zone)
        assert attached, zone
        for document in attached:
            assert sorted(document) == sorted(KEYS)
            assert all(isinstance(document[k], str) for k in KEYS if k != "uploadedbyuser")
            assert 20_000 <= int(document["sizeinbytes"]) <= 4_000_000
            assert ds.document(document["url"].removeprefix("DocStorage/").removesuffix("-original"))
            ids.add(document["documentid"])
    assert len(ids) == sum(len(documents(ds, zone)) for zone in DOCUMENT_PARENTS)  # ids never repeat


def test_the_added_documents_leave_every_other_value_as_it_was(monkeypatch: pytest.MonkeyPatch):
    with_documents = generate(seed=7, now=NOW, scale=0.2)
    monkeypatch.setattr(dataset_module, "attach_documents", lambda builder, seed: None)
    without = generate(seed=7, now=NOW, scale=0.2)
    for zone, records in with_documents.zones.items():
        for new, old in zip(records, without.zones[zone], strict=True):
            assert new.data == old.data and new.created_utc == old.created_utc, zone
            assert new.updated_utc == old.updated_utc
            for key, value in old.joins.items():
                grown = new.joins[key]
                assert grown == value if key != "documentsandphotos" else grown[: len(value)] == value
    assert (
        generate(seed=7, now=NOW, scale=0.2).zones["invoices"][5].joins
        == with_documents.zones["invoices"][5].joins
    )  # deterministic


def test_where_uploads_touch_their_parent_no_parent_was_last_written_before_its_newest_document():
    ds = generate(seed=42, now=NOW, scale=0.1, uploads_touch_parent=True)
    plain = generate(seed=42, now=NOW, scale=0.1)
    moved = 0
    for zone in DOCUMENT_PARENTS:
        for rec, before in zip(ds.zones[zone], plain.zones[zone], strict=True):
            uploads = [d["uploadeddatetime"] for d in rec.joins["documentsandphotos"]]
            written = (rec.updated_utc or rec.created_utc).strftime("%Y/%m/%d %H:%M:%S")
            assert all(u <= written for u in uploads), zone
            moved += rec.updated_utc != before.updated_utc
    assert moved > 10


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(port=0, scale=0.05, seed=3, now=NOW) as running:
        yield running


def test_attaching_a_photo_later_changes_only_the_join_by_default(sandbox: Sandbox):
    client = SandboxClient(sandbox)
    task = client.truth("tasks")[0]
    log_before = client.truth("lastupdate")
    at = (NOW + timedelta(hours=1)).isoformat()
    photo = client.attach("tasks", task["taskid"], at=at, name="after.jpg", sizeinbytes=1234)
    assert photo["name"] == "after.jpg" and photo["uploadeddatetime"] == "2026/12/01 13:00:00"
    [again] = [t for t in client.truth("tasks", "documentsandphotos") if t["taskid"] == task["taskid"]]
    assert again["documentsandphotos"][-1]["documentid"] == photo["documentid"]
    assert again["documentsandphotos"][-1]["url"].split("?")[0].endswith(photo["url"])
    [plain] = [t for t in client.truth("tasks") if t["taskid"] == task["taskid"]]
    assert plain == task  # the task itself, its update time included, is as it was
    assert client.truth("lastupdate") == log_before
    link = again["documentsandphotos"][-1]["url"]
    assert len(requests.get(link, timeout=10).content) == 1234  # its file is served


def test_attaching_with_touches_parent_updates_and_logs_the_parent(sandbox: Sandbox):
    client = SandboxClient(sandbox)
    task = client.truth("tasks")[1]
    at = NOW + timedelta(hours=2)
    client.attach("tasks", task["taskid"], at=at.isoformat(), touches_parent=True)
    [touched] = [t for t in client.truth("tasks") if t["taskid"] == task["taskid"]]
    assert touched["lastupdateddatetimeutc"] == "2026/12/01 14:00:00"
    entries = [e for e in client.truth("lastupdate") if e["zoneid"] == task["taskid"]]
    assert [e["lastupdateutc"] for e in entries] == ["2026/12/01 14:00:00"]


def test_attaching_to_a_zone_without_the_join_or_an_unknown_record_is_refused(sandbox: Sandbox):
    client = SandboxClient(sandbox)
    assert "error" in client.post("attach", {"zone": "timesheets", "id": "x"})
    assert "error" in client.post("attach", {"zone": "tasks", "id": "no such task"})
