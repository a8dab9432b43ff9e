"""The sandbox answers as AroFlo does: authentication, default filter, paging, joins, limits and headers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from aroflo_sandbox.faults import FaultPlan
from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES, documented_in_lastupdate
from aroflo_testing.harness import SandboxClient
from source_aroflo.components.auth import AroFloHmacAuthenticator


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0, scale=0.1, seed=5, limits=Limits(per_second=1000, per_minute=100000)) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(sandbox: Sandbox) -> Iterator[None]:
    requests.post(sandbox.url + "_sandbox/reset_stats", json={}, timeout=5)
    requests.post(sandbox.url + "_sandbox/reset_day", json={}, timeout=5)
    yield
    requests.post(sandbox.url + "_sandbox/faults", json={}, timeout=5)
    requests.post(
        sandbox.url + "_sandbox/limits",
        json={"per_second": 1000, "per_minute": 100000, "daily": 2000, "secondary_daily": 20000},
        timeout=5,
    )


ALL_TASKS = "and|datetimerequested|>|1900-01-01 00:00:00"
ALL_QUOTES = "and|createddatetime|>|1900-01-01 00:00:00"


def signed(sandbox: Sandbox, params, **config) -> requests.PreparedRequest:
    """A request signed by the connector's signer, without the connector's budget guard: these tests
    look at the sandbox's raw answers, status 7 included."""
    request = requests.Request("GET", sandbox.url, params=params).prepare()
    AroFloHmacAuthenticator(config=sandbox.connector_config(**config), parameters={})(request)
    request.hooks["response"] = []
    return request


def get(sandbox: Sandbox, params, **config) -> requests.Response:
    return requests.Session().send(signed(sandbox, params, **config), timeout=10)


def truth(sandbox: Sandbox, zone: str) -> list[dict]:
    return requests.get(sandbox.url + "_sandbox/truth", params={"zone": zone}, timeout=10).json()["records"]


# ---- authentication --------------------------------------------------------------------------------
def test_a_correctly_signed_request_is_answered(sandbox):
    body = get(sandbox, {"zone": "tasktypes", "page": 1}).json()
    assert body["status"] == "0" and body["statusmessage"] == "Login OK"
    assert len(body["zoneresponse"]["tasktypes"]) == len(truth(sandbox, "tasktypes"))


def test_upper_case_hex_signatures_are_accepted(sandbox):
    request = requests.Request("GET", sandbox.url, params={"zone": "tasktypes"}).prepare()
    AroFloHmacAuthenticator(config=sandbox.connector_config(), parameters={})(request)
    request.headers["Authentication"] = "HMAC " + request.headers["Authentication"][5:].upper()
    assert requests.Session().send(request, timeout=10).json()["status"] == "0"


def test_wrong_secret_is_a_signature_mismatch(sandbox):
    body = get(sandbox, {"zone": "tasks", "where": ALL_TASKS}, secret_key="wrong-secret").json()
    assert body == {"status": "-99999", "statusmessage": "Authentication Failed - Signatures do not match"}


def test_a_tampered_query_is_a_signature_mismatch(sandbox):
    request = requests.Request("GET", sandbox.url, params={"zone": "tasks", "where": ALL_TASKS}).prepare()
    AroFloHmacAuthenticator(config=sandbox.connector_config(), parameters={})(request)
    request.url = request.url.replace("zone=tasks", "zone=invoices")
    assert (
        requests.Session()
        .send(request, timeout=10)
        .json()["statusmessage"]
        .endswith("Signatures do not match")
    )


def test_missing_headers(sandbox):
    body = requests.get(
        sandbox.url, params={"zone": "tasks"}, headers={"Accept": "text/json"}, timeout=10
    ).json()
    assert body == {
        "status": "-99999",
        "statusmessage": "Authentication Failed - Required headers are missing",
    }


