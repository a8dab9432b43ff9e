"""Task notes: validated, their tasks looked up with their notes, written once (`notes.NoteWrites`)."""

from __future__ import annotations

import pytest

from aroflo_client.budget import Allowance
from aroflo_client.client import WriteAnswer
from destination_aroflo.batches import write_all
from destination_aroflo.client_fields import Invalid
from destination_aroflo.notes import Note, NoteWrites, normalized
from destination_aroflo.outcomes import Incoming, Outcome, Tally
from unit_tests.fakes import QUIET, FakeAroFlo

TASK = {
    "taskid": "IyYqSyYK",
    "jobnumber": "1050",
    "tasknotes": [{"content": "<p>Quote sent to client</p>", "note": "<p>Quote sent to client</p>"}],
}
OTHER = {"taskid": "JSZaTy1RPFwgCg==", "jobnumber": "1051", "tasknotes": []}


def notes_posted(*tasks) -> WriteAnswer:
    """AroFlo's "Post Notes to Task" answer: each task echoed with the notes it got."""
    return WriteAnswer({"updatetotal": 1, "errors": [], "updates": {"tasks": list(tasks)}, "inserttotal": 2})


def echo(taskid: str, *texts: str) -> dict:
    return {
        "taskid": taskid,
        "notes": [
            {"TASKID": taskid, "filter": "0", "note": t, "dateposted": "2018/11/01 12:03:53"} for t in texts
        ],
    }


def aroflo(*answers, tasks=(TASK, OTHER)) -> FakeAroFlo:
    def records(zone, where):
        [clause] = where
        _, field, _, value = clause.split("|")
        wanted = set(value.split("*"))
        return [t for t in tasks if str(t[field]) in wanted]

    return FakeAroFlo(records=records, answers=list(answers))


def run(fake, *records) -> Tally:
    tally = Tally(QUIET)
    write_all(NoteWrites(fake, tally), [Incoming("task_notes", r, n) for n, r in enumerate(records, start=1)])
    return tally


@pytest.mark.parametrize(
    "record,reason",
    [
        ({"content": "x"}, "names no task"),
        ({"jobnumber": "10A", "content": "x"}, "not a whole number"),
        ({"taskid": "not an id!", "content": "x"}, "not an AroFlo ID"),
        ({"jobnumber": 1050, "content": "<p> </p>"}, "content is empty"),
        ({"jobnumber": 1050, "content": "x", "filter": "Everyone"}, "not one of AroFlo's"),
        ({"jobnumber": 1050, "content": "x", "sticky": "maybe"}, "not true or false"),
    ],
)
def test_records_that_break_the_documented_rules_are_refused(record, reason):
    with pytest.raises(Invalid, match=reason):
        Note.of(record)


def test_filter_names_in_any_case_become_aroflos_spelling():
    assert (
        Note.of({"jobnumber": "1", "content": "x", "filter": "internal admin only"}).filter
        == "Internal Admin Only"
    )


@pytest.mark.parametrize(
    "a,b",
    [("<p>Quote sent to client</p>", "Quote sent  to client\n"), ("a&amp;b", "a&b"), ("a&nbsp;b", "a b")],
)
def test_html_tags_entities_and_whitespace_do_not_make_a_note_different(a, b):
    assert normalized(a) == normalized(b)


def test_job_numbers_are_looked_up_in_one_batch_with_their_notes():
    fake = aroflo(
        notes_posted(echo("IyYqSyYK", "Called the client"), echo("JSZaTy1RPFwgCg==", "Parts ordered"))
    )
    tally = run(
        fake,
        {"jobnumber": 1050, "content": "Called the client"},
        {"jobnumber": "1051", "content": "Parts ordered"},
    )
    assert fake.reads == [("tasks", ["and|jobnumber|IN|1050*1051"], "notes")]
    assert tally.of("task_notes") == {Outcome.WRITTEN: 2}
    [(zone, xml)] = fake.writes
    assert zone == "tasks" and xml.count("<task>") == 2
    assert xml.startswith(
        "<tasks><task><taskid>IyYqSyYK</taskid><notes><note><content><![CDATA[Called the client]]></content>"
        "<filter>Internal Only</filter><sticky>false</sticky></note></notes></task>"
    )


