"""AroFlo's own example answers to the writes the destination makes (AroFlo's clients and tasks documentation,
kept as data in aroflo_sandbox/documented/posts.json) are read as AroFlo means them: the documented client is
inserted with its new clientid, the documented refusal rejected in AroFlo's words, the documented update and
notes confirmed. The records are the documented postxml's own."""

from __future__ import annotations

import re

from airbyte_cdk.models import DestinationSyncMode

from aroflo_client.client import WriteAnswer
from aroflo_client.envelope import Envelope
from aroflo_sandbox.documented import post_examples
from destination_aroflo.batches import write_all
from destination_aroflo.clients import ClientWrites
from destination_aroflo.notes import NoteWrites
from destination_aroflo.outcomes import Incoming, Outcome, Tally
from unit_tests.fakes import QUIET, FakeAroFlo


def answer(request: str, heading: str) -> WriteAnswer:
    [example] = [e for e in post_examples(request) if e["heading"] == heading]
    return WriteAnswer(Envelope.of(example["response"]).post_results)


def posted_client(request: str) -> dict[str, object]:
    """The first client of the documented postxml, as a record (CDATA unwrapped; AroFlo trims it)."""
    xml = post_examples(request)[0]["form"]["postxml"]
    record: dict[str, object] = {}
    for tag in (
        "clientid",
        "clientname",
        "firstname",
        "surname",
        "abn",
        "shortname",
        "phone",
        "mobile",
        "email",
    ):
        if found := re.search(rf"<{tag}>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</{tag}>", xml):
            record[tag] = found.group(1)
    return record


def clients(*answers: WriteAnswer, held=()) -> tuple[FakeAroFlo, Tally, ClientWrites]:
    fake = FakeAroFlo(
        records=lambda zone, where: [] if "archived" in where[-1] else list(held), answers=list(answers)
    )
    tally = Tally(QUIET)
    return fake, tally, ClientWrites(fake, tally, {"clients": DestinationSyncMode.append_dedup})


def test_the_documented_create_client_answer_confirms_the_insert_with_its_clientid():
    _, tally, writes = clients(answer("POST Create Client", "Create Client (OK 200)"))
    write_all(writes, [Incoming("clients", posted_client("POST Create Client"), 1)])
    assert tally.of("clients") == {Outcome.INSERTED: 1}
    assert writes.index().get("JCQ6WyBRICAgCg==")["clientname"] == "A Test Client"


def test_the_documented_client_already_exists_answer_is_a_rejection_in_aroflos_words():
    _, tally, writes = clients(answer("POST Create Client", "ERROR: Client already exists (OK 200)"))
    write_all(writes, [Incoming("clients", posted_client("POST Create Client"), 1)])
    [rejection] = tally.rejections
    assert rejection.reason == (
        "AroFlo refused it: Client already exists in AroFlo. Please use another name. "
        "(Client already exists (code 209))"
    )


def test_the_documented_update_answer_confirms_the_update():
    held = {"clientid": "JSZaVy1QLEggCg==", "clientname": "Held", "phone": "03 0000 0000"}
    request = "POST Update Client primary contact phone"
    fake, tally, writes = clients(
        answer(request, "Update Client primary contact phone (OK 200)"), held=[held]
    )
    write_all(writes, [Incoming("clients", posted_client(request), 1)])
    assert tally.of("clients") == {Outcome.UPDATED: 1}
    assert fake.writes[0][1] == (
        "<clients><client><clientid>JSZaVy1QLEggCg==</clientid>"
        "<phone><![CDATA[03 1234 5678]]></phone></client></clients>"
    )


def test_the_documented_notes_answer_confirms_both_notes():
    """AroFlo's example posts two notes to one task and echoes them under the task (its echo names the task
    `IyYqSyYK`, the request block's id; the script's postxml names another: a copy-paste defect)."""
    task = {"taskid": "IyYqSyYK", "jobnumber": "1050", "tasknotes": []}
    fake = FakeAroFlo(
        records=lambda zone, where: [task],
        answers=[answer("POST Insert Notes to Task", "Post Notes to Task (OK 200)")],
    )
    tally = Tally(QUIET)
    notes = [
        {
            "taskid": "IyYqSyYK",
            "content": "<p>this is a html note</p>",
            "filter": "internal admin only",
            "sticky": True,
        },
        {"taskid": "IyYqSyYK", "content": "this is a text note", "filter": "internal only", "sticky": False},
    ]
    write_all(NoteWrites(fake, tally), [Incoming("task_notes", n, i) for i, n in enumerate(notes, 1)])
    assert tally.of("task_notes") == {Outcome.WRITTEN: 2}
    [(_, xml)] = fake.writes
    assert "<filter>Internal Admin Only</filter><sticky>true</sticky>" in xml