def test_stale_timestamp_has_expired(sandbox, monkeypatch):
    from aroflo_client import signing

    old = (datetime.now(UTC) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    monkeypatch.setattr(signing, "utc_timestamp", lambda: old)
    body = get(sandbox, {"zone": "tasks", "where": ALL_TASKS}).json()
    assert body == {"status": "-99999", "statusmessage": "Authentication Failed - Payload has expired"}


@pytest.mark.parametrize(
    "overrides,status",
    [({"u_encoded": "c29tZW9uZQ=="}, "3"), ({"org_encoded": "b3RoZXJvcmc="}, "3"), ({"p_encoded": ""}, "2")],
)
def test_login_failures(sandbox, overrides, status):
    assert get(sandbox, {"zone": "tasks", "where": ALL_TASKS}, **overrides).json()["status"] == status


def test_host_ip_is_part_of_the_signature(sandbox):
    assert get(sandbox, {"zone": "tasktypes"}, host_ip="127.0.0.1").json()["status"] == "0"


# ---- querying ----------------------------------------------------------------------------------------
def test_no_where_applies_the_30_day_default_filter(sandbox):
    body = get(sandbox, {"zone": "tasks"}).json()
    assert body["statusmessage"] == "Login OK. No WHERE clause found, default filter applied"
    assert 0 < len(body["zoneresponse"]["tasks"]) < len(truth(sandbox, "tasks"))


def test_any_where_disables_the_default_filter(sandbox):
    body = get(sandbox, {"zone": "tasks", "where": ALL_TASKS, "pageSize": 500}).json()
    assert len(body["zoneresponse"]["tasks"]) == len(truth(sandbox, "tasks"))


def test_page_size_is_capped_at_500_and_reported(sandbox):
    body = get(
        sandbox, {"zone": "lastupdate", "where": "and|lastupdateutc|>|1900-01-01", "pageSize": 900, "page": 1}
    ).json()
    zone_response = body["zoneresponse"]
    assert zone_response["currentpageresults"] == 500 == int(zone_response["maxpageresults"])
    assert zone_response["pagenumber"] == "1"


def test_pages_partition_the_result(sandbox):
    seen = []
    for page in (1, 2, 3, 4):
        body = get(sandbox, {"zone": "tasks", "where": ALL_TASKS, "pageSize": 40, "page": page}).json()
        seen += [t["taskid"] for t in body["zoneresponse"]["tasks"]]
    all_ids = [t["taskid"] for t in truth(sandbox, "tasks")]
    assert len(seen) == len(set(seen)) == min(160, len(all_ids))


def test_results_are_not_sorted_by_id(sandbox):
    ids = [
        t["taskid"]
        for t in get(sandbox, {"zone": "tasks", "where": ALL_TASKS}).json()["zoneresponse"]["tasks"]
    ]
    assert ids != sorted(ids)


def test_where_with_dates_in_both_separators(sandbox):
    all_tasks = truth(sandbox, "tasks")
    dashed = get(sandbox, {"zone": "tasks", "where": "and|createddatetimeutc|>|2024-01-01 00:00:00"}).json()
    slashed = get(sandbox, {"zone": "tasks", "where": "and|createddatetimeutc|>|2024/01/01 00:00:00"}).json()
    assert dashed["zoneresponse"]["tasks"] == slashed["zoneresponse"]["tasks"]
    assert 0 < len(dashed["zoneresponse"]["tasks"]) < len(all_tasks)


def test_invalid_where_is_status_9(sandbox):
    body = get(sandbox, {"zone": "tasks", "where": "and|nosuchfield|=|1"}).json()
    assert body == {"status": "9", "statusmessage": "Invalid WHERE Clause"}
    log = requests.get(sandbox.url + "_sandbox/stats", params={"log": 1}, timeout=5).json()["log"]
    assert (
        log[-1]["detail"]
        == "Invalid WHERE Clause: field 'nosuchfield' is not a documented WHERE field of tasks"
    )


def test_join_fills_the_placeholder(sandbox):
    plain = get(sandbox, {"zone": "quotes", "where": ALL_QUOTES}).json()["zoneresponse"]["quotes"]
    joined = get(sandbox, {"zone": "quotes", "where": ALL_QUOTES, "join": "lineitems"}).json()
    assert all(q["lines"] == [] for q in plain)
    assert any(q["lines"] for q in joined["zoneresponse"]["quotes"])


def test_record_keys_differ_from_zone_names_where_aroflo_says(sandbox):
    assert (
        "items"
        in get(sandbox, {"zone": "inventory", "where": "and|createdutc|>|1900-01-01"}).json()["zoneresponse"]
    )
    assert (
        "materials"
        in get(sandbox, {"zone": "taskmaterials", "where": "and|dateused|>|1900-01-01"}).json()[
            "zoneresponse"
        ]
    )


# ---- limits --------------------------------------------------------------------------------------------
def test_rate_limit_headers_on_every_answer(sandbox):
    response = get(sandbox, {"zone": "tasktypes"})
    for header in (
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Daily-Limit",
        "X-RateLimit-Daily-Remaining",
        "X-RateLimit-Secondary-Daily-Limit",
        "X-RateLimit-Secondary-Daily-Remaining",
    ):
        assert header in response.headers
    assert response.headers["X-RateLimit-Daily-Remaining"] == "1999"


def test_lastupdate_is_free_and_single_id_reads_use_the_secondary_allowance(sandbox):
    get(sandbox, {"zone": "lastupdate", "where": "and|zonename|=|tasks"})
    first, second = (t["taskid"] for t in truth(sandbox, "tasks")[:2])
    response = get(sandbox, {"zone": "tasks", "where": f"and|taskid|=|{first}"})
    assert response.headers["X-RateLimit-Daily-Remaining"] == "2000"
    assert response.headers["X-RateLimit-Secondary-Daily-Limit"] == "20000"
    assert response.headers["X-RateLimit-Secondary-Daily-Remaining"] == "19999"
    assert len(response.json()["zoneresponse"]["tasks"]) == 1
    # An IN batch, or a single id with a second clause, is an ordinary (daily) call.
    batch = get(sandbox, {"zone": "tasks", "where": f"and|taskid|IN|{first}*{second}"})
    assert batch.headers["X-RateLimit-Daily-Remaining"] == "1999"
    narrowed = get(sandbox, {"zone": "tasks", "where": [f"and|taskid|=|{first}", "and|jobnumber|>|0"]})
    assert narrowed.headers["X-RateLimit-Daily-Remaining"] == "1998"
    assert narrowed.headers["X-RateLimit-Secondary-Daily-Remaining"] == "19999"
    stats = requests.get(sandbox.url + "_sandbox/stats", timeout=5).json()
    assert stats["daily_counted"] == {"tasks": 2} and stats["secondary_counted"] == {"tasks": 1}
    assert (stats["daily_used"], stats["secondary_used"], stats["secondary_remaining"]) == (2, 1, 19999)


def test_the_secondary_allowance_runs_out_on_its_own(sandbox):
    requests.post(sandbox.url + "_sandbox/limits", json={"secondary_daily": 1}, timeout=5)
    task_id = truth(sandbox, "tasks")[0]["taskid"]
    single = {"zone": "tasks", "where": f"and|taskid|=|{task_id}"}
    assert get(sandbox, single).json()["status"] == "0"
    refused = get(sandbox, single)
    assert refused.json() == {"status": "7", "statusmessage": "Exceeded Rate Limit - Daily"}
    assert refused.headers["X-RateLimit-Secondary-Daily-Remaining"] == "0"
    daily = get(sandbox, {"zone": "tasks", "where": ALL_TASKS})
    assert daily.json()["status"] == "0" and daily.headers["X-RateLimit-Daily-Remaining"] == "1999"


def test_per_second_limit_answers_http_429(sandbox):
    requests.post(sandbox.url + "_sandbox/limits", json={"per_second": 2}, timeout=5)
    time.sleep(1.0 - (time.time() % 1.0) + 0.01)  # start at the top of a second
    codes = [get(sandbox, {"zone": "tasktypes"}) for _ in range(3)]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert codes[2].json()["status"] == "429"


def test_per_minute_limit_answers_status_6(sandbox):
    requests.post(sandbox.url + "_sandbox/limits", json={"per_minute": 2}, timeout=5)
    if time.time() % 60 > 55:
        time.sleep(6)
    bodies = [get(sandbox, {"zone": "tasktypes"}).json() for _ in range(3)]
    assert [b["status"] for b in bodies] == ["0", "0", "6"]
    assert bodies[2]["statusmessage"] == "Exceeded Rate Limit - Requests per Minute"


def test_reset_windows_empties_the_minute_window_but_keeps_the_limits(sandbox):
    requests.post(sandbox.url + "_sandbox/limits", json={"per_minute": 2}, timeout=5)
    if time.time() % 60 > 55:
        time.sleep(6)
    query = {"zone": "tasktypes"}
    assert [get(sandbox, query).json()["status"] for _ in range(3)] == ["0", "0", "6"]
    requests.post(sandbox.url + "_sandbox/reset_windows", json={}, timeout=5)
    assert [get(sandbox, query).json()["status"] for _ in range(3)] == ["0", "0", "6"]


def test_daily_limit_answers_status_7_but_lastupdate_still_works(sandbox):
    requests.post(sandbox.url + "_sandbox/limits", json={"daily": 1}, timeout=5)
    first = get(sandbox, {"zone": "tasktypes"})
    second = get(sandbox, {"zone": "tasktypes"})
    assert first.json()["status"] == "0" and first.headers["X-RateLimit-Daily-Remaining"] == "0"
    assert second.json() == {"status": "7", "statusmessage": "Exceeded Rate Limit - Daily"}
    assert get(sandbox, {"zone": "lastupdate", "where": "and|zonename|=|tasks"}).json()["status"] == "0"


# ---- faults --------------------------------------------------------------------------------------------
def test_size_and_slow_query_statuses(sandbox):
    requests.post(
        sandbox.url + "_sandbox/faults",
        json={"size_limit_bytes": {"tasks": 1000}, "slow_query_page_size": {"quotes": 10}},
        timeout=5,
    )
    assert get(sandbox, {"zone": "tasks", "where": ALL_TASKS}).json()["status"] == "8"
    assert get(sandbox, {"zone": "quotes", "where": ALL_QUOTES, "pageSize": 11}).json()["status"] == "888888"
    assert get(sandbox, {"zone": "quotes", "where": ALL_QUOTES, "pageSize": 10}).json()["status"] == "0"


def test_injected_faults_are_seeded_and_counted(sandbox):
    requests.post(
        sandbox.url + "_sandbox/faults", json={"seed": 1, "server_error": 0.5, "drop": 0.3}, timeout=5
    )
    outcomes = []
    for _ in range(20):
        try:
            outcomes.append(get(sandbox, {"zone": "tasktypes"}).status_code)
        except requests.ConnectionError:
            outcomes.append("drop")
    assert "drop" in outcomes and any(o in (500, 502, 503) for o in outcomes) and 200 in outcomes
    stats = requests.get(sandbox.url + "_sandbox/stats", timeout=5).json()
    assert stats["faults"]["drop"] == outcomes.count("drop")


# ---- LastUpdate coverage ---------------------------------------------------------------------------
DOCUMENTED_IN_LASTUPDATE = {
    "tasks", "quotes", "purchaseorders", "taskmaterials", "invoices",
    "clients", "suppliers", "locations", "tasklabours", "taskexpenses",
}  # fmt: skip


def test_documented_coverage_is_the_zones_the_documentation_shows_in_lastupdate():
    assert documented_in_lastupdate() == DOCUMENTED_IN_LASTUPDATE


def test_lastupdate_coverage_hides_the_undocumented_zones_past_and_new():
    with Sandbox(port=0, scale=0.05, seed=9, lastupdate_coverage="documented") as small:
        control = SandboxClient(small)
        names = {e["zonename"] for e in control.truth("lastupdate")}
        assert names == {ZONES[key].lastupdate_name for key in DOCUMENTED_IN_LASTUPDATE}
        user = control.truth("users")[0]["userid"]
        task = control.truth("tasks")[0]["taskid"]
        for zone, record_id in (("users", user), ("tasks", task)):
            control.post(
                "mutate", {"op": "update", "zone": zone, "id": record_id, "at": "2030-01-01T00:00:00"}
            )
        latest = {
            (e["zonename"], e["zoneid"]) for e in control.truth("lastupdate") if e["lastupdateutc"] >= "2030"
        }
        assert latest == {("tasks", task)}
        # "all" shows every tracked zone again, the change made meanwhile included.
        assert control.post("lastupdate_coverage", {"coverage": "all"}) == {"coverage": "all"}
        latest = {
            (e["zonename"], e["zoneid"]) for e in control.truth("lastupdate") if e["lastupdateutc"] >= "2030"
        }
        assert latest == {("tasks", task), ("users", user)}
        refused = requests.post(control.url + "lastupdate_coverage", json={"coverage": "some"}, timeout=5)
        assert refused.status_code == 400


# ---- stalled connections and slow windows ------------------------------------------------------------
def test_a_stalled_call_is_held_without_blocking_others_and_released_by_a_new_plan(sandbox):
    requests.post(sandbox.url + "_sandbox/faults", json={"stall_calls": [2], "stall_seconds": 60}, timeout=5)
    query = {"zone": "tasks", "where": ALL_TASKS, "pageSize": 10}
    assert get(sandbox, query).json()["status"] == "0"  # call 1
    answers: list[tuple[requests.Response, float]] = []
    started = time.monotonic()
    stalled = threading.Thread(target=lambda: answers.append((get(sandbox, query), time.monotonic())))
    stalled.start()  # call 2: held
    time.sleep(1.5)
    quick = get(sandbox, query)  # call 3, while call 2 waits: answered at once
    assert quick.json()["status"] == "0" and not answers
    requests.post(sandbox.url + "_sandbox/faults", json={}, timeout=5)  # releases call 2
    stalled.join(timeout=10)
    response, finished = answers[0]
    assert 1.5 <= finished - started < 10 and response.json()["status"] == "0"
    stats = requests.get(sandbox.url + "_sandbox/stats", timeout=5).json()
    assert stats["faults"] == {"stall": 1} and stats["daily_counted"] == {"tasks": 3}


def test_a_stall_by_chance_lasts_stall_seconds(sandbox):
    requests.post(sandbox.url + "_sandbox/faults", json={"stall": 1.0, "stall_seconds": 0.6}, timeout=5)
    started = time.monotonic()
    assert get(sandbox, {"zone": "tasktypes"}).json()["status"] == "0"
    assert time.monotonic() - started >= 0.6


def test_stopping_the_sandbox_releases_a_stalled_call():
    small = Sandbox(port=0, scale=0.05, seed=9, faults=FaultPlan(stall_calls=[1])).start()
    outcome: list[object] = []

    def call() -> None:
        try:
            outcome.append(get(small, {"zone": "tasktypes"}).status_code)
        except requests.ConnectionError as error:
            outcome.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.5)
    started = time.monotonic()
    small.stop()
    caller.join(timeout=10)
    assert not caller.is_alive() and outcome and time.monotonic() - started < 5


