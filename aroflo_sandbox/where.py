"""WHERE clauses of the AroFlo classic zone API: parse and evaluate (AroFlo's README, WHERE Clause;
docs/sandbox.md#strict-where).

Each ``where`` query variable holds one clause; tokens are separated by ``|``::

    clause := conj "|" { "(" "|" } field "|" op "|" value { "|" ")" }

Clauses combine left to right with SQL precedence (AND binds tighter than OR); brackets group.
Comparisons imitate SQL Server as AroFlo runs it: case-insensitive text that ignores trailing
spaces, dates compared by day, datetimes by second, and NULL semantics for blank record values.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

Lookup = Callable[[str], tuple[str, Any]]


class WhereError(ValueError):
    """A malformed clause; the text starts like AroFlo's error ("Invalid WHERE Clause")."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Invalid WHERE Clause: {reason}")


# AroFlo's README documents =, <, >, !=, IN and NOT IN; ">=" appears in a vendor example (schedules), so it
# is accepted too. "<=" appears nowhere: status 9.
_COMPARE = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    ">=": operator.ge,
}
OPERATORS = frozenset({*_COMPARE, "IN", "NOT IN"})
LIST_OPERATORS = ("IN", "NOT IN")
_FIELD_RE = re.compile(r"[a-z0-9_]+")
# Either separator (used consistently), optional time to the second, optional fraction.
# No "T"/"Z"/offset syntax: the vendor never uses it.
_DATE_RE = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?: +(\d{1,2}):(\d{2}):(\d{2})(?:\.\d{1,7})?)?")
_BOOLS = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True)
class Condition:
    """One clause: conj ("and"/"or"), field (lower case), op (upper case), value (raw text)."""

    conj: str
    field: str
    op: str
    value: str


@dataclass(frozen=True)
class _Clause:
    cond: Condition
    opens: int
    closes: int


@dataclass(frozen=True)
class _Bool:
    op: str  # "and" | "or"
    items: tuple[Condition | _Bool, ...]


# ---------------------------------------------------------------- parsing


def _split_clause(n: int, text: str) -> _Clause:
    parts = text.split("|")
    conj = parts[0].strip().lower()
    if conj not in ("and", "or"):
        raise WhereError(f"clause {n} must start with 'and' or 'or': {text!r}")
    rest = parts[1:]
    opens = closes = 0
    while rest and rest[0].strip() == "(":
        opens, rest = opens + 1, rest[1:]
    # Keep three tokens, so a lone ")" value (`and|f|=|)`) stays a value.
    while len(rest) > 3 and rest[-1].strip() == ")":
        closes, rest = closes + 1, rest[:-1]
    if len(rest) != 3:
        raise WhereError(f"clause {n} is not field|operator|value: {text!r}")
    field, op, value = rest[0].strip().lower(), " ".join(rest[1].split()).upper(), rest[2]
    if not _FIELD_RE.fullmatch(field):
        raise WhereError(f"clause {n} has a bad field name {rest[0]!r}")
    if op not in OPERATORS:
        raise WhereError(f"clause {n} has an unknown operator {rest[1]!r}")
    if not value.strip():  # the README's grammar table: the value is required
        raise WhereError(f"clause {n} has no value: {text!r}")
    return _Clause(Condition(conj, field, op, value), opens, closes)


def _unglue(items: list[_Clause]) -> list[_Clause]:
    """Accept a closing bracket glued to the value, as AroFloSharp (a C# client) sends it
    (`or|clientname|=|ClientB)`).

    Only when the `|)` form leaves brackets open, and only if stripping every unmatched
    trailing ")" from values closes exactly the missing number: then no other reading is
    balanced, so the interpretation is unambiguous. Anything else stays unbalanced (error).
    """
    missing = sum(i.opens - i.closes for i in items)
    if missing <= 0:
        return items
    strips = []
    for item in items:
        value = item.cond.value
        unmatched = value.count(")") - value.count("(")
        strips.append(max(0, min(unmatched, len(value) - len(value.rstrip(")")))))
    if sum(strips) != missing:
        return items  # the balance check in parse_where reports it
    return [
        replace(i, cond=replace(i.cond, value=i.cond.value[: len(i.cond.value) - k]), closes=i.closes + k)
        if k
        else i
        for i, k in zip(items, strips, strict=True)
    ]


