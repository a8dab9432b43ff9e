"""Clients decided against what AroFlo holds, posted, settled from AroFlo's echo (`clients.ClientWrites`)."""

from __future__ import annotations

from airbyte_cdk.models import DestinationSyncMode

from aroflo_client.client import WriteAnswer
from destination_aroflo.batches import write_all
from destination_aroflo.clients import ClientWrites
from destination_aroflo.outcomes import Incoming, Outcome, Tally
from unit_tests.fakes import QUIET, FakeAroFlo, inserted, updated

ACME = {
    "clientid": "A",
    "clientname": "Acme Plumbing",
    "email": "accounts@acme.com.au",
    "mobile": "",
    "phone": "1",
}
ARCHIVED = {"clientid": "Z", "clientname": "Zed Old", "email": "zed@old.com", "mobile": ""}
NEW = {"clientname": "New Co", "firstname": "Nina", "surname": "Ng", "email": "nina@new.co"}


def aroflo(*answers, clients=(ACME,), archived=(ARCHIVED,)) -> FakeAroFlo:
    def records(zone, where):
        return list(archived) if any("archived" in w for w in where) else [*clients, *archived]

    return FakeAroFlo(records=records, answers=list(answers))


def run(fake: FakeAroFlo, *records, mode=DestinationSyncMode.append_dedup, stream="clients") -> Tally:
    tally = Tally(QUIET)
    writes = ClientWrites(fake, tally, {stream: mode}, business_unit="JCdKUyZRMCAgCg==")
    write_all(writes, [Incoming(stream, r, n) for n, r in enumerate(records, start=1)])
    return tally


def test_every_client_is_read_once_including_the_archived_ones_and_only_when_needed():
    fake = aroflo(inserted({**NEW, "clientid": "N"}))
    run(fake, NEW, {**ACME, "phone": "1"})
    assert [where for _, where, _ in fake.reads] == [
        ["and|datetimeinserted|>|1900-01-01"],
        ["and|datetimeinserted|>|1900-01-01", "and|archived|=|true"],
    ]
    fake = aroflo()
    assert run(fake).summary() == "" and fake.reads == []


def test_upsert_inserts_the_new_updates_the_changed_and_leaves_the_same_alone():
    fake = aroflo(inserted({**NEW, "clientid": "N"}), updated({"clientid": "A", "phone": "2"}))
    tally = run(
        fake, NEW, {"email": "ACCOUNTS@acme.com.au", "phone": "2"}, {"clientid": "Z", "clientname": "Zed Old"}
    )
    assert tally.of("clients") == {Outcome.INSERTED: 1, Outcome.UPDATED: 1, Outcome.UNCHANGED: 1}
    # Inserts and updates never share a POST (AroFlo's README: "separate operations ... different calls").
    [(_, inserts), (_, updates)] = fake.writes
    assert "<orgs><org><orgid>JCdKUyZRMCAgCg==</orgid></org></orgs>" in inserts
    assert "<clientid>" not in inserts
    assert updates == "<clients><client><clientid>A</clientid><phone><![CDATA[2]]></phone></client></clients>"


def test_an_archived_client_is_matched_like_any_other():
    tally = run(aroflo(), {"email": "zed@old.com", "clientname": "Zed Old"})
    assert tally.of("clients") == {Outcome.UNCHANGED: 1}


def test_append_rejects_a_record_that_matches_and_update_one_that_does_not():
    tally = run(aroflo(), {"email": "accounts@acme.com.au"}, mode=DestinationSyncMode.append)
    assert "already in AroFlo as 'Acme Plumbing' (A)" in tally.rejections[0].reason
    tally = run(aroflo(), NEW, mode=DestinationSyncMode.update)
    assert tally.rejections[0].reason.startswith("no AroFlo client matches it")


def test_a_name_taken_by_a_client_with_another_email_is_a_clash_naming_it():
    tally = run(aroflo(), {**NEW, "clientname": "ACME plumbing"})
    assert tally.rejections[0].reason == (
        "name clash: 'Acme Plumbing' (A) has this name but not this email or mobile"
    )


def test_renaming_onto_another_clients_name_is_refused():
    tally = run(aroflo(), {"clientid": "A", "clientname": "Zed Old"})
    assert "clashes with 'Zed Old' (Z)" in tally.rejections[0].reason


def test_a_second_record_for_a_client_being_inserted_waits_for_that_insert():
    fake = aroflo(inserted({**NEW, "clientid": "N"}), updated({"clientid": "N", "phone": "5"}))
    tally = run(fake, NEW, {"email": "nina@new.co", "phone": "5"}, NEW)
    assert [xml.count("<client>") for _, xml in fake.writes] == [1, 1]
    assert "<clientid>N</clientid><phone>" in fake.writes[1][1]
    assert tally.of("clients") == {Outcome.INSERTED: 1, Outcome.UPDATED: 1, Outcome.UNCHANGED: 1}


def test_aroflos_refusal_is_a_rejection_with_its_words():
    refused = {**NEW, "error": "Client already exists in AroFlo. Please use another name."}
    error = {
        "message": "Unable to make changes to Database",
        "code": "209",
        "detail": "Client already exists",
    }
    tally = run(aroflo(inserted(refused, errors=[error])), NEW)
    assert tally.rejections[0].reason == (
        "AroFlo refused it: Client already exists in AroFlo. Please use another name. "
        "(Client already exists (code 209))"
    )


def test_a_lost_answer_is_looked_for_before_anything_is_written_again():
    """The insert was applied but its answer lost: the clients are read again, New Co is there, nothing more
    is written, and the record counts as inserted."""
    holds = [ACME]
    fake = aroflo(WriteAnswer.lost("ReadTimeout"), clients=holds)

    def applied(xml):
        holds.append({**NEW, "clientid": "N"})  # AroFlo applied it
        return WriteAnswer.lost("ReadTimeout")

    fake.answers = [applied]
    tally = run(fake, NEW)
    assert len(fake.writes) == 1
    assert len(fake.reads) == 4  # the clients (and the archived ones) read again
    assert tally.of("clients") == {Outcome.INSERTED: 1}


def test_a_lost_answer_of_a_write_that_never_applied_is_written_once_more():
    fake = aroflo(WriteAnswer.lost("HTTP 502 without AroFlo's answer"), inserted({**NEW, "clientid": "N"}))
    tally = run(fake, NEW)
    assert len(fake.writes) == 2
    assert tally.of("clients") == {Outcome.INSERTED: 1}


def test_an_answer_that_cannot_be_mapped_is_looked_for_then_the_rest_go_one_per_post():
    other = {**NEW, "clientname": "Other Co", "email": "o@other.co"}
    holds = [ACME]

    def half(xml):  # AroFlo applied both but echoed only one, under another spelling
        holds.extend([{**NEW, "clientid": "N"}])
        return inserted({**NEW, "clientname": "NEW CO ", "clientid": "N"})

    fake = aroflo(half, inserted({**other, "clientid": "O"}), clients=holds)
    tally = run(fake, NEW, other)
    assert [xml.count("<client>") for _, xml in fake.writes] == [2, 1]
    assert tally.of("clients") == {Outcome.INSERTED: 2}
