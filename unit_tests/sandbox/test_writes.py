"""Writes through the sandbox's API (aroflo_sandbox/writes.py): clients and task notes POSTed as AroFlo
documents them, answered as AroFlo's example answers (aroflo_sandbox/documented/posts.json), with the
pipeline, limits and faults of every call. Requests are signed by the connector's own signer over the raw
form body."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from aroflo_client.signing import (
    Signer,
    authorization_value,
    canonical_payload,
    encode_component,
    sign,
    utc_timestamp,
)
from aroflo_sandbox.documented import post_examples
from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.writes import CLIENT_TEXT, NOTE_FILTERS
from aroflo_sandbox.zones import ZONES
from aroflo_testing.harness import SandboxClient
from unit_tests.sandbox.test_shapes import allowed, shapes

FORM = "application/x-www-form-urlencoded"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0, scale=0.05, seed=11, limits=Limits(per_second=1000, per_minute=100000)) as running:
        yield running


@pytest.fixture
def control(sandbox: Sandbox) -> Iterator[SandboxClient]:
    client = SandboxClient(sandbox)
    client.post("reset_stats")
    client.post("reset_day")
    yield client
    client.faults()
    client.post("limits", {"per_second": 1000, "per_minute": 100000, "daily": 2000, "secondary_daily": 20000})


# ---- requests ----------------------------------------------------------------------------------------------
def body_of(form: dict[str, str]) -> str:
    """The form body as the vendor builds it: each value encodeURIComponent-ed, joined with '&'."""
    return "&".join(f"{name}={encode_component(text)}" for name, text in form.items())


def post_raw(sandbox: Sandbox, body: str, signed: str | None = None, timeout: float = 10, **headers: str):
    """POST `body` signed over `signed` (default: the body itself), as a client of AroFlo's API does."""
    credentials = sandbox.state.credentials
    authorization = authorization_value(credentials.u_encoded, credentials.p_encoded, credentials.org_encoded)
    stamp = utc_timestamp()
    payload = canonical_payload("POST", "text/json", authorization, stamp, body if signed is None else signed)
    sent = {
        "Authentication": "HMAC " + sign(credentials.secret_key, payload),
        "Authorization": authorization,
        "Accept": "text/json",
        "afdatetimeutc": stamp,
        "Content-Type": FORM,
        **headers,
    }
    return requests.post(sandbox.url, data=body.encode(), headers=sent, timeout=timeout)


def post(sandbox: Sandbox, zone: str, postxml: str, timeout: float = 10) -> requests.Response:
    return post_raw(sandbox, body_of({"zone": zone, "postxml": postxml}), timeout=timeout)