@pytest.mark.parametrize(
    "where, status",
    [
        ([ALL_TASKS], "888888"),
        (["and|datetimerequested|>|2024-01-01 00:00:00", "and|datetimerequested|<|2024-01-31 00:00:00"], "0"),
        (
            ["and|datetimerequested|>|2024-01-01 00:00:00", "and|datetimerequested|<|2024-03-01 00:00:00"],
            "888888",
        ),
        (["and|daterequested|>|2024-01-01", "and|daterequested|<|2024-01-15", "and|jobnumber|>|0"], "0"),
        (
            ["and|(|datetimerequested|>|2024-01-01 00:00:00", "or|datetimerequested|<|2024-01-02 00:00:00|)"],
            "888888",
        ),
        (["and|jobnumber|>|0"], "888888"),
        (["and|nosuchfield|=|1"], "9"),
    ],
)
def test_a_slow_window_times_out_unless_the_where_bounds_a_date_field(sandbox, where, status):
    requests.post(sandbox.url + "_sandbox/faults", json={"slow_query_window_days": {"tasks": 31}}, timeout=5)
    for page_size in (500, 10):  # whatever the page size
        assert (
            get(sandbox, {"zone": "tasks", "where": where, "pageSize": page_size}).json()["status"] == status
        )
    assert get(sandbox, {"zone": "quotes", "where": ALL_QUOTES}).json()["status"] == "0"  # other zones