_PREC = {"or": 1, "and": 2}


class _Combiner:
    """Precedence climbing over the token stream: "(" / ")" / "and" / "or" / Condition."""

    def __init__(self, tokens: list[Any]) -> None:
        self.tokens, self.pos = tokens, 0

    def _next(self) -> Any:
        self.pos += 1
        return self.tokens[self.pos - 1] if self.pos <= len(self.tokens) else None

    def parse(self) -> Condition | _Bool:
        node = self._expr(1)
        if self.pos != len(self.tokens):
            raise WhereError("unbalanced brackets")
        return node

    def _atom(self) -> Condition | _Bool:
        tok = self._next()
        if isinstance(tok, Condition):
            return tok
        if tok == "(":
            node = self._expr(1)
            if self._next() != ")":
                raise WhereError("unbalanced brackets")
            return node
        raise WhereError(f"unexpected {tok!r}")

    def _expr(self, min_prec: int) -> Condition | _Bool:
        left = self._atom()
        while self.pos < len(self.tokens) and _PREC.get(self.tokens[self.pos], 0) >= min_prec:
            conj = self._next()
            right = self._expr(_PREC[conj] + 1)
            # Flatten runs of the same conjunction: shallow trees for long clause lists.
            head = left.items if isinstance(left, _Bool) and left.op == conj else (left,)
            left = _Bool(conj, (*head, right))
        return left


def parse_where(clauses: Sequence[str]) -> WhereExpr:
    """clauses = the decoded values of the repeated `where` query variables, in order."""
    if isinstance(clauses, str):
        clauses = [clauses]
    items = _unglue([_split_clause(n, text) for n, text in enumerate(clauses, 1)])
    tokens: list[Any] = []
    depth = 0
    for n, item in enumerate(items):
        if n:  # the first clause's conjunction has nothing to join, so it is ignored
            tokens.append(item.cond.conj)
        tokens += ["("] * item.opens + [item.cond] + [")"] * item.closes
        depth += item.opens - item.closes
        if depth < 0:
            raise WhereError(f"unbalanced brackets: ')' without '(' in clause {n + 1}")
    if depth:
        raise WhereError("unbalanced brackets: '(' never closed")
    return WhereExpr(_Combiner(tokens).parse() if tokens else None, tuple(i.cond for i in items))


# ---------------------------------------------------------------- values


def _parse_datetime(text: str) -> datetime | None:
    m = _DATE_RE.fullmatch(text.strip())
    if not m:
        return None
    y, _, mo, d, h, mi, s = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:  # e.g. 2021-02-30
        return None


def _literal(kind: str, text: str) -> Any:
    """One literal as the field's kind."""
    if not text.strip():
        raise WhereError("an empty value")
    if kind == "text":
        return text.rstrip().casefold()  # SQL Server ignores trailing spaces
    if kind == "number":
        try:
            num = Decimal(text.strip())
        except InvalidOperation:
            num = None
        if num is None or not num.is_finite():
            raise WhereError(f"{text!r} is not a number")
        return num
    if kind == "bool":
        if text.strip().lower() not in _BOOLS:
            raise WhereError(f"{text!r} is not a boolean")
        return _BOOLS[text.strip().lower()]
    if kind in ("date", "datetime"):
        dt = _parse_datetime(text)
        if dt is None:
            raise WhereError(f"{text!r} is not a {kind} (YYYY-MM-DD or YYYY/MM/DD [HH:mm:ss])")
        # Vendor examples put datetimes on DATE fields: compare on the date part then.
        return dt.date() if kind == "date" else dt
    raise ValueError(f"unknown field kind {kind!r}")


@lru_cache(maxsize=1024)
def _literals(field: str, kind: str, op: str, value: str) -> tuple[Any, ...]:
    try:
        lits = tuple(_literal(kind, v) for v in (value.split("*") if op in LIST_OPERATORS else [value]))
    except WhereError as exc:
        raise WhereError(f"{str(exc).removeprefix('Invalid WHERE Clause: ')} (field {field!r})") from None
    return lits