def results(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert (body["status"], body["statusmessage"]) == ("0", "Login OK"), body
    found: dict[str, Any] = body["zoneresponse"]["postresults"]
    return found


def get(sandbox: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    request = requests.Request("GET", sandbox.url, params=params).prepare()
    Signer.from_config(sandbox.connector_config())(request)
    answer: dict[str, Any] = requests.Session().send(request, timeout=10).json()
    return answer


def element(tag: str, value: Any) -> str:
    """`value` as XML: text in CDATA, a dict as child elements, a list of (tag, value) pairs as children."""
    if isinstance(value, dict):
        inner = "".join(element(k, v) for k, v in value.items())
    elif isinstance(value, list):
        inner = "".join(element(k, v) for k, v in value)
    else:
        inner = f"<![CDATA[{value}]]>"
    return f"<{tag}>{inner}</{tag}>"


def clients_xml(*clients: dict[str, Any]) -> str:
    return element("clients", [("client", client) for client in clients])


def new_client(**fields: Any) -> dict[str, Any]:
    """A client to insert, with a name no other test uses."""
    return {"clientname": f"Writes Test {next(_names)}", "firstname": "Jayne", "surname": "Doe", **fields}


def notes_xml(*tasks: tuple[str, list[dict[str, str]]]) -> str:
    return element(
        "tasks",
        [
            ("task", [("taskid", taskid), ("notes", [("note", note) for note in notes])])
            for taskid, notes in tasks
        ],
    )


def note(content: str = "checked the meter", filter: str = "Internal Only", sticky: str = "false"):
    return {"content": content, "filter": filter, "sticky": sticky}


def client_by_id(control: SandboxClient, clientid: str, join: str = "") -> dict[str, Any] | None:
    return next((c for c in control.truth("clients", join) if c["clientid"] == clientid), None)


def task_notes(control: SandboxClient, taskid: str) -> list[dict[str, Any]]:
    task = next(t for t in control.truth("tasks", "notes") if t["taskid"] == taskid)
    notes: list[dict[str, Any]] = task["tasknotes"]
    return notes


def default_orgid(control: SandboxClient) -> str:
    return str(control.truth("businessunits")[0]["orgid"])


def swap(data: Any, old: str, new: str) -> Any:
    """`data` with every occurrence of the text `old` replaced by `new` (ids of AroFlo's examples)."""
    return json.loads(json.dumps(data).replace(old, new))


# ---- the pipeline ------------------------------------------------------------------------------------------
def test_a_signed_post_is_written_and_a_tampered_body_refused(sandbox, control):
    client = new_client()
    body = body_of({"zone": "clients", "postxml": clients_xml(client)})
    tampered = body.replace("Writes%20Test", "Written%20Test")
    refused = post_raw(sandbox, tampered, signed=body).json()
    assert refused == {"status": "-99999", "statusmessage": "Authentication Failed - Signatures do not match"}
    assert control.writes("clients")["writes_committed"] == 0
    inserted = results(post_raw(sandbox, body))["inserts"]["clients"][0]
    assert client_by_id(control, inserted["clientid"])["clientname"] == client["clientname"]
    assert control.writes("clients") == {
        "post_calls": 2,
        "writes_committed": 1,
        "writes_lost": 0,
        "records_posted": 1,
        "records_written": 1,
    }
    assert control.post_count() == 2 and control.post_count("clients") == 2


def test_the_signature_covers_the_raw_body_as_sent(sandbox, control):
    """A PHP client encodes a space as '+': the bytes it signed are the bytes it sent, so they pass."""
    name = f"Plus Encoded {next(_names)}"
    xml = clients_xml({"clientname": name, "firstname": "Jo", "surname": "Bloggs"})
    body = "zone=clients&postxml=" + encode_component(xml).replace("%20", "+")
    inserted = results(post_raw(sandbox, body))["inserts"]["clients"][0]
    assert inserted["clientname"] == name and "error" not in inserted


def test_the_form_is_read_only_from_a_form_body(sandbox, control):
    body = body_of({"zone": "clients", "postxml": clients_xml(new_client())})
    answer = post_raw(sandbox, body, **{"Content-Type": "text/plain"}).json()
    assert answer == {"status": "10", "statusmessage": "No Zone Specified"}
    assert control.stats()["writes_committed"] == {}


def test_other_fields_of_the_form_are_ignored(sandbox, control):
    form = {"zone": "clients", "join": "materials", "postxml": clients_xml(new_client())}
    assert "clientid" in results(post_raw(sandbox, body_of(form)))["inserts"]["clients"][0]


def test_writes_outside_clients_and_task_notes_are_refused(sandbox, control):
    invoices = results(post(sandbox, "invoices", "<invoices><invoice/></invoices>"))
    assert invoices["updates"] == {"invoices": []} and invoices["inserts"] == {"invoices": []}
    assert [e["code"] for e in invoices["errors"]] == ["999"]
    assert "clients and task notes only, not zone=invoices" in invoices["errors"][0]["detail"]
    taskid = control.truth("tasks")[0]["taskid"]
    before = control.truth("tasks")
    xml = f"<tasks><task><taskid>{taskid}</taskid><status>Completed</status></task></tasks>"
    assert "a <task> carrying <status>" in results(post(sandbox, "tasks", xml))["errors"][0]["detail"]
    new_task = "<tasks><task><taskname>Fix it</taskname></task></tasks>"
    assert "(a new task)" in results(post(sandbox, "tasks", new_task))["errors"][0]["detail"]
    assert control.truth("tasks") == before
    assert post(sandbox, "vehicles", "<vehicles/>").json() == {
        "status": "10",
        "statusmessage": "Invalid Zone Specified: vehicles",
    }
    assert requests.put(sandbox.url, timeout=5).json()["status"] == "5"


def test_the_request_log_says_what_was_posted_without_its_contents(sandbox, control):
    post(sandbox, "clients", clients_xml(new_client(), new_client(clientname="")))
    line = control.stats(log=True)["log"][-1]
    assert line["method"] == "POST" and line["zone"] == "clients"
    assert (line["records"], line["written"], line["status"]) == (2, 1, "0")
    assert "Writes Test" not in json.dumps(line) and "postxml" not in line


# ---- AroFlo's documented answers ---------------------------------------------------------------------------
def test_the_documented_create_client_and_its_name_clash(sandbox, control):
    """POST Create Client's own postxml (its business unit swapped for the sandbox's) answers exactly the two
    documented answers: "Create Client" (the new id aside), then "ERROR: Client already exists"."""
    clash, created = post_examples("POST Create Client")
    orgid, documented_orgid = default_orgid(control), "JCdKUyZRMCAgCg=="
    form = swap(created["form"], documented_orgid, orgid)
    answer = post_raw(sandbox, body_of(form)).json()
    new_id = answer["zoneresponse"]["postresults"]["inserts"]["clients"][0]["clientid"]
    documented_id = created["response"]["zoneresponse"]["postresults"]["inserts"]["clients"][0]["clientid"]
    assert swap(swap(answer, new_id, documented_id), orgid, documented_orgid) == created["response"]
    again = post_raw(sandbox, body_of(form)).json()
    assert swap(again, orgid, documented_orgid) == clash["response"]
    stored = client_by_id(control, new_id)
    assert stored["clientname"] == "A Test Client" and stored["address"]["suburb"] == "Ringwood"
    assert stored["orgs"][0]["orgid"] == orgid and stored["mailingaddress"]["postcode"] == "3066"


def test_the_documented_primary_contact_update(sandbox, control):
    documented = next(
        e for e in post_examples("POST Update Client primary contact phone") if not e["defects"]
    )
    client = next(c for c in control.truth("clients", "contacts") if c["contacts"])
    contact = client["contacts"][0]["userid"]
    form = swap(documented["form"], "JSZaVy1QLEggCg==", client["clientid"])
    answer = post_raw(sandbox, body_of(form)).json()
    expected = swap(
        swap(documented["response"], "JSZaVy1QLEggCg==", client["clientid"]), "JSZKQyFQTEwgCg==", contact
    )
    assert answer == expected
    assert client_by_id(control, client["clientid"])["phone"] == "03 1234 5678"
    assert next(c for c in control.truth("contacts") if c["userid"] == contact)["phone"] == "03 1234 5678"
    joined = client_by_id(control, client["clientid"], "contacts")["contacts"][0]
    assert joined["phone"] == "03 1234 5678"


def test_the_documented_mark_as_processed(sandbox, control):
    documented = post_examples("POST Mark Clients as processed.")[0]
    first, second = (c["clientid"] for c in control.truth("clients")[-2:])
    form = swap(swap(documented["form"], "JCdKUydSQCAgCg==", first), "JCdKUyZRMCAgCg==", second)
    answer = results(post_raw(sandbox, body_of(form)))
    expected = swap(swap(documented["response"], "JCdKUydSQCAgCg==", first), "JCdKUyZRMCAgCg==", second)
    expected = expected["zoneresponse"]["postresults"]
    # The documented counter says 1 for the two clients it echoes; the sandbox counts what it echoes.
    assert (answer.pop("updatetotal"), expected.pop("updatetotal")) == (2, 1)
    assert answer == expected
    assert {client_by_id(control, c)["postable"] for c in (first, second)} == {"FALSE"}


def test_the_documented_notes_to_task(sandbox, control):
    documented = post_examples("POST Insert Notes to Task")[0]
    taskid = control.truth("tasks")[1]["taskid"]
    form = swap(documented["form"], "JSZaTy1RPFwgCg==", taskid)
    answer = post_raw(sandbox, body_of(form)).json()
    # The example's echo names the task IyYqSyYK although its postxml names JSZaTy1RPFwgCg==.
    expected = swap(documented["response"], "IyYqSyYK", taskid)
    posted_at = answer["zoneresponse"]["postresults"]["updates"]["tasks"][0]["notes"][0]["dateposted"]
    assert swap(answer, posted_at, "2018/11/01 12:03:53") == expected
    stored = task_notes(control, taskid)[-2:]
    assert [(n["content"], n["note"], n["filter"], n["sticky"]) for n in stored] == [
        ("<p>this is a html note</p>", "<p>this is a html note</p>", "Internal Admin Only", "true"),
        ("this is a text note", "this is a text note", "Internal Only", "false"),
    ]
    # As AroFlo's "Get Tasks with notes" shows the same notes, posted through the API.
    assert all(n["user"] == {"userid": "", "username": ""} for n in stored)
    local = datetime.strptime(posted_at, "%Y/%m/%d %H:%M:%S")
    assert stored[0]["dateposted"] == local.strftime("%Y/%m/%d")
    assert stored[0]["timeposted"] == f"{local:%b} {local.day}, {local.year} {local:%-I:%M:%S %p}"


# ---- clients: validation -----------------------------------------------------------------------------------
def refused(answer: dict[str, Any], kind: str = "inserts") -> tuple[str, dict[str, str]]:
    """The one refused record's error text and its errors entry, nothing written."""
    (record,) = answer[kind]["clients"]
    (error,) = answer["errors"]
    assert "clientid" not in record or kind == "updates"
    return record["error"], error


@pytest.mark.parametrize("missing", ["clientname", "firstname", "surname"])
def test_an_insert_requires_name_first_name_and_surname(sandbox, control, missing):
    client = new_client()
    del client[missing]
    text, error = refused(results(post(sandbox, "clients", clients_xml(client))))
    assert text == f"All Required fields need to be supplied: {missing}"
    assert error == {
        "message": "Data Supplied in XML is invalid",
        "code": "106",
        "detail": text,
        "type": "XML",
    }
    blank = new_client(**{missing: "   "})
    assert refused(results(post(sandbox, "clients", clients_xml(blank))))[0] == text
    assert control.writes("clients")["records_written"] == 0


@pytest.mark.parametrize("name, limit", sorted(CLIENT_TEXT.items()))
def test_text_fields_are_at_most_their_documented_length(sandbox, control, name, limit):
    fits = new_client(
        **{name: ("x" * limit) if name != "clientname" else f"{next(_names)} ".ljust(limit, "y")}
    )
    assert "error" not in results(post(sandbox, "clients", clients_xml(fits)))["inserts"]["clients"][0]
    too_long = new_client(**{name: "z" * (limit + 1)})
    text, _ = refused(results(post(sandbox, "clients", clients_xml(too_long))))
    assert text == f"{name} is longer than {limit} characters (STRING({limit}))"


@pytest.mark.parametrize(
    "part, limit", [("addressline1", 150), ("addressline2", 150), ("suburb", 100), ("postcode", 10)]
)
def test_address_parts_are_at_most_their_documented_length(sandbox, control, part, limit):
    client = new_client(mailingaddress={part: "9" * (limit + 1)})
    text, _ = refused(results(post(sandbox, "clients", clients_xml(client))))
    assert text == f"mailingaddress {part} is longer than {limit} characters (STRING({limit}))"


@pytest.mark.parametrize("address", ["address", "mailingaddress"])
@pytest.mark.parametrize("given", [{"state": "VIC"}, {"country": "Australia"}])
def test_state_and_country_are_required_pairs(sandbox, control, address, given):
    text, _ = refused(results(post(sandbox, "clients", clients_xml(new_client(**{address: given})))))
    assert text == f"{address}: State and Country are required pairs, send both or neither"
    clientid = control.truth("clients")[0]["clientid"]
    update = {"clientid": clientid, address: given}
    assert refused(results(post(sandbox, "clients", clients_xml(update))), "updates")[0] == text


@pytest.mark.parametrize(
    "extra, text",
    [
        ({"colour": "red"}, "<colour> is not an element of a client in AroFlo's POSTXML"),
        (
            {"locations": {"location": {"locationname": "Site"}}},
            "<locations> is documented by AroFlo but not modelled by the sandbox",
        ),
        ({"datecreated": "2024-01-01"}, "<datecreated> cannot be inserted or updated"),
        ({"postable": "false"}, "postable cannot be set on insert"),
        ({"gpslat": "south"}, "gpslat is a FLOAT"),
        (
            {"orgs": [("org", {"orgid": "JCdKUyZRMCAgCg=="})]},
            "no business unit has the orgid JCdKUyZRMCAgCg==",
        ),
        ({"address": {"street": "1 High St"}}, "<street> is not an element of <address>"),
        ({"transactionterms": {"transactionterm": "Net 90"}}, "no transaction term is named Net 90"),
        ({"phone": {"number": "1"}}, "<phone> takes a value, not elements"),
    ],
)
def test_what_the_definition_does_not_allow_is_refused(sandbox, control, extra, text):
    before = len(control.truth("clients"))
    assert refused(results(post(sandbox, "clients", clients_xml(new_client(**extra)))))[0] == text
    assert len(control.truth("clients")) == before


def test_an_org_may_not_set_archived(sandbox, control):
    orgs = [("org", {"orgid": default_orgid(control), "archived": "true"})]
    text, _ = refused(results(post(sandbox, "clients", clients_xml(new_client(orgs=orgs)))))
    assert text == "<archived> of <org> cannot be inserted or updated"


def test_a_field_given_twice_is_refused(sandbox, control):
    xml = clients_xml(new_client()).replace("<surname>", "<fax>1</fax><fax>2</fax><surname>")
    assert refused(results(post(sandbox, "clients", xml)))[0] == "<fax> is given twice in <client>"


@pytest.mark.parametrize(
    "postxml, detail",
    [
        ("<clients><client><clientname>A</client></clients>", "postxml is not well-formed XML"),
        ('<!DOCTYPE c [<!ENTITY e "x">]><clients/>', "postxml may not declare a DOCTYPE or entities"),
        ("<client><clientname>A</clientname></client>", "the root element of a clients postxml is <clients>"),
        ("<clients><supplier/></clients>", "<clients> holds <client> elements only, not <supplier>"),
        ("", "No postxml was supplied"),
    ],
)
def test_a_postxml_that_cannot_be_read_is_one_error_and_nothing_written(sandbox, control, postxml, detail):
    answer = results(post(sandbox, "clients", postxml))
    assert answer["inserts"] == {"clients": []} and answer["updates"] == {"clients": []}
    (error,) = answer["errors"]
    assert error["code"] == "106" and error["detail"].startswith(detail)
    assert (answer["inserttotal"], answer["updatetotal"]) == ("0", "0")


def test_inserts_and_updates_must_be_separate_calls(sandbox, control):
    clientid = control.truth("clients")[0]["clientid"]
    answer = results(post(sandbox, "clients", clients_xml(new_client(), {"clientid": clientid, "fax": "1"})))
    assert answer["errors"][0]["detail"].startswith("Updates and Inserts are separate operations")
    assert answer["inserts"]["clients"] == [] and control.writes("clients")["records_written"] == 0


# ---- clients: names ----------------------------------------------------------------------------------------
CLASH = "Client already exists in AroFlo. Please use another name."
CLASH_ERROR = {
    "message": "Unable to make changes to Database",
    "code": "209",
    "detail": "Client already exists",
    "type": "Database",
}


def test_a_taken_name_clashes_trimmed_and_in_any_case(sandbox, control):
    taken = control.truth("clients")[3]["clientname"]
    for spelling in (taken, f"  {taken.upper()}  ", taken.lower()):
        text, error = refused(results(post(sandbox, "clients", clients_xml(new_client(clientname=spelling)))))
        assert (text, error) == (CLASH, CLASH_ERROR)


def test_an_archived_clients_name_is_taken(sandbox, control):
    archived = get(sandbox, {"zone": "clients", "where": "and|archived|=|true"})["zoneresponse"]["clients"]
    assert archived
    taken = new_client(clientname=archived[0]["clientname"])
    assert refused(results(post(sandbox, "clients", clients_xml(taken)))) == (CLASH, CLASH_ERROR)


def test_two_new_clients_of_one_name_in_one_post(sandbox, control):
    twin = new_client()
    answer = results(post(sandbox, "clients", clients_xml(twin, dict(twin))))
    first, second = answer["inserts"]["clients"]
    assert "clientid" in first and second["error"] == CLASH and answer["errors"] == [CLASH_ERROR]
    assert answer["inserttotal"] == 2  # the records echoed, as the documented clash answer counts its one


def test_a_rename_onto_another_clients_name_clashes_but_not_onto_its_own(sandbox, control):
    mine, other = control.truth("clients")[5:7]
    rename = {"clientid": mine["clientid"], "clientname": other["clientname"]}
    (echo,) = results(post(sandbox, "clients", clients_xml(rename)))["updates"]["clients"]
    assert echo == {**rename, "error": CLASH}
    recased = {"clientid": mine["clientid"], "clientname": mine["clientname"].upper()}
    (echo,) = results(post(sandbox, "clients", clients_xml(recased)))["updates"]["clients"]
    assert echo == recased
    assert client_by_id(control, mine["clientid"])["clientname"] == mine["clientname"].upper()


# ---- clients: what is written ------------------------------------------------------------------------------
def test_several_clients_in_posted_order_with_mixed_results(sandbox, control):
    good, bad, late = new_client(), new_client(abn="1" * 51), new_client(email="a@b.example")
    answer = results(post(sandbox, "clients", clients_xml(good, bad, late)))
    echoes = answer["inserts"]["clients"]
    assert [e["clientname"] for e in echoes] == [good["clientname"], bad["clientname"], late["clientname"]]
    assert ["clientid" in e for e in echoes] == [True, False, True]
    assert len(answer["errors"]) == 1 and answer["updatetotal"] == "0"
    names = {c["clientname"] for c in control.truth("clients")}
    assert good["clientname"] in names and late["clientname"] in names and bad["clientname"] not in names
    assert (
        control.writes("clients")["records_posted"] == 3 and control.writes("clients")["records_written"] == 2
    )


def test_a_new_client_looks_like_every_other_and_is_read_like_them(sandbox, control):
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0).strftime("%Y/%m/%d %H:%M:%S")
    client = new_client(
        address={"addressline1": " 1 Main Rd ", "state": "NSW", "country": "Australia"}, gpslat="-33.8"
    )
    clientid = results(post(sandbox, "clients", clients_xml(client)))["inserts"]["clients"][0]["clientid"]
    records = control.truth("clients")
    stored = next(c for c in records if c["clientid"] == clientid)
    generated = records[0]
    assert list(stored) == list(generated)
    assert set(stored["mailingaddress"]) == set(generated["mailingaddress"])
    assert stored["address"] == {
        "addressline1": "1 Main Rd", "addressline2": "", "suburb": "", "state": "NSW", "postcode": "",
        "country": "Australia", "gpslat": "-33.8",
    }  # fmt: skip
    home = control.truth("businessunits")[0]["address"]  # no state or country: the business unit's
    assert (stored["mailingaddress"]["state"], stored["mailingaddress"]["country"]) == (
        home["state"],
        home["country"],
    )
    assert stored["shortname"] == client["clientname"].replace(" ", "")[:6] and stored["postable"] == "FALSE"
    assert stored["orgs"] == [
        {"orgid": default_orgid(control), "orgname": "Harbourline Services", "archived": "false"}
    ]
    assert len(stored["datetimeinserted"]) >= 21 and stored["datetimeinserted"][4] == "-"
    by_name = get(sandbox, {"zone": "clients", "where": f"and|clientname|=|{client['clientname']}"})
    assert by_name["zoneresponse"]["clients"] == [stored]
    assert stored in get(sandbox, {"zone": "clients", "pageSize": 500})["zoneresponse"]["clients"]  # 30 days
    logged = [e for e in control.truth("lastupdate") if e["zoneid"] == clientid]
    assert [(e["zonename"], e["isdeleted"]) for e in logged] == [("clients", 0)]
    assert logged[0]["lastupdateutc"] >= started


def test_an_update_changes_only_the_posted_fields(sandbox, control):
    before = control.truth("clients")[8]
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(seconds=1)
    update = {
        "clientid": before["clientid"],
        "website": "",
        "termsnote": "net 30",
        "mailingaddress": {"suburb": "Ringwood", "state": "VIC", "country": "Australia"},
    }
    (echo,) = results(post(sandbox, "clients", clients_xml(update)))["updates"]["clients"]
    assert echo == update  # no primary contact field posted: no primarycontact
    after = client_by_id(control, before["clientid"])
    assert after["website"] == "" and after["termsnote"] == "net 30"
    assert after["mailingaddress"] == {
        **before["mailingaddress"],
        "suburb": "Ringwood",
        "state": "VIC",
        "country": "Australia",
    }
    unchanged = {k: v for k, v in after.items() if k not in ("website", "termsnote", "mailingaddress")}
    assert unchanged == {
        k: v for k, v in before.items() if k not in ("website", "termsnote", "mailingaddress")
    }
    entry = next(e for e in control.truth("lastupdate") if e["zoneid"] == before["clientid"])
    assert entry["lastupdateutc"] > f"{started:%Y/%m/%d %H:%M:%S}"
    where = f"and|lastupdatedatetimeutc|>|{started:%Y-%m-%d %H:%M:%S}"
    changed = get(sandbox, {"zone": "clients", "where": where})["zoneresponse"]["clients"]
    assert before["clientid"] in {c["clientid"] for c in changed}


def test_an_update_assigns_business_units_and_terms(sandbox, control):
    client = control.truth("clients")[9]
    units = [u["orgid"] for u in control.truth("businessunits")]
    term = control.truth("transactionterms")[2]
    update = {
        "clientid": client["clientid"],
        "orgs": [("org", {"orgid": units[1]}), ("org", {"orgid": units[0]})],
        "transactionterms": {"transactiontermid": term["transactiontermid"]},
        "postable": "true",
    }
    (echo,) = results(post(sandbox, "clients", clients_xml(update)))["updates"]["clients"]
    assert echo["orgs"] == {"org": [{"orgid": units[1]}, {"orgid": units[0]}]}
    after = client_by_id(control, client["clientid"])
    assert [o["orgid"] for o in after["orgs"]] == list(
        dict.fromkeys([o["orgid"] for o in client["orgs"]] + [units[1], units[0]])
    )
    assert after["terms"] == term["transactionterm"] == after["transactionterms"]["transactionterm"]
    assert after["postable"] == "TRUE"


def test_an_update_of_an_unknown_client_or_nothing_is_refused(sandbox, control):
    text, error = refused(
        results(post(sandbox, "clients", clients_xml({"clientid": "JAAAAAAAAAAgCg==", "fax": "1"}))),
        "updates",
    )
    assert text == "no client has the clientid JAAAAAAAAAAgCg==" and error["code"] == "106"
    clientid = control.truth("clients")[0]["clientid"]
    text, _ = refused(results(post(sandbox, "clients", clients_xml({"clientid": clientid}))), "updates")
    assert text == "nothing to update: the client carries only its clientid"
    text, _ = refused(
        results(post(sandbox, "clients", clients_xml({"clientid": clientid, "surname": " "}))), "updates"
    )
    assert text == "surname cannot be set empty"


def test_written_records_have_the_shapes_of_aroflos_examples(sandbox, control):
    """What a write stores is read as AroFlo's example records are (test_shapes.py holds the generated ones to
    the same rule): no field or kind the examples do not show."""
    full = new_client(
        abn="12 345 678 901", website="example.com", gpslat="-37.8", gpslong="145.2",
        address={"addressline1": "1 Main Rd", "suburb": "Ringwood", "state": "VIC", "country": "Australia"},
        transactionterms={"transactionterm": control.truth("transactionterms")[0]["transactionterm"]},
    )  # fmt: skip
    clientid = results(post(sandbox, "clients", clients_xml(full)))["inserts"]["clients"][0]["clientid"]
    taskid = control.truth("tasks")[8]["taskid"]
    results(post(sandbox, "tasks", notes_xml((taskid, [note("<p>shape</p>", "Show Client", "true")]))))
    for zone, record_id in (("clients", clientid), ("tasks", taskid)):
        key = ZONES[zone].primary_key[0]
        records = [r for r in control.truth(zone, ",".join(ZONES[zone].joins)) if r[key] == record_id]
        assert len(records) == 1
        invented = {}
        for path, kinds in shapes(records).items():
            shown = allowed(zone, path)
            extra = {k for k in kinds - shown if not (k == "string" and "blank" in shown)}
            if extra:
                invented[path] = (sorted(extra), sorted(shown))
        assert not invented, zone


# ---- task notes --------------------------------------------------------------------------------------------
def test_several_tasks_and_notes_in_one_post_with_mixed_results(sandbox, control):
    first, second = (t["taskid"] for t in control.truth("tasks")[2:4])
    before = {taskid: len(task_notes(control, taskid)) for taskid in (first, second)}
    xml = notes_xml(
        (first, [note("one"), note("two", filter="Staff only"), note("three", "SHOW ALL", "TRUE")]),
        ("JAAAAAAAAAAgCg==", [note("lost")]),
        (second, [note("<b>four</b>", "show contractor")]),
    )
    answer = results(post(sandbox, "tasks", xml))
    tasks = answer["updates"]["tasks"]
    assert [t["taskid"] for t in tasks] == [first, "JAAAAAAAAAAgCg==", second]
    assert [n.get("error", n["filter"]) for n in tasks[0]["notes"]] == [
        "0",
        "filter is one of Internal Only, Show Client, Show Contractor, Show All, Internal Admin Only, "
        "not Staff only",
        "3",
    ]
    assert tasks[1] == {
        "taskid": "JAAAAAAAAAAgCg==",
        "notes": [],
        "error": "no task has the taskid JAAAAAAAAAAgCg==",
    }
    assert [n["filter"] for n in tasks[2]["notes"]] == ["2"]
    assert (answer["inserttotal"], answer["updatetotal"], len(answer["errors"])) == (3, 3, 2)
    assert [n["content"] for n in task_notes(control, first)[before[first] :]] == ["one", "three"]
    assert [n["sticky"] for n in task_notes(control, first)[before[first] :]] == ["false", "true"]
    assert [n["content"] for n in task_notes(control, second)[before[second] :]] == ["<b>four</b>"]
    assert control.writes("tasks")["records_posted"] == 5 and control.writes("tasks")["records_written"] == 3


@pytest.mark.parametrize(
    "spelling", [name for name, _ in NOTE_FILTERS.values()] + ["internal admin only", "SHOW CLIENT"]
)
def test_every_documented_filter_in_any_case(sandbox, control, spelling):
    taskid = control.truth("tasks")[4]["taskid"]
    (task,) = results(post(sandbox, "tasks", notes_xml((taskid, [note(filter=spelling)]))))["updates"][
        "tasks"
    ]
    name, code = NOTE_FILTERS[spelling.lower()]
    assert task["notes"][0]["filter"] == code and task_notes(control, taskid)[-1]["filter"] == name


@pytest.mark.parametrize(
    "posted, text",
    [
        ({"content": "x", "sticky": "false"}, "<filter> is required"),
        ({"content": "x", "filter": "Internal Only"}, "<sticky> is required"),
        ({"filter": "Internal Only", "sticky": "false"}, "<content> is required"),
        ({"content": " ", "filter": "Internal Only", "sticky": "false"}, "content is empty"),
        ({"content": "x", "filter": "Internal Only", "sticky": "yes"}, "sticky is a BOOLEAN: true or false"),
        (
            {"content": "x", "filter": "Internal Only", "sticky": "false", "user": "me"},
            "<user> is not an element of a note in AroFlo's POSTXML",
        ),
    ],
)
def test_a_note_needs_content_filter_and_sticky(sandbox, control, posted, text):
    taskid = control.truth("tasks")[5]["taskid"]
    before = task_notes(control, taskid)
    (task,) = results(post(sandbox, "tasks", notes_xml((taskid, [posted]))))["updates"]["tasks"]
    assert task["notes"][0]["error"] == text
    assert task_notes(control, taskid) == before


def test_notes_are_read_with_either_join_and_move_the_tasks_last_update(sandbox, control):
    task = control.truth("tasks")[6]
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0).strftime("%Y/%m/%d %H:%M:%S")
    results(post(sandbox, "tasks", notes_xml((task["taskid"], [note("  <p>Needs a <em>ladder</em></p>\n")]))))
    for join in ("notes", "tasknotes"):
        (read,) = get(sandbox, {"zone": "tasks", "where": f"and|taskid|=|{task['taskid']}", "join": join})[
            "zoneresponse"
        ]["tasks"]
        assert (
            read["tasknotes"][-1]["content"]
            == read["tasknotes"][-1]["note"]
            == "<p>Needs a <em>ladder</em></p>"
        )
    (plain,) = get(sandbox, {"zone": "tasks", "where": f"and|taskid|=|{task['taskid']}"})["zoneresponse"][
        "tasks"
    ]
    assert plain["tasknotes"] == []
    assert plain["lastupdateddatetimeutc"] >= started
    # Only its last-update fields moved (a task last written years ago now shows the current era's fields).
    timeless = ("lastupdated", "created")
    assert {k: v for k, v in plain.items() if not any(t in k for t in timeless)} == {
        k: v for k, v in task.items() if not any(t in k for t in timeless)
    }
    entry = next(e for e in control.truth("lastupdate") if e["zoneid"] == task["taskid"])
    assert (entry["zonename"], entry["lastupdateutc"] >= started) == ("tasks", True)


