from __future__ import annotations

import json

import requests

from source_aroflo.components.paginators import AroFloPageNumber


def _page(n: int, maxpageresults="500"):
    response = requests.Response()
    response.status_code = 200
    zone_response = {
        "tasks": [{"taskid": str(i)} for i in range(n)],
        "currentpageresults": n,
        "pagenumber": "1",
    }
    if maxpageresults is not None:
        zone_response["maxpageresults"] = maxpageresults
    response._content = json.dumps({"status": "0", "zoneresponse": zone_response}).encode()
    return response


def _strategy(page_size="{{ config.get('page_size') or 500 }}", **config):
    return AroFloPageNumber(config=config, parameters={}, page_size=page_size)


def test_first_request_asks_for_page_one():
    assert _strategy().initial_token == 1


def test_a_full_page_is_not_the_end():
    strategy = _strategy()
    assert strategy.next_page_token(_page(500), 500, None, 1) == 2
    assert strategy.next_page_token(_page(0), 0, None, 2) is None  # the empty page after an exact multiple


def test_a_short_page_is_the_end():
    assert _strategy().next_page_token(_page(499), 499, None, 3) is None


def test_server_cap_below_the_requested_size_does_not_end_early():
    # Asked for 500, the server applied 200 and says so in maxpageresults (a number here).
    assert _strategy().next_page_token(_page(200, maxpageresults=200), 200, None, 1) == 2
    assert _strategy().next_page_token(_page(150, maxpageresults="200"), 150, None, 2) is None


def test_missing_maxpageresults_falls_back_to_the_requested_size():
    assert _strategy(page_size=100).next_page_token(_page(100, maxpageresults=None), 100, None, 1) == 2
    assert _strategy(page_size=100).next_page_token(_page(99, maxpageresults=None), 99, None, 1) is None


def test_configured_page_size_is_used():
    strategy = _strategy(page_size=250)
    assert strategy.get_page_size() == 250
    assert _strategy(page_size=7).get_page_size() == 7
    assert _strategy(page_size_config=None).get_page_size() == 500


def test_reduced_page_size_counts_as_full_page():
    # After a REDUCE_PAGE_SIZE to 250, a page of 250 is full even though 500 is configured.
    assert (
        _strategy().next_page_token(_page(250, maxpageresults="250"), 250, None, 4, page_size_override=250)
        == 5
    )