def _record(kind: str, raw: Any) -> Any:
    """A record value normalised to the kind; None = blank (None, "", " ", or unreadable)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "text":
        return str(raw).rstrip().casefold()
    if kind == "number":
        try:
            num = Decimal(str(raw).strip())
        except InvalidOperation:
            return None
        return num if num.is_finite() else None
    if kind == "bool":
        return raw if isinstance(raw, bool) else _BOOLS.get(str(raw).strip().lower())
    if kind in ("date", "datetime"):
        if isinstance(raw, str):
            raw = _parse_datetime(raw)
        if isinstance(raw, datetime):
            dt = raw.replace(microsecond=0, tzinfo=None)  # 1-second resolution
        elif isinstance(raw, date):
            dt = datetime(raw.year, raw.month, raw.day)
        else:
            return None
        return dt.date() if kind == "date" else dt
    raise ValueError(f"unknown field kind {kind!r}")


def _compare(op: str, rec: Any, lits: tuple[Any, ...]) -> bool:
    if rec is None:  # SQL NULL: a blank record value fails every comparison, even != and NOT IN
        return False
    if op == "IN":
        return rec in lits
    if op == "NOT IN":
        return rec not in lits
    return bool(_COMPARE[op](rec, lits[0]))


# ---------------------------------------------------------------- expression


class WhereExpr:
    """A parsed WHERE; no clauses at all means "match everything" (the caller decides the
    default filter)."""

    def __init__(self, root: Condition | _Bool | None, conditions: tuple[Condition, ...]) -> None:
        self._root = root
        self.conditions = conditions
        self.fields: frozenset[str] = frozenset(c.field for c in conditions)

    def __repr__(self) -> str:
        return f"WhereExpr({self._root!r})"

    def check(self, kind_of: Callable[[str], str]) -> None:
        """Validate every literal against its field's kind (kind_of raises KeyError for unknown
        fields). Lets a caller reject a bad clause even when there are no records to test."""
        for c in self.conditions:
            try:
                kind = kind_of(c.field)
            except KeyError:
                raise WhereError(f"unknown field {c.field!r}") from None
            _literals(c.field, kind, c.op, c.value)

    def span(self, field: str) -> timedelta | None:
        """How long a stretch of time the clauses every match must satisfy (the top-level AND) leave a date
        or date-time `field`; None when they do not bound it on both sides::

            ["and|workdate|>|2024-01-01", "and|workdate|<|2024-01-31"]  -> 30 days
            ["and|(|workdate|>|2024-01-01", "or|workdate|<|2024-01-31|)"]  -> None (an OR bounds nothing)
        """
        root = self._root
        required = (root,) if isinstance(root, Condition) else root.items if root and root.op == "and" else ()
        lows, highs = [], []
        for c in required:
            if isinstance(c, Condition) and c.field == field and (moment := _parse_datetime(c.value)):
                if c.op in (">", ">=", "="):
                    lows.append(moment)
                if c.op in ("<", "="):
                    highs.append(moment)
        return min(highs) - max(lows) if lows and highs else None

    def evaluate(self, lookup: Lookup) -> bool:
        if self._root is None:
            return True
        values: dict[str, tuple[str, Any]] = {}
        for field in self.fields:
            try:
                values[field] = lookup(field)
            except KeyError:
                raise WhereError(f"unknown field {field!r}") from None
        # All literals are checked up front, so a bad one fails whatever short-circuits.
        self.check(lambda f: values[f][0])

        def test(c: Condition) -> bool:
            kind, raw = values[c.field]
            return _compare(c.op, _record(kind, raw), _literals(c.field, kind, c.op, c.value))

        return _eval(self._root, test)


def _eval(node: Condition | _Bool, test: Callable[[Condition], bool]) -> bool:
    if isinstance(node, Condition):
        return test(node)
    results = (_eval(item, test) for item in node.items)
    return all(results) if node.op == "and" else any(results)
