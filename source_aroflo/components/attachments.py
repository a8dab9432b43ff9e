"""The documents and photos attached to records, one record per document
(docs/aroflo.md#job-photos-and-attachments-as-files).

AroFlo sends a record's attachments only on its `documentsandphotos` join (each zone's "JOIN
documentsandphotos" example): `{"taskid": ..., "jobnumber": "1050", "documentsandphotos": [{"documentid",
"name", "sizeinbytes", "uploadeddatetime", "uploadedbyuser", "filter", "comment", "url"}, ...]}`. A
`<parent>_documents` stream reads its parent zone with that join and delivers each attached document as a
record of its own (an Airbyte record carries at most one file), with the document's fields as AroFlo sends
them and the parent's identity, so a downstream system can match the file to its job:

>>> tasks = AttachedTo.from_parameters({"zone": "tasks", "id": "taskid",
...     "documents_of": {"fields": ["taskid", "jobnumber", "refcode"], "reference": ["jobnumber"]}})
>>> task = {"taskid": "JSZaXyBRTEAgCg==", "jobnumber": "1050", "refcode": "#1 Lad8", "taskname": "HMAS",
...         "documentsandphotos": [{"documentid": "JSYqQy1RLEAgCg==", "name": "hippo.jpg"}]}
>>> [document] = tasks.documents(task)
>>> document["documentid"], document["parent_zone"], document["parent_id"], document["parent_reference"]
('JSYqQy1RLEAgCg==', 'tasks', 'JSZaXyBRTEAgCg==', '1050')
>>> document["jobnumber"], document["refcode"], "taskname" in document
('1050', '#1 Lad8', False)

Which of them a sync delivers is the stream cursor's decision (`document_ledger.py`): `NewDocuments` asks it
for every document the extractor finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import InitVar, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from aroflo_client.envelope import Envelope
from source_aroflo.components.normalize import Unreadable, parse_moment
from source_aroflo.components.stream_parameters import record_id_field, record_key

JOIN = "documentsandphotos"  # the join value and the record key it fills, in every zone that documents it
PARENT_ZONE, PARENT_ID, PARENT_REFERENCE = "parent_zone", "parent_id", "parent_reference"


def moment_utc(value: Any) -> datetime | None:
    """An AroFlo date-time read as UTC (`"2018/11/08 21:59:34"`), or None when blank or unreadable.

    A document's `uploadeddatetime` carries no zone; AroFlo's examples show it a few seconds to minutes
    before its link's UTC expiry minus ten minutes, so it is UTC. Were it site-local time after all, it would
    read ten or eleven hours late, which errs on the safe side: a document looks newer, never older.

    >>> moment_utc("2018/11/08 21:59:34"), moment_utc(" ")
    (datetime.datetime(2018, 11, 8, 21, 59, 34, tzinfo=datetime.timezone.utc), None)
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment, _, has_time = parse_moment(value)
    except Unreadable:
        return None
    return moment.replace(tzinfo=UTC) if has_time else None


@dataclass(frozen=True)
class AttachedTo:
    """A `<parent>_documents` stream's parent, from the stream's `$parameters` (`zone`, `id` and
    `documents_of: {fields, reference, updated}`): the fields of the parent copied onto each document, those
    whose values name it for people (a task's job number), and its own UTC update time, if its records show
    one (the evidence of whether an upload changes the parent, `document_ledger.UploadEvidence`)."""

    zone: str  # the parent's `zone=` value, as `parent_zone`
    id_field: str
    fields: tuple[str, ...]
    reference: tuple[str, ...]
    updated: str | None = None

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> AttachedTo | None:
        spec = parameters.get("documents_of")
        if not spec:
            return None
        return cls(
            zone=str(parameters["zone"]).lower(),
            id_field=str(record_id_field(parameters)),
            fields=tuple(spec.get("fields") or ()),
            reference=tuple(spec.get("reference") or ()),
            updated=spec.get("updated"),
        )

    def identity(self, parent: Mapping[str, Any]) -> dict[str, Any]:
        """Who the parent is: its zone, id, human reference (None when blank) and identifying fields."""
        words = [str(parent.get(name) or "").strip() for name in self.reference]
        return {
            PARENT_ZONE: self.zone,
            PARENT_ID: parent.get(self.id_field),
            PARENT_REFERENCE: " ".join(word for word in words if word) or None,
            **{name: parent.get(name) for name in self.fields},
        }

    def attached(self, parent: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """The parent's documents as AroFlo joins them (a list; a lone object is one document; `{}` none)."""
        documents = parent.get(JOIN)
        if isinstance(documents, Mapping):
            documents = [documents]
        if not isinstance(documents, list):
            return []
        return [document for document in documents if isinstance(document, Mapping) and document]

    def documents(self, parent: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """One record per attached document: the document's fields as sent, and the parent's identity."""
        identity = self.identity(parent)
        for document in self.attached(parent):
            yield {**document, **identity}

    def document_in(self, parent: Mapping[str, Any], document_id: Any) -> Mapping[str, Any] | None:
        """The parent's document with this id (its fresh link), or None if it is no longer attached."""
        return next((d for d in self.attached(parent) if d.get("documentid") == document_id), None)


@dataclass
class ParentDocuments(RecordExtractor):
    """The records of a `<parent>_documents` stream: every document attached to the page's parents.

    >>> import json, requests
    >>> page = requests.Response()
    >>> page._content = json.dumps({"status": "0", "zoneresponse": {"tasks": [
    ...     {"taskid": "a", "jobnumber": "7",
    ...      "documentsandphotos": [{"documentid": "d1"}, {"documentid": "d2"}]},
    ...     {"taskid": "b", "jobnumber": "8", "documentsandphotos": []}]}}).encode()
    >>> extractor = ParentDocuments(config={}, parameters={"zone": "tasks", "id": "taskid",
    ...     "documents_of": {"fields": ["taskid"], "reference": ["jobnumber"]}})
    >>> [(r["documentid"], r["parent_id"], r["parent_reference"]) for r in extractor.extract_records(page)]
    [('d1', 'a', '7'), ('d2', 'a', '7')]
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    _attached_to: AttachedTo = field(init=False, repr=False)
    _record_key: str = field(init=False, repr=False, default="")

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        attached_to = AttachedTo.from_parameters(parameters)
        assert attached_to is not None, "ParentDocuments needs the stream's `documents_of` parameter"
        self._attached_to = attached_to
        self._record_key = record_key(parameters)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        for parent in Envelope.read(response).records(self._record_key):
            yield from self._attached_to.documents(parent)


class DocumentGate(Protocol):
    """What decides whether a sync delivers a document (the stream's cursor, `sync.ZoneSync`)."""

    def delivers(self, document: Mapping[str, Any]) -> bool: ...


@dataclass
class NewDocuments(RecordFilter):
    """Only the documents this sync delivers: on a parent read again, those uploaded since the previous sync
    (and those whose file could not be fetched before), never the ones already delivered. The stream's cursor
    decides (`sync` is given by the component factory); without one, every document passes.

    >>> class Cursor:
    ...     def delivers(self, document): return document["documentid"] != "old"
    >>> documents = [{"documentid": "old"}, {"documentid": "new"}]
    >>> list(NewDocuments(config={}, parameters={}, sync=Cursor()).filter_records(documents, stream_state={}))
    [{'documentid': 'new'}]
    """

    sync: DocumentGate | None = None

    def filter_records(
        self,
        records: Iterable[Mapping[str, Any]],
        stream_state: StreamState,
        stream_slice: StreamSlice | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        gate = self.sync
        return records if gate is None else (record for record in records if gate.delivers(record))
