"""LastUpdate read by time: every entry once, even when entries move while the log is read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from aroflo_client.budget import ALLOWANCE_HEADER, Allowance
from source_aroflo.components import changes
from source_aroflo.components.changes import ChangeLog, Entry

T0 = datetime(2026, 11, 30, 9, 0, 0, tzinfo=UTC)


class FakeLastUpdate:
    """LastUpdate's WHERE on lastupdateutc (`>`/`<`), ordered by time, paged: what the requester would get."""

    def __init__(self, entries: list[tuple[str, datetime]], ordered: bool = True) -> None:
        self.entries = entries
        self.ordered = ordered
        self.requests: list[dict[str, Any]] = []
        self.on_request: Any = None

    def send_request(
        self, request_params: dict[str, Any], request_headers: dict[str, str]
    ) -> requests.Response:
        assert request_headers == {ALLOWANCE_HEADER: Allowance.FREE}  # LastUpdate spends no allowance
        self.requests.append(request_params)
        if self.on_request:
            self.on_request(len(self.requests))
        rows = list(self.entries)
        for clause in request_params["where"]:
            _, field, op, value = clause.split("|")
            if field == "lastupdateutc":
                bound = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
                rows = [r for r in rows if (r[1] > bound if op == ">" else r[1] < bound)]
        if self.ordered:
            rows.sort(key=lambda r: r[1])
        page, size = int(request_params["page"]), int(request_params["pageSize"])
        chunk = rows[(page - 1) * size : page * size]
        body = {
            "status": "0",
            "zoneresponse": {
                "lastupdate": [
                    {"zoneid": i, "zonename": "tasks", "lastupdateutc": at.strftime("%Y/%m/%d %H:%M:%S")}
                    for i, at in chunk
                ],
                "currentpageresults": len(chunk),
            },
        }
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(body).encode()
        return response


def _read_all(log: FakeLastUpdate, after: datetime = T0 - timedelta(days=1)) -> list[str]:
    return [entry.record_id for rows in ChangeLog(log).entries("tasks", after) for entry in rows]  # type: ignore[arg-type]


def test_entries_of_lastupdate_read_as_moments():
    entry = Entry.of({"zoneid": "a", "lastupdateutc": "2026/11/30 09:15:02", "isdeleted": "1"})
    assert entry == Entry("a", datetime(2026, 11, 30, 9, 15, 2, tzinfo=UTC), True)
    assert Entry.of({"zoneid": "", "lastupdateutc": "2026/11/30 09:15:02"}) is None
    assert Entry.of({"zoneid": "a", "lastupdateutc": " "}) is None


def test_pages_follow_time_not_page_numbers(monkeypatch):
    monkeypatch.setattr(changes, "PAGE_SIZE", 3)
    log = FakeLastUpdate([(f"r{i}", T0 + timedelta(seconds=i)) for i in range(7)])
    assert sorted(set(_read_all(log))) == [f"r{i}" for i in range(7)]
    where = [r["where"][1] for r in log.requests]
    assert where[1] == "and|lastupdateutc|>|2026-11-30 09:00:01"  # after the newest second but one of page 1
    assert all(r["page"] == "1" for r in log.requests)


def test_an_entry_moving_to_a_later_time_during_the_read_does_not_hide_another(monkeypatch):
    """With page numbers, `b` moving to the end would shift `d` back onto page 1, already read."""
    monkeypatch.setattr(changes, "PAGE_SIZE", 3)
    log = FakeLastUpdate([(x, T0 + timedelta(seconds=i)) for i, x in enumerate("abcdef")])

    def b_changes_again(request_number: int) -> None:
        if request_number == 2:
            log.entries = [e for e in log.entries if e[0] != "b"] + [("b", T0 + timedelta(minutes=5))]

    log.on_request = b_changes_again
    assert set(_read_all(log)) == set("abcdef")


def test_a_full_page_within_one_second_is_paged_by_number(monkeypatch):
    monkeypatch.setattr(changes, "PAGE_SIZE", 3)
    same = T0 + timedelta(seconds=5)
    log = FakeLastUpdate([(f"s{i}", same) for i in range(7)] + [("later", same + timedelta(seconds=1))])
    assert set(_read_all(log)) == {f"s{i}" for i in range(7)} | {"later"}
    assert len(log.requests) < 10


def test_out_of_order_pages_fall_back_to_page_numbers(monkeypatch, caplog):
    monkeypatch.setattr(changes, "PAGE_SIZE", 3)
    log = FakeLastUpdate([(f"r{i}", T0 + timedelta(seconds=(7 - i))) for i in range(7)], ordered=False)
    assert sorted(set(_read_all(log))) == [f"r{i}" for i in range(7)]
    assert "out of order" in caplog.text


def test_probe_asks_for_one_entry():
    log = FakeLastUpdate([("a", T0)])
    assert [e.record_id for e in ChangeLog(log).probe("tasks")] == ["a"]  # type: ignore[arg-type]
    assert log.requests[0]["pageSize"] == "1" and log.requests[0]["where"] == ["and|zonename|=|tasks"]