def test_task_ids_are_looked_up_one_per_call_on_the_secondary_allowance():
    fake = aroflo(notes_posted(echo("IyYqSyYK", "Called")))
    run(fake, {"taskid": "IyYqSyYK", "content": "Called"})
    assert fake.reads == [("tasks", ["and|taskid|=|IyYqSyYK"], "notes")]
    assert fake.allowances == [Allowance.SECONDARY]


def test_more_than_a_few_task_ids_are_looked_up_in_one_call():
    tasks = tuple(
        {"taskid": f"JSZaTy{n:02d}", "jobnumber": str(2000 + n), "tasknotes": []} for n in range(11)
    )
    fake = aroflo(tasks=tasks)
    fake.answers = [notes_posted(*(echo(t["taskid"], "Checked") for t in tasks))]
    tally = run(fake, *({"taskid": t["taskid"], "content": "Checked"} for t in tasks))
    [(_, [where], _)] = fake.reads
    assert where == "and|taskid|IN|" + "*".join(t["taskid"] for t in tasks)
    assert tally.of("task_notes") == {Outcome.WRITTEN: 11}


def test_a_note_already_on_its_task_is_not_written_again_nor_twice_in_one_sync():
    fake = aroflo(notes_posted(echo("JSZaTy1RPFwgCg==", "Parts ordered")))
    tally = run(
        fake,
        {"jobnumber": 1050, "content": "Quote sent to client"},  # on the task, wrapped in <p> there
        {"jobnumber": 1051, "content": "<p>Parts ordered</p>"},
        {"jobnumber": 1051, "content": "Parts   ordered"},
    )
    assert tally.of("task_notes") == {Outcome.UNCHANGED: 2, Outcome.WRITTEN: 1}
    assert len(fake.writes) == 1 and fake.writes[0][1].count("<note>") == 1


def test_an_unknown_job_number_or_a_mismatched_taskid_is_rejected_saying_so():
    tally = run(
        aroflo(),
        {"jobnumber": 999, "content": "x"},
        {"taskid": "IyYqSyYK", "jobnumber": 1051, "content": "x"},
    )
    assert [r.reason for r in tally.rejections] == [
        "no AroFlo task has job number 999",
        "taskid IyYqSyYK is job number 1050, not 1051",
    ]


def test_two_tasks_with_one_job_number_is_ambiguous():
    twin = {**OTHER, "jobnumber": "1050"}
    tally = run(aroflo(tasks=(TASK, twin)), {"jobnumber": 1050, "content": "x"})
    assert tally.rejections[0].reason.startswith("2 AroFlo tasks have job number 1050")


def test_a_lost_answer_reads_the_task_again_and_writes_only_what_is_missing():
    task = {**OTHER, "tasknotes": []}

    def applied(xml):
        task["tasknotes"] = [{"content": "Parts ordered"}]  # AroFlo applied the first note only
        return WriteAnswer.lost("RemoteDisconnected")

    fake = aroflo(applied, notes_posted(echo("JSZaTy1RPFwgCg==", "Invoice sent")), tasks=(TASK, task))
    tally = run(
        fake, {"jobnumber": 1051, "content": "Parts ordered"}, {"jobnumber": 1051, "content": "Invoice sent"}
    )
    assert len(fake.writes) == 2 and "Parts ordered" not in fake.writes[1][1]
    assert tally.of("task_notes") == {Outcome.WRITTEN: 2}


def test_aroflos_refusal_of_a_task_rejects_its_notes():
    refusal = WriteAnswer(
        {"errors": [{"code": "106"}], "updates": {"tasks": [{"taskid": "IyYqSyYK", "error": "Invalid task"}]}}
    )
    tally = run(aroflo(refusal), {"jobnumber": 1050, "content": "x"})
    assert tally.rejections[0].reason == "AroFlo refused it: Invalid task"
