"""A client record as AroFlo's client POSTXML takes it: the fields, their documented lengths, what changes.

AroFlo's clients documentation ("POSTXML Variable definition") gives each writable field and its length; an
insert requires `clientname`, `firstname` and `surname`; in `address` and `mailingaddress` "State and Country
are now required pairs ... You cannot pass through a state without a country" (nor, a pair, a country without
a state). A field that is absent, null or blank is not sent, so it leaves AroFlo's value as it is (a blank CSV
cell never wipes a phone number).

>>> fields = ClientFields.of({"clientname": " ABC Building ", "email": "", "phone": 392595200,
...                           "address": {"suburb": "Ringwood", "state": "VIC", "country": "Australia"}})
>>> fields.values
{'clientname': 'ABC Building', 'phone': '392595200'}
>>> dict(fields.addresses["address"])
{'suburb': 'Ringwood', 'state': 'VIC', 'country': 'Australia'}
>>> ClientFields.of({"clientname": "X", "address": {"state": "VIC"}})
Traceback (most recent call last):
...
destination_aroflo.client_fields.Invalid: address has state 'VIC' but no country: AroFlo takes them as a pair
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from destination_aroflo.postxml import Markup, element, plain, unwritable

# The POSTXML definition's writable fields and their STRING(n) lengths.
SCALARS: Mapping[str, int] = {
    "clientname": 50,
    "firstname": 50,
    "surname": 50,
    "abn": 50,
    "shortname": 6,
    "phone": 50,
    "mobile": 50,
    "fax": 50,
    "email": 250,
    "website": 1000,
}
ADDRESS_PARTS: Mapping[str, int] = {
    "addressline1": 150,
    "addressline2": 150,
    "suburb": 100,
    "state": 50,
    "postcode": 10,
    "country": 50,
}
ADDRESSES = ("address", "mailingaddress")
REQUIRED_ON_INSERT = ("clientname", "firstname", "surname")
CASE_INSENSITIVE = frozenset({"email"})  # a change of case alone is no change


class Invalid(ValueError):
    """The record breaks one of AroFlo's documented rules: it is rejected before anything is sent."""


@dataclass(frozen=True)
class ClientFields:
    clientid: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    addresses: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ClientFields:
        values = {name: text for name, limit in SCALARS.items() if (text := _text(data, name, limit))}
        addresses: dict[str, Mapping[str, str]] = {}
        for name in ADDRESSES:
            given = data.get(name)
            if given in (None, "", {}):
                continue
            if not isinstance(given, Mapping):
                raise Invalid(
                    f"{name} must be an object ({', '.join(ADDRESS_PARTS)}), not {type(given).__name__}"
                )
            parts = {
                part: text
                for part, limit in ADDRESS_PARTS.items()
                if (text := _text(given, part, limit, name))
            }
            if bool(parts.get("state")) != bool(parts.get("country")):
                given, missing = ("state", "country") if parts.get("state") else ("country", "state")
                raise Invalid(
                    f"{name} has {given} {parts[given]!r} but no {missing}: AroFlo takes them as a pair"
                )
            if parts:
                addresses[name] = parts
        return cls(_text(data, "clientid", 100), values, addresses)

    @property
    def name(self) -> str:
        return self.values.get("clientname", "")

    def key(self) -> str:
        """How a log line names the record."""
        named = [f"clientid {self.clientid}"] if self.clientid else []
        named += [f"{k} {self.values[k]!r}" for k in ("clientname", "email", "mobile") if self.values.get(k)]
        return ", ".join(named) or "no clientid, name, email or mobile"

    def missing_for_insert(self) -> list[str]:
        return [name for name in REQUIRED_ON_INSERT if not self.values.get(name)]

    def changes_to(self, held: Mapping[str, Any]) -> ClientFields | None:
        """What differs from the client AroFlo holds, as an update of it; None when nothing does. An address
        that differs is sent whole, so a state always goes with its country."""
        values = {k: v for k, v in self.values.items() if not _same(k, v, held.get(k))}
        addresses = {
            name: parts
            for name, parts in self.addresses.items()
            if any(not _same(p, v, _held(held.get(name), p)) for p, v in parts.items())
        }
        if not values and not addresses:
            return None
        return replace(self, clientid=str(held.get("clientid") or ""), values=values, addresses=addresses)

    def as_held(self, held: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The client AroFlo holds once this insert or update is applied (for the rest of this sync)."""
        client = dict(held or {})
        client.update(self.values)
        for name, parts in self.addresses.items():
            client[name] = {**(client.get(name) or {}), **parts}
        if self.clientid:
            client["clientid"] = self.clientid
        return client

    def postxml(self, orgid: str = "") -> Markup:
        """One `<client>`: `clientid` for an update, `orgs` (the business unit) for an insert."""
        parts = [plain("clientid", self.clientid)] if self.clientid else []
        parts += [element(name, value) for name, value in self.values.items()]
        if orgid and not self.clientid:
            parts.append(element("orgs", element("org", plain("orgid", orgid))))
        for name, address in self.addresses.items():
            parts.append(element(name, *(element(p, v) for p, v in address.items())))
        return element("client", *parts)


def _text(data: Mapping[str, Any], name: str, limit: int, within: str = "") -> str:
    value = data.get(name)
    if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
        if value is None:
            return ""
        raise Invalid(f"{within + '.' if within else ''}{name} must be text, not {type(value).__name__}")
    text = str(value).strip()
    where = f"{within}.{name}" if within else name
    if len(text) > limit:
        raise Invalid(f"{where} is {len(text)} characters long; AroFlo takes at most {limit}")
    if problem := unwritable(text):
        raise Invalid(f"{where} holds {problem}, which AroFlo's XML cannot carry")
    return text


def _held(address: Any, part: str) -> Any:
    return address.get(part) if isinstance(address, Mapping) else None


def _same(name: str, value: str, held: Any) -> bool:
    held_text = "" if held is None else str(held).strip()
    return held_text.casefold() == value.casefold() if name in CASE_INSENSITIVE else held_text == value
