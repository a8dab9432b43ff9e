"""Task notes written into AroFlo, each once (`batches.write_all`).

A record names its task by `taskid` or `jobnumber` and holds `content` (text or HTML), `filter` (AroFlo's
note filter: Internal Admin Only, Internal Only (the default), Show Client, Show Contractor, Show All) and
`sticky`.
Tasks are looked up with their notes (`join=notes`): by job number in batches (`IN`), by id one per call on
AroFlo's secondary allowance while there are a few (else in batches too). A note whose text, once HTML tags
and whitespace are normalized (AroFlo may wrap text in `<p>`), is already on its task is not written again:
an identical note on the same task is written once, whether the record comes again in a later sync or a
write's answer was lost. Notes for several tasks go in one POST (AroFlo's "POST Insert Notes to Task"),
whose answer echoes each task's new notes.

>>> normalized("<p>Quote  sent&nbsp;to&amp;client</p>\\n")
'Quote sent to&client'
>>> Note.of({"jobnumber": 1050, "content": "<p>Called</p>", "sticky": "TRUE"})
Note(taskid='', jobnumber='1050', content='<p>Called</p>', filter='Internal Only', sticky=True)
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from aroflo_client.budget import Allowance
from aroflo_client.client import AroFloClient, WriteAnswer
from destination_aroflo.batches import Write
from destination_aroflo.client_fields import Invalid
from destination_aroflo.outcomes import Incoming, Outcome, Tally
from destination_aroflo.postxml import element, plain, unwritable

ZONE = "tasks"
JOIN = "notes"
FILTERS = {
    f.casefold(): f
    for f in ("Internal Admin Only", "Internal Only", "Show Client", "Show Contractor", "Show All")
}
DEFAULT_FILTER = "Internal Only"
IN_BATCH = 100  # ids or job numbers per `IN` clause
# Tasks a sync looks up one per call, on the secondary allowance (free of the daily 2,000): a few, such as the
# tasks read again after a lost answer. More go 100 to an `IN` call: one daily call instead of a hundred calls
# of the 120 a minute the account's integrations share (and 50 s of this sync).
SINGLE_LIMIT = 10
AROFLO_ID = re.compile(r"[A-Za-z0-9+/]+=*")
_TAG = re.compile(r"<[^>]*>")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def normalized(content: str) -> str:
    """A note's text for comparison: without HTML tags and entities, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", content)).replace("\xa0", " ").split())


@dataclass(frozen=True)
class Note:
    taskid: str
    jobnumber: str
    content: str
    filter: str
    sticky: bool

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Note:
        taskid, jobnumber = _text(data.get("taskid")), _text(data.get("jobnumber"))
        if not taskid and not jobnumber:
            raise Invalid("it names no task: give taskid or jobnumber")
        if taskid and not AROFLO_ID.fullmatch(taskid):
            raise Invalid(f"taskid {taskid!r} is not an AroFlo ID")
        if jobnumber and not jobnumber.isdigit():
            raise Invalid(f"job number {jobnumber!r} is not a whole number")
        content = data.get("content")
        if not isinstance(content, str) or not normalized(content):
            raise Invalid("content is empty")
        if problem := unwritable(content):
            raise Invalid(f"content holds {problem}, which AroFlo's XML cannot carry")
        named = _text(data.get("filter")) or DEFAULT_FILTER
        if named.casefold() not in FILTERS:
            raise Invalid(f"filter {named!r} is not one of AroFlo's: {', '.join(FILTERS.values())}")
        sticky = data.get("sticky")
        flag = sticky if isinstance(sticky, bool) else _BOOLEANS.get(_text(sticky).lower())
        if flag is None and sticky not in (None, ""):
            raise Invalid(f"sticky {sticky!r} is not true or false")
        return cls(taskid, jobnumber, content, FILTERS[named.casefold()], bool(flag))

    def key(self) -> str:
        return f"job number {self.jobnumber}" if self.jobnumber else f"taskid {self.taskid}"

    def postxml(self) -> str:
        return element(
            "note",
            element("content", self.content),
            plain("filter", self.filter),
            plain("sticky", "true" if self.sticky else "false"),
        )


@dataclass
class Task:
    taskid: str
    jobnumber: str
    notes: set[str]  # the normalized text of every note on it


