"""Clients written into AroFlo: matched, inserted or updated in batches, never twice (`batches.write_all`).

Per record, against every AroFlo client (read once per sync, `ClientIndex`, archived clients included):
* matched (`client_index.py`): with `append_dedup` the client is updated with the fields that differ (none
  differ: nothing is sent); with `append` the record is rejected, being in AroFlo already;
* not matched: inserted with `append_dedup` and `append`, rejected with `update`; a name that another client
  has is a name clash (AroFlo allows one client per name): rejected, naming that client;
* ambiguous (two clients at one step), an unknown `clientid`, or breaking AroFlo's documented rules
  (`client_fields.py`): rejected, saying why. So is a record AroFlo itself refuses (its per-record `error`).

AroFlo echoes each client of a POST (AroFlo's "Create Client" and "Update Client" examples): an insert with
its new `clientid` or an `error`, by name; an update with its `clientid`. A write whose echo is missing, or
whose answer was lost, is looked for in AroFlo again (the clients read anew) before anything is written again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airbyte_cdk.models import DestinationSyncMode

from aroflo_client.client import AroFloClient, WriteAnswer
from destination_aroflo.batches import Write
from destination_aroflo.client_fields import ClientFields, Invalid
from destination_aroflo.client_index import ClientIndex, Match, describe, email_key, mobile_key, name_key
from destination_aroflo.outcomes import Incoming, Outcome, Tally
from destination_aroflo.postxml import element

ZONE = "clients"
# Every client, whatever its age (no WHERE would give only the last 30 days), and the archived ones again:
# whether AroFlo's answer includes archived clients is not documented, and they take part in matching.
EVERY_CLIENT = "and|datetimeinserted|>|1900-01-01"
ARCHIVED = "and|archived|=|true"


@dataclass(frozen=True)
class ClientWrite:
    """An insert (no `clientid`) or an update of the fields that differ."""

    fields: ClientFields
    outcome: Outcome  # INSERTED or UPDATED, once AroFlo confirms it


@dataclass
class ClientWrites:
    client: AroFloClient
    tally: Tally
    modes: Mapping[str, DestinationSyncMode]  # by stream: a sync may write clients from several
    business_unit: str = ""
    _index: ClientIndex | None = None
    # record number -> the outcome of its write whose answer was lost (it counts if AroFlo shows it applied)
    _doubtful: dict[int, Outcome] = field(default_factory=dict)

    def index(self) -> ClientIndex:
        if self._index is None:
            read = self.client.read_all
            clients = {c["clientid"]: c for c in read(ZONE, ZONE, [EVERY_CLIENT]) if c.get("clientid")}
            clients |= {
                c["clientid"]: c for c in read(ZONE, ZONE, [EVERY_CLIENT, ARCHIVED]) if c.get("clientid")
            }
            self._index = ClientIndex(clients.values())
        return self._index

    # ---- decide ------------------------------------------------------------------------------------------
    def decide(self, records: list[Incoming]) -> tuple[list[Write], list[Incoming]]:
        index = self.index()
        writes: list[Write] = []
        waiting = _Pending()
        for position, incoming in enumerate(records):
            try:
                record = ClientFields.of(incoming.data)
            except Invalid as invalid:
                self.tally.reject(incoming, _key(incoming.data), str(invalid))
                continue
            match = index.match(record)
            if waiting.touches(record, match.client):
                return writes, records[position:]  # decided once the writes before it are made
            decided = self._decide_one(record, match, index, self.modes[incoming.stream])
            if isinstance(decided, ClientWrite):
                writes.append(Write(incoming, decided, kind=decided.outcome.value))
                waiting.add(decided.fields, match.client)
            elif isinstance(decided, str):
                self.tally.reject(incoming, record.key(), decided)
            else:
                self._count_unchanged(incoming)
        return writes, []

    def _decide_one(
        self, record: ClientFields, match: Match, index: ClientIndex, mode: DestinationSyncMode
    ) -> ClientWrite | Outcome | str:
        """The write a record needs, UNCHANGED when AroFlo holds it already, or why it is rejected."""
        if match.unknown_id or match.ambiguous_by:
            return match.describe()
        if match.client is not None:
            if mode == DestinationSyncMode.append:
                return f"already in AroFlo as {describe(match.client)} (append only inserts)"
            change = record.changes_to(match.client)
            if change is None:
                return Outcome.UNCHANGED
            others = [c for c in index.named(change.name) if c.get("clientid") != change.clientid]
            if change.name and others:
                return (
                    f"renaming {describe(match.client)} to {change.name!r} clashes with {describe(others[0])}"
                )
            return ClientWrite(change, Outcome.UPDATED)
        if mode == DestinationSyncMode.update:
            return "no AroFlo client matches it (update only changes existing clients)"
        if missing := record.missing_for_insert():
            return f"a new client needs {', '.join(missing)} (AroFlo requires them on insert)"
        if clash := index.named(record.name):
            return f"name clash: {describe(clash[0])} has this name but not this email or mobile"
        return ClientWrite(record, Outcome.INSERTED)

    def _count_unchanged(self, incoming: Incoming) -> None:
        # A record written before its answer was lost, found in AroFlo as it was sent: that write applied.
        self.tally.count(incoming, self._doubtful.pop(incoming.number, Outcome.UNCHANGED))

    # ---- post and settle ---------------------------------------------------------------------------------
    def post(self, writes: list[Write]) -> WriteAnswer:
        clients = [w.payload.fields.postxml(self.business_unit) for w in writes]
        return self.client.write(ZONE, element("clients", *clients))

    def settle(self, writes: list[Write], results: Mapping[str, Any]) -> list[Write]:
        inserted = {name_key(e.get("clientname")): e for e in _echoes(results, "inserts")}
        updated = {str(e.get("clientid") or ""): e for e in _echoes(results, "updates")}
        unsettled = []
        for write in writes:
            change: ClientWrite = write.payload
            fields = change.fields
            echo = updated.get(fields.clientid) if fields.clientid else inserted.get(name_key(fields.name))
            if echo is None or not (echo.get("error") or echo.get("clientid")):
                unsettled.append(write)
            elif echo.get("error"):
                self.tally.reject(
                    write.incoming, fields.key(), f"AroFlo refused it: {echo['error']}{_details(results)}"
                )
            else:
                held = self.index().get(fields.clientid) if fields.clientid else None
                self.index().put(
                    ClientFields(str(echo["clientid"]), fields.values, fields.addresses).as_held(held)
                )
                self.tally.count(write.incoming, change.outcome)
        return unsettled

    def look_again(self, writes: list[Write]) -> None:
        for write in writes:
            self._doubtful[write.incoming.number] = write.payload.outcome
        self._index = None  # every client read again before anything is decided


@dataclass
class _Pending:
    """The clients this batch will write: a record touching one of them waits until they are written."""

    ids: set[str] = field(default_factory=set)
    keys: set[tuple[str, str]] = field(default_factory=set)

    def add(self, fields: ClientFields, matched: Mapping[str, Any] | None) -> None:
        if matched is not None:
            self.ids.add(str(matched.get("clientid")))
        self.keys |= _match_keys(fields)

    def touches(self, record: ClientFields, matched: Mapping[str, Any] | None) -> bool:
        if matched is not None and str(matched.get("clientid")) in self.ids:
            return True
        return bool(_match_keys(record) & self.keys)


def _match_keys(fields: ClientFields) -> set[tuple[str, str]]:
    keys = {
        ("email", email_key(fields.values.get("email"))),
        ("mobile", mobile_key(fields.values.get("mobile"))),
    }
    keys.add(("name", name_key(fields.name)))
    return {(step, key) for step, key in keys if key}


def _echoes(results: Mapping[str, Any], part: str) -> list[Mapping[str, Any]]:
    echoed = (results.get(part) or {}).get(ZONE) if isinstance(results.get(part), Mapping) else None
    if isinstance(echoed, Mapping):
        echoed = [echoed]
    return [e for e in echoed or [] if isinstance(e, Mapping)]


def _details(results: Mapping[str, Any]) -> str:
    """AroFlo's `errors` of the answer, once each (`Client already exists`, code 209)."""
    errors = [e for e in results.get("errors") or [] if isinstance(e, Mapping)]
    details = dict.fromkeys(f"{e.get('detail') or e.get('message')} (code {e.get('code')})" for e in errors)
    return f" ({'; '.join(details)})" if details else ""


def _key(data: Mapping[str, Any]) -> str:
    named = [f"{k} {data.get(k)!r}" for k in ("clientid", "clientname", "email", "mobile") if data.get(k)]
    return ", ".join(named) or "no clientid, name, email or mobile"