# ---- faults ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["drop", "5xx"])
def test_a_lost_answer_comes_after_the_commit(sandbox, control, mode):
    control.faults(lost_write_answers=1, lost_write_mode=mode)
    client = new_client()
    if mode == "drop":
        with pytest.raises(requests.ConnectionError):
            post(sandbox, "clients", clients_xml(client))
    else:
        response = post(sandbox, "clients", clients_xml(client))
        assert response.status_code in (502, 503) and response.headers["Content-Type"] == "text/html"
    assert client["clientname"] in {c["clientname"] for c in control.truth("clients")}
    assert control.writes("clients")["writes_lost"] == 1 and control.stats()["faults"] == {
        f"lost_write_{mode}": 1
    }
    # Only the next n POSTs: the retry is answered, and clashes with the write that was committed.
    retry = results(post(sandbox, "clients", clients_xml(client)))
    assert retry["inserts"]["clients"][0]["error"] == CLASH


def test_a_stalled_answer_comes_after_the_commit_and_is_released(sandbox, control):
    control.faults(lost_write_answers=1, lost_write_mode="stall", stall_seconds=60)
    taskid = control.truth("tasks")[7]["taskid"]
    count = len(task_notes(control, taskid))
    with pytest.raises(requests.ReadTimeout):
        post(sandbox, "tasks", notes_xml((taskid, [note("stalled")])), timeout=1)
    assert [n["content"] for n in task_notes(control, taskid)[count:]] == ["stalled"]
    assert control.writes("tasks")["writes_lost"] == 1
    answers: list[requests.Response] = []
    control.faults(lost_write_answers=1, lost_write_mode="stall", stall_seconds=60)
    waiting = threading.Thread(
        target=lambda: answers.append(post(sandbox, "tasks", notes_xml((taskid, [note("later")]))))
    )
    waiting.start()
    time.sleep(0.5)
    assert not answers
    control.faults()  # a new plan releases it: the answer arrives, the note was written
    waiting.join(timeout=10)
    assert results(answers[0])["inserttotal"] == 1