@dataclass
class TaskDirectory:
    """The tasks this sync's notes name, each read once with its notes (again after a lost answer)."""

    client: AroFloClient
    by_id: dict[str, Task] = field(default_factory=dict)
    by_job: dict[str, list[Task]] = field(default_factory=lambda: defaultdict(list))
    looked_up: set[str] = field(default_factory=set)  # job numbers and ids asked for, found or not

    def look_up(self, notes: list[Note]) -> None:
        ids = sorted({n.taskid for n in notes if n.taskid} - self.looked_up)
        jobs = sorted({n.jobnumber for n in notes if n.jobnumber and not n.taskid} - self.looked_up)
        for task in self._read(ids, jobs):
            self.by_id[task.taskid] = task
            if task.taskid not in {t.taskid for t in self.by_job[task.jobnumber]}:
                self.by_job[task.jobnumber].append(task)
        self.looked_up |= set(ids) | set(jobs)

    def forget(self, taskids: set[str]) -> None:
        """Read these tasks again next time (a write to them may have been applied unseen)."""
        for taskid in taskids:
            task = self.by_id.pop(taskid, None)
            if task is not None:
                self.by_job[task.jobnumber] = [t for t in self.by_job[task.jobnumber] if t.taskid != taskid]
                self.looked_up.discard(task.jobnumber)
            self.looked_up.discard(taskid)

    def find(self, note: Note) -> Task | str:
        """The note's task, or why there is none."""
        if note.taskid:
            task = self.by_id.get(note.taskid)
            if task is None:
                return f"no AroFlo task has taskid {note.taskid}"
            if note.jobnumber and note.jobnumber != task.jobnumber:
                return f"taskid {note.taskid} is job number {task.jobnumber}, not {note.jobnumber}"
            return task
        tasks = self.by_job.get(note.jobnumber) or []
        if not tasks:
            return f"no AroFlo task has job number {note.jobnumber}"
        if len(tasks) > 1:
            ids = ", ".join(t.taskid for t in tasks)
            return f"{len(tasks)} AroFlo tasks have job number {note.jobnumber}: {ids}"
        return tasks[0]

    def _read(self, ids: list[str], jobs: list[str]) -> Iterator[Task]:
        wheres = [
            ([f"and|jobnumber|IN|{'*'.join(jobs[i : i + IN_BATCH])}"], Allowance.DAILY)
            for i in range(0, len(jobs), IN_BATCH)
        ]
        if ids and self.client.budget.take_singles(len(ids), limit=SINGLE_LIMIT):
            # Free of the 2,000 a day: one task by its id spends the secondary allowance.
            wheres += [([f"and|taskid|=|{taskid}"], Allowance.SECONDARY) for taskid in ids]
        else:
            wheres += [
                ([f"and|taskid|IN|{'*'.join(ids[i : i + IN_BATCH])}"], Allowance.DAILY)
                for i in range(0, len(ids), IN_BATCH)
            ]
        for where, allowance in wheres:
            for record in self.client.read_all(ZONE, ZONE, where, join=JOIN, allowance=allowance):
                notes = record.get("tasknotes") or record.get("notes") or []
                texts = {
                    normalized(str(n.get("content") or n.get("note") or ""))
                    for n in notes
                    if isinstance(n, Mapping)
                }
                yield Task(str(record.get("taskid") or ""), _text(record.get("jobnumber")), texts - {""})


@dataclass
class NoteWrites:
    client: AroFloClient
    tally: Tally
    directory: TaskDirectory = field(init=False)
    _doubtful: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.directory = TaskDirectory(self.client)

    def decide(self, records: list[Incoming]) -> tuple[list[Write], list[Incoming]]:
        parsed: list[tuple[Incoming, Note]] = []
        for incoming in records:
            try:
                parsed.append((incoming, Note.of(incoming.data)))
            except Invalid as invalid:
                self.tally.reject(incoming, _key(incoming.data), str(invalid))
        self.directory.look_up([note for _, note in parsed])
        writes: list[Write] = []
        pending: set[tuple[str, str]] = set()
        for incoming, note in parsed:
            task = self.directory.find(note)
            if isinstance(task, str):
                self.tally.reject(incoming, note.key(), task)
                continue
            text = normalized(note.content)
            if text in task.notes or (task.taskid, text) in pending:
                # On the task already; if this record's own write had lost its answer, that write applied.
                written = incoming.number in self._doubtful
                self.tally.count(incoming, Outcome.WRITTEN if written else Outcome.UNCHANGED)
                continue
            pending.add((task.taskid, text))
            writes.append(Write(incoming, (task, note)))
        return writes, []

    def post(self, writes: list[Write]) -> WriteAnswer:
        by_task: dict[str, list[Note]] = defaultdict(list)
        for write in writes:
            task, note = write.payload
            by_task[task.taskid].append(note)
        tasks = [
            element("task", plain("taskid", taskid), element("notes", *(n.postxml() for n in notes)))
            for taskid, notes in by_task.items()
        ]
        return self.client.write(ZONE, element("tasks", *tasks))

    def settle(self, writes: list[Write], results: Mapping[str, Any]) -> list[Write]:
        echoed: dict[str, Counter[str]] = defaultdict(Counter)
        refused: dict[str, str] = {}
        for echo in _echoes(results):
            taskid = str(echo.get("taskid") or echo.get("TASKID") or "")
            if echo.get("error"):
                refused[taskid] = str(echo["error"])
            for note in echo.get("notes") or []:
                if isinstance(note, Mapping):
                    echoed[taskid][normalized(str(note.get("note") or note.get("content") or ""))] += 1
        unsettled = []
        for write in writes:
            task, note = write.payload
            text = normalized(note.content)
            if task.taskid in refused:
                self.tally.reject(write.incoming, note.key(), f"AroFlo refused it: {refused[task.taskid]}")
            elif echoed[task.taskid][text] > 0:
                echoed[task.taskid][text] -= 1
                task.notes.add(text)
                self.tally.count(write.incoming, Outcome.WRITTEN)
            else:
                unsettled.append(write)
        return unsettled

    def look_again(self, writes: list[Write]) -> None:
        self._doubtful |= {write.incoming.number for write in writes}
        self.directory.forget({write.payload[0].taskid for write in writes})


def _echoes(results: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    updates = results.get("updates")
    echoed = updates.get(ZONE) if isinstance(updates, Mapping) else None
    if isinstance(echoed, Mapping):
        echoed = [echoed]
    return [e for e in echoed or [] if isinstance(e, Mapping)]


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, bool) else str(value).strip()


def _key(data: Mapping[str, Any]) -> str:
    if data.get("jobnumber") not in (None, ""):
        return f"job number {_text(data.get('jobnumber'))}"
    return f"taskid {_text(data.get('taskid'))}" if data.get("taskid") else "no task"
