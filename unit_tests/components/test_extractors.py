from __future__ import annotations

import json

import pytest
import requests

from aroflo_client.envelope import Envelope
from source_aroflo.components.extractors import ZoneRecordExtractor


def _response(body) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode() if not isinstance(body, bytes) else body
    return response


def _extract(body, **parameters):
    extractor = ZoneRecordExtractor(
        config={}, parameters={"zone": "taskmaterials", "record_key": "materials", **parameters}
    )
    return list(extractor.extract_records(_response(body)))


def test_reads_the_zone_specific_record_key():
    body = {
        "status": "0",
        "statusmessage": "Login OK",
        "zoneresponse": {
            "materials": [{"lineid": "a"}, {"lineid": "b"}],
            "currentpageresults": 2,
            "maxpageresults": "500",
            "pagenumber": "1",
        },
    }
    assert _extract(body) == [{"lineid": "a"}, {"lineid": "b"}]


def test_record_key_defaults_to_the_lower_cased_zone():
    extractor = ZoneRecordExtractor(config={}, parameters={"zone": "Tasks"})
    body = {"status": "0", "zoneresponse": {"tasks": [{"taskid": "x"}]}}
    assert list(extractor.extract_records(_response(body))) == [{"taskid": "x"}]


def test_a_lone_object_is_one_record():
    assert _extract({"status": "0", "zoneresponse": {"materials": {"lineid": "a"}}}) == [{"lineid": "a"}]


@pytest.mark.parametrize("zone_response", [None, {}, [], "", {"materials": []}, {"materials": None}])
def test_empty_or_missing_zoneresponse_is_an_empty_page(zone_response):
    body = {"status": "0", "statusmessage": "Login OK"}
    if zone_response is not None:
        body["zoneresponse"] = zone_response
    assert _extract(body) == []


@pytest.mark.parametrize("status", ["-99999", "1", "3", "6", "7", "8", "888888", "429", 7])
def test_error_envelopes_never_become_records(status):
    body = {
        "status": status,
        "statusmessage": "Exceeded Rate Limit - Daily",
        "zoneresponse": {"materials": [{"lineid": "a"}]},
    }
    assert _extract(body) == []


def test_numeric_zero_status_and_missing_status_are_success():
    assert _extract({"status": 0, "zoneresponse": {"materials": [{"lineid": "a"}]}}) == [{"lineid": "a"}]
    # The vendor's Quotes samples omit status/statusmessage (a trimmed sample): still data.
    assert Envelope.of({"zoneresponse": {"quotes": [{"quoteid": "q"}]}}).records("quotes") == [
        {"quoteid": "q"}
    ]


def test_non_json_and_non_object_bodies_yield_nothing():
    assert _extract(b"<html>502 Bad Gateway</html>") == []
    assert _extract([1, 2]) == []


def test_non_object_items_are_skipped():
    assert _extract({"status": "0", "zoneresponse": {"materials": [{"lineid": "a"}, "junk", 3]}}) == [
        {"lineid": "a"}
    ]


def test_a_zone_page_hands_over_its_records_and_records_still_copies():
    """The zone extractor is a page's one reader: it gets the page's own records (typed in place, no copy
    held beside them); `records` still gives copies to a page's other readers (a documents stream's
    parents)."""
    body = {"status": "0", "zoneresponse": {"tasks": [{"taskid": "a"}, "odd"]}}
    envelope = Envelope.of(body)
    owned = envelope.owned_records("tasks")
    assert owned == [{"taskid": "a"}] and owned[0] is body["zoneresponse"]["tasks"][0]
    copied = envelope.records("tasks")
    assert copied == owned and copied[0] is not owned[0]
    page = _response(body)
    extracted = list(ZoneRecordExtractor(config={}, parameters={"zone": "tasks"}).extract_records(page))
    assert extracted == owned and extracted[0] is Envelope.read(page).owned_records("tasks")[0]
