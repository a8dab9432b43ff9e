from __future__ import annotations

import json

import requests

from source_aroflo.components.changes import ChangedRecordsExtractor, latest_changes, to_rfc3339


def _response(body) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    return response


def _log(*entries):
    rows = [
        {"zoneid": i, "zonename": "tasks", "zoneidreference": "taskid", "lastupdateutc": t, "isdeleted": d}
        for i, t, d in entries
    ]
    return _response({"status": "0", "zoneresponse": {"lastupdate": rows, "currentpageresults": len(rows)}})


class FakeZone:
    """Answers `taskid IN a*b*c` like AroFlo; optionally says "too large" for batches above a size."""

    def __init__(self, known: set[str], too_large_above: int | None = None) -> None:
        self.known, self.too_large_above, self.calls = known, too_large_above, []

    def send_request(self, request_params):
        (where,) = request_params["where"]
        ids = where.split("|IN|")[1].split("*")
        self.calls.append(ids)
        if self.too_large_above and len(ids) > self.too_large_above:
            return _response({"status": "8", "statusmessage": "Exceeded Size Rate Limit"})
        rows = [{"taskid": i, "taskname": f"task {i}"} for i in ids if i in self.known]
        return _response({"status": "0", "zoneresponse": {"tasks": rows}})


def _extractor(zone: FakeZone, batch_size: int = 2) -> ChangedRecordsExtractor:
    return ChangedRecordsExtractor(
        config={},
        parameters={"record_key": "tasks", "id_field": "taskid", "id_where": "taskid"},
        requester=zone,
        batch_size=batch_size,  # type: ignore[arg-type]
    )


def test_timestamps_become_rfc3339_utc():
    assert to_rfc3339("2024/05/13 23:14:15") == "2024-05-13T23:14:15Z"
    assert to_rfc3339("2024-05-13 23:14:15") == "2024-05-13T23:14:15Z"


def test_latest_change_per_id_wins_whatever_the_order():
    changes = latest_changes(
        [
            {"zoneid": "a", "lastupdateutc": "2024/01/02 00:00:00", "isdeleted": 0},
            {"zoneid": "a", "lastupdateutc": "2024/01/01 00:00:00", "isdeleted": 1},
            {"zoneid": "b", "lastupdateutc": "2024/01/01 00:00:00", "isdeleted": "1"},
            {"zoneid": "", "lastupdateutc": "2024/01/01 00:00:00"},
        ]
    )
    assert changes["a"].deleted is False and changes["a"].at == "2024-01-02T00:00:00Z"
    assert changes["b"].deleted is True and set(changes) == {"a", "b"}


def test_changed_ids_are_fetched_in_batches_and_deletions_become_tombstones():
    zone = FakeZone({"a", "b", "c"})
    log = _log(
        ("a", "2024/01/01 10:00:00", 0),
        ("b", "2024/01/01 10:00:00", 0),
        ("c", "2024/01/01 10:00:01", 0),
        ("gone", "2024/01/01 11:00:00", 1),
    )
    records = list(_extractor(zone).extract_records(log))
    assert zone.calls == [["a", "b"], ["c"]]
    assert [r["taskid"] for r in records] == ["a", "b", "c", "gone"]
    assert records[-1] == {"taskid": "gone", "_ab_cdc_deleted_at": "2024-01-01T11:00:00Z"}
    assert all("_ab_cdc_deleted_at" not in r for r in records[:3])


def test_no_change_no_call():
    zone = FakeZone(set())
    assert list(_extractor(zone).extract_records(_log())) == []
    assert zone.calls == []


def test_a_batch_too_large_is_split_until_it_fits():
    zone = FakeZone({"a", "b", "c", "d"}, too_large_above=1)
    log = _log(*[(i, "2024/01/01 10:00:00", 0) for i in "abcd"])
    records = list(_extractor(zone, batch_size=4).extract_records(log))
    assert sorted(r["taskid"] for r in records) == ["a", "b", "c", "d"]
    assert zone.calls[0] == ["a", "b", "c", "d"] and ["a"] in zone.calls


def test_an_error_envelope_in_the_log_is_no_change():
    zone = FakeZone({"a"})
    error = _response({"status": "6", "statusmessage": "Exceeded Rate Limit - Requests per Minute"})
    assert list(_extractor(zone).extract_records(error)) == []
