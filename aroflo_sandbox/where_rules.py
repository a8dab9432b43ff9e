"""What AroFlo's documentation accepts in a zone's WHERE clauses: the sandbox answers anything else with
status 9, "Invalid WHERE Clause".

The rules come from the documentation as data (``documented/``), never re-typed here:

* a field must be in the zone's WHERE table or used in one of the vendor's own example requests for that
  zone (a zone with neither accepts no WHERE at all);
* its literals (each item of an ``IN``/``NOT IN`` list) must read as the field's documented type:

  ============  ==========================================================================================
  aroflo_id     a non-empty base64-like token (``JCdKUyZRMCAgCg==``)
  date          ``YYYY-MM-DD`` or ``YYYY/MM/DD``, a time allowed (a vendor example puts one on a DATE field)
  datetime      ``YYYY-MM-DD`` or ``YYYY/MM/DD``, with or without ``HH:mm:ss``
  boolean       ``true`` or ``false``, any case
  integer       digits
  number        a decimal number
  enum          one of the documented values or a value the vendor's examples use, any case
  string        any non-empty text (also every field only the vendor's examples use: no type is documented)
  ============  ==========================================================================================

The grammar itself (conjunctions, brackets, the operators and the required value) is ``where.py``'s.
Example::

    check("tasks", parse_where(["and|status|=|notstarted"]).conditions)  -> None (accepted)
    check("tasks", parse_where(["and|clientid|=|JCdKUyZRMCAgCg=="]).conditions)
      -> WhereError: field 'clientid' is not a documented WHERE field of tasks
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from aroflo_sandbox.documented import zone_docs
from aroflo_sandbox.where import LIST_OPERATORS, Condition, WhereError

_ID = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_DATE = re.compile(r"\d{4}([-/])\d{2}\1\d{2}(?: \d{2}:\d{2}:\d{2})?")
_INTEGER = re.compile(r"\d+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_FORMATS: dict[str, re.Pattern[str]] = {
    "aroflo_id": _ID,
    "date": _DATE,
    "datetime": _DATE,
    "boolean": re.compile(r"true|false", re.IGNORECASE),
    "integer": _INTEGER,
    "number": _NUMBER,
    "string": re.compile(r".*\S.*", re.DOTALL),
}


@dataclass(frozen=True)
class FieldRule:
    """One accepted WHERE field: its documented type and, for an enum, the accepted values (casefolded)."""

    type: str
    values: frozenset[str] = frozenset()

    def accepts(self, literal: str) -> bool:
        if self.type == "enum":
            return literal.strip().casefold() in self.values
        return _FORMATS[self.type].fullmatch(literal.strip()) is not None


@cache
def accepted_fields(zone_key: str) -> dict[str, FieldRule]:
    """The zone's accepted WHERE fields: its WHERE table, then the fields only the vendor's examples use.

    >>> {name: rule.type for name, rule in accepted_fields("payments").items()}  # datepaid: an example's
    {'paymentid': 'aroflo_id', 'datepaid': 'string'}
    """
    docs = zone_docs(zone_key)
    used: dict[str, set[str]] = {}
    for clause in docs["example_where"]:
        items = clause["value"].split("*") if clause["op"].upper() in LIST_OPERATORS else [clause["value"]]
        used.setdefault(clause["field"].lower(), set()).update(v.strip().casefold() for v in items)
    rules: dict[str, FieldRule] = {}
    for row in docs["where"]:
        values = {v.casefold() for v in row.get("values", [])} | used.get(row["field"], set())
        rules[row["field"]] = FieldRule(
            row["type"], frozenset(values) if row["type"] == "enum" else frozenset()
        )
    for name in used:
        rules.setdefault(name, FieldRule("string"))
    return rules


def check(zone_key: str, conditions: Iterable[Condition]) -> None:
    """Raise WhereError for the first condition AroFlo's documentation does not accept."""
    rules = accepted_fields(zone_key)
    for condition in conditions:
        rule = rules.get(condition.field)
        if rule is None:
            raise WhereError(f"field {condition.field!r} is not a documented WHERE field of {zone_key}")
        items = condition.value.split("*") if condition.op in LIST_OPERATORS else [condition.value]
        for literal in items:
            if not rule.accepts(literal):
                raise WhereError(f"{literal!r} is not a {rule.type} (field {condition.field!r})")
