"""Which AroFlo client a record means: read every client once per sync, match by id, email, mobile or name.

Matching, in this order: the record's `clientid`; else the clients with the same email (trimmed, any case);
else with the same mobile (in national form: digits only, `+61 4…` read as `04…`, `+64 2…` as `02…`); else,
for a record with neither email nor mobile, the client with the same name (AroFlo allows one client per
name). One client at a step is the match; two or more is ambiguous and the record is rejected (never a guess,
never the next step). Archived clients take part.

>>> index = ClientIndex([{"clientid": "A", "clientname": "ABC Building", "email": "Office@abc.com.au",
...                       "mobile": "0412 345 678"},
...                      {"clientid": "B", "clientname": "Bob's Cafe", "email": "office@abc.com.au"}])
>>> index.match(ClientFields.of({"clientname": "x", "mobile": "+61 412 345 678"})).client["clientid"]
'A'
>>> index.match(ClientFields.of({"clientname": "x", "email": " OFFICE@abc.com.au"})).ambiguous_by
'email'
>>> index.match(ClientFields.of({"clientname": "abc  building"})).client["clientname"]
'ABC Building'
>>> mobile_key("+64 21 555 0101"), mobile_key("(04) 1234-5678"), mobile_key("0061 412 345 678")
('0215550101', '0412345678', '0412345678')
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from destination_aroflo.client_fields import ClientFields

COUNTRY_CODES = ("61", "64")  # Australia, New Zealand: AroFlo's countries


def email_key(text: Any) -> str:
    return str(text or "").strip().casefold()


def mobile_key(text: Any) -> str:
    """A mobile number in national form, digits only: `+61 412 345 678` -> `0412345678`."""
    raw = str(text or "").strip()
    digits = re.sub(r"\D", "", raw)
    international = raw.startswith("+") or digits.startswith("00")
    digits = digits.removeprefix("00") if international else digits
    if international and digits[:2] in COUNTRY_CODES:
        national = digits[2:]
        return national if national.startswith("0") else "0" + national
    return digits


def name_key(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


@dataclass(frozen=True)
class Match:
    """The outcome of matching: a client, no client, or several at one step."""

    client: Mapping[str, Any] | None = None
    ambiguous_by: str = ""
    candidates: tuple[Mapping[str, Any], ...] = ()
    unknown_id: bool = False

    def describe(self) -> str:
        if self.unknown_id:
            return "no AroFlo client has this clientid (deleted, or from another AroFlo account)"
        names = ", ".join(describe(client) for client in self.candidates)
        return f"{len(self.candidates)} AroFlo clients have this {self.ambiguous_by}: {names}"


@dataclass
class ClientIndex:
    clients: Iterable[Mapping[str, Any]] = ()
    _by_id: dict[str, Mapping[str, Any]] = field(default_factory=dict, init=False)
    _by: dict[str, dict[str, list[Mapping[str, Any]]]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._by = {"email": defaultdict(list), "mobile": defaultdict(list), "name": defaultdict(list)}
        for client in self.clients:
            self.put(client)

    def __len__(self) -> int:
        return len(self._by_id)

    def put(self, client: Mapping[str, Any]) -> None:
        """Add a client, or replace the one with its clientid."""
        clientid = str(client.get("clientid") or "")
        if clientid in self._by_id:
            old = self._by_id.pop(clientid)
            for step, key in _keys(old):
                self._by[step][key].remove(old)
        self._by_id[clientid] = client
        for step, key in _keys(client):
            self._by[step][key].append(client)

    def get(self, clientid: str) -> Mapping[str, Any] | None:
        return self._by_id.get(clientid)

    def named(self, name: str) -> list[Mapping[str, Any]]:
        return list(self._by["name"].get(name_key(name), []))

    def match(self, record: ClientFields) -> Match:
        if record.clientid:
            client = self._by_id.get(record.clientid)
            return Match(client) if client else Match(unknown_id=True)
        email, mobile = record.values.get("email"), record.values.get("mobile")
        steps = [("email", email_key(email)), ("mobile", mobile_key(mobile))]
        if not email and not mobile:
            steps = [("name", name_key(record.name))]
        for step, key in steps:
            found = self._by[step].get(key, []) if key else []
            if len(found) == 1:
                return Match(found[0])
            if len(found) > 1:
                return Match(ambiguous_by=step, candidates=tuple(found))
        return Match()


def describe(client: Mapping[str, Any]) -> str:
    return f"{client.get('clientname')!r} ({client.get('clientid')})"


def _keys(client: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = [
        ("email", email_key(client.get("email"))),
        ("mobile", mobile_key(client.get("mobile"))),
        ("name", name_key(client.get("clientname"))),
    ]
    return [(step, key) for step, key in keys if key]