@pytest.mark.parametrize(
    "plan, outcome",
    [
        ({"storm_429": 1.0}, 429),
        ({"status_6": 1.0}, "6"),
        ({"server_error": 1.0}, "5xx"),
        ({"drop": 1.0}, "drop"),
        ({"expired": 1.0}, "-99999"),
    ],
)
def test_faults_before_the_commit_write_nothing(sandbox, control, plan, outcome):
    control.faults(**plan)
    client = new_client()
    try:
        response = post(sandbox, "clients", clients_xml(client))
        seen: Any = response.status_code if response.status_code != 200 else response.json()["status"]
        seen = "5xx" if seen in (500, 502, 503) else seen
    except requests.ConnectionError:
        seen = "drop"
    assert seen == outcome
    control.faults()
    assert client["clientname"] not in {c["clientname"] for c in control.truth("clients")}
    assert control.writes("clients")["writes_committed"] == 0 and control.post_count("clients") == 1


def test_a_user_without_write_permission_reads_but_cannot_write(sandbox, control):
    control.faults(write_permission=False)
    client = new_client()
    answer = post(sandbox, "clients", clients_xml(client)).json()
    assert answer == {"status": "4", "statusmessage": "Login Failed - Permission Denied"}
    assert get(sandbox, {"zone": "tasktypes"})["status"] == "0"
    assert client["clientname"] not in {c["clientname"] for c in control.truth("clients")}
    assert control.writes("clients")["writes_committed"] == 0


def test_the_fault_route_refuses_an_unknown_lost_write_mode(sandbox, control):
    response = requests.post(control.url + "faults", json={"lost_write_mode": "explode"}, timeout=5)
    assert response.status_code == 400 and "lost_write_mode" in response.json()["error"]
    assert requests.post(control.url + "faults", json={"no_such_fault": 1}, timeout=5).status_code == 400
    quoted = requests.post(control.url + "faults", json={"write_permission": "false"}, timeout=5)
    assert quoted.status_code == 400


# ---- limits ------------------------------------------------------------------------------------------------
def test_a_post_counts_against_the_daily_allowance_never_the_secondary(sandbox, control):
    response = post(sandbox, "clients", clients_xml(new_client()))
    assert response.headers["X-RateLimit-Daily-Remaining"] == "1999"
    assert response.headers["X-RateLimit-Secondary-Daily-Remaining"] == "20000"
    stats = control.stats()
    assert stats["daily_counted"] == {"clients": 1} and stats["secondary_counted"] == {}


def test_the_daily_limit_refuses_a_post_before_it_is_written(sandbox, control):
    control.post("limits", {"daily": 1})
    first, second = new_client(), new_client()
    assert results(post(sandbox, "clients", clients_xml(first)))["inserts"]["clients"][0]["clientid"]
    assert post(sandbox, "clients", clients_xml(second)).json() == {
        "status": "7",
        "statusmessage": "Exceeded Rate Limit - Daily",
    }
    assert second["clientname"] not in {c["clientname"] for c in control.truth("clients")}


def test_the_per_minute_and_per_second_limits_refuse_posts_before_they_are_written(sandbox, control):
    control.post("limits", {"per_minute": 1})
    if time.time() % 60 > 58:
        time.sleep(3)
    post(sandbox, "clients", clients_xml(new_client()))
    late = new_client()
    assert post(sandbox, "clients", clients_xml(late)).json()["status"] == "6"
    control.post("limits", {"per_minute": 100000, "per_second": 1})
    time.sleep(1.0 - (time.time() % 1.0) + 0.01)  # start at the top of a second
    post(sandbox, "clients", clients_xml(new_client()))
    hurried = new_client()
    response = post(sandbox, "clients", clients_xml(hurried))
    assert response.status_code == 429 and response.json()["status"] == "429"
    names = {c["clientname"] for c in control.truth("clients")}
    assert late["clientname"] not in names and hurried["clientname"] not in names
    assert control.writes("clients")["writes_committed"] == 2
