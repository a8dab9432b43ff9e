"""Typed values out of AroFlo's strings, driven by each stream's JSON schema (docs/aroflo.md#data-types).

The schema says what a field is; this module only knows how AroFlo spells it:
- blanks (`""`, `" "`) in a date, time, number or boolean field are null;
- booleans come as "true"/"TRUE"/"1"/0 and so on;
- numbers as decimal text ("296.7600"): integral values become JSON integers, the others the double
  whose shortest text is exactly that decimal (every amount up to 15 significant digits); a value a
  double cannot hold exactly is left as AroFlo sent it, never rounded;
- date-times as `YYYY/MM/DD HH:mm:ss`, `YYYY-MM-DD HH:mm:ss.f` or `Oct 23, 2018 7:00:00 AM`, with no
  zone: `timestamp_with_timezone` fields (their name says utc) get a `Z`, the others stay site-local
  wall-clock time without an offset; dates become `YYYY-MM-DD`;
- a field declared as a boolean or text (featureaccess `featurevalue`: `["null", "boolean", "string"]`) reads
  the boolean spellings as booleans ("TRUE" -> true) and passes other words as text ("Limited");
- a custom field keeps its `value` as sent; its `value_boolean`, `value_number` and `value_date`, where the
  schema declares them, hold that value typed as its `type` says (checkbox, numeric, Datefield), the others
  null.
A value that does not read as its declared type is passed on unchanged (and logged), so nothing is lost.
Rules that hold for one stream only (Tasks: a number 0 in `priority` means none) are the stream's own
(`TypingRules`, from its `$parameters`), never applied to the others.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import InitVar, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

from airbyte_cdk.sources.declarative.extractors.type_transformer import TypeTransformer
from airbyte_cdk.sources.types import Config

logger = logging.getLogger("airbyte")

TRUE = frozenset({"true", "1", "yes", "y"})
FALSE = frozenset({"false", "0", "no", "n"})

_NUMERIC = re.compile(
    r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?P<f>\.\d{1,6})?)?)?Z?"
)
# `2023/10/01 23:09:01`, `2018-06-21 10:59:01`, `2026-11-24T17:15:36`: a shape `_NUMERIC` reads too, in ASCII
# digits, which datetime.fromisoformat reads once the slashes are dashes.
_PLAIN = re.compile(r"[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}")
_HUMAN = re.compile(
    r"(?P<b>[A-Z][a-z]{2}) (?P<d>\d{1,2}), (?P<y>\d{4}) (?P<I>\d{1,2}):(?P<M>\d{2}):(?P<S>\d{2}) (?P<p>[AP]M)"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1
    )
}


class Unreadable(ValueError):
    """The value does not read as the field's declared type."""


def parse_moment(text: str) -> tuple[datetime, str, bool]:
    """An AroFlo date or date-time: the moment, its fraction text (".8", or ""), and whether it had a time."""
    text = text.strip()
    try:
        if _PLAIN.fullmatch(text):  # most of AroFlo's date-times: read by the C parser, same checks
            return datetime.fromisoformat(text.replace("/", "-")), "", True
        if match := _NUMERIC.fullmatch(text):
            year, month, day, hour, minute, second, fraction = match.groups()
            moment = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
            return moment, fraction or "", hour is not None
        if match := _HUMAN.fullmatch(text):
            g = match.groupdict()
            hour = int(g["I"]) % 12 + (12 if g["p"] == "PM" else 0)
            moment = datetime(int(g["y"]), _MONTHS[g["b"]], int(g["d"]), hour, int(g["M"]), int(g["S"]))
            return moment, "", True
    except (KeyError, ValueError) as error:  # month 13, 30 February, hour 25 ...
        raise Unreadable(text) from error
    raise Unreadable(text)


def to_date(value: Any) -> str:
    moment, fraction, has_time = parse_moment(str(value))
    if has_time and (moment.time() != datetime.min.time() or fraction.strip(".0")):
        raise Unreadable(value)  # a real time of day in a date field: keep it rather than drop it
    return moment.date().isoformat()


def to_datetime(value: Any, utc: bool) -> str:
    moment, fraction, _ = parse_moment(str(value))
    # isoformat is strftime("%Y-%m-%dT%H:%M:%S") at a third of the cost (no microseconds are ever set), but
    # pads a year before 1000 to four digits where strftime does not.
    text = moment.isoformat() if moment.year >= 1000 else moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + fraction + ("Z" if utc else "")


def datetime_reader(utc: bool) -> Convert:
    """`to_datetime` for one field, with AroFlo's usual `YYYY/MM/DD HH:mm:ss` (year 1000 on) rewritten as text
    once the C parser has checked it, rather than parsed, rebuilt and printed.

    >>> read = datetime_reader(utc=True)
    >>> read("2023/10/01 23:09:01"), read("Oct 23, 2018 7:00:00 AM")
    ('2023-10-01T23:09:01Z', '2018-10-23T07:00:00Z')
    """
    suffix = "Z" if utc else ""

    def read(value: Any) -> str:
        if type(value) is str and value[:1] != "0" and _PLAIN.fullmatch(value):
            try:
                datetime.fromisoformat(value.replace("/", "-"))  # month 13, 30 February: to_datetime's error
            except ValueError:
                pass
            else:
                return f"{value[:4]}-{value[5:7]}-{value[8:10]}T{value[11:]}{suffix}"
        return to_datetime(value, utc)

    return read


def to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise Unreadable(value)


# Plain decimal text, `-12` or `296.7600`, in ASCII digits: read without Decimal where that gives the same.
_PLAIN_NUMBER = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


def to_number(value: Any, integer: bool) -> int | float:
    """AroFlo's decimal text as a JSON number: integral values an int, others the double that is exactly it.

    >>> to_number("296.7600", integer=False), to_number("-12.00", integer=True), to_number(" 7 ", True)
    (296.76, -12, 7)
    >>> to_number("0.1234567890123456789", integer=False)
    Traceback (most recent call last):
    ...
    source_aroflo.components.normalize.Unreadable: 0.1234567890123456789
    """
    if type(value) is str and (plain := _PLAIN_NUMBER.fullmatch(value.strip())):
        sign, whole, fraction = plain.groups()
        fraction = (fraction or "").rstrip("0")
        if not fraction:
            return int(whole) if not sign else -int(whole)
        # At most 15 significant digits: the double nearest the decimal prints back as it (DBL_DIG), which is
        # the exactness check below; more digits take that check.
        if not integer and len(whole.lstrip("0")) + len(fraction) <= 15 and len(fraction) <= 15:
            return float(f"{sign}{whole}.{fraction}")
    return _to_number(value, integer)


def _to_number(value: Any, integer: bool) -> int | float:
    if isinstance(value, bool):
        raise Unreadable(value)
    try:
        exact = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise Unreadable(value) from error
    if not exact.is_finite():
        raise Unreadable(value)
    if exact == exact.to_integral_value():
        return int(exact)
    if integer:
        raise Unreadable(value)
    approximate = float(exact)
    if Decimal(repr(approximate)) != exact:
        raise Unreadable(value)  # more digits than a double holds: keep AroFlo's text
    return approximate


def url_expiry(url: str) -> str | None:
    """When a signed document link stops working (its `expires` epoch), as RFC 3339 UTC."""
    expires = parse_qs(urlsplit(url).query).get("expires")
    if not expires or not expires[0].isdigit():
        return None
    return datetime.fromtimestamp(int(expires[0]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TypingRules:
    """The typing rules one stream declares in its `$parameters`; no stream gets another's.

    `zero_means_none`: the fields (paths as the log writes them: `priority`, `task.priority`) where a number 0
    among id strings means "none" (Tasks `priority`, docs/aroflo.md#data-types).

    >>> TypingRules.from_parameters({"name": "tasks", "zero_means_none": ["priority"]})
    TypingRules(zero_means_none=frozenset({'priority'}))
    """

    zero_means_none: frozenset[str] = frozenset()

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> TypingRules:
        return cls(zero_means_none=frozenset(parameters.get("zero_means_none") or ()))


NO_RULES = TypingRules()


Convert = Callable[[Any], Any]
Undeclared = Callable[[str], None] | None

# A custom field's `value` typed by its `type` (AroFlo's custom-field definition: text, numeric, Datefield,
# checkbox, radio, Select, textarea; a checkbox's value is TRUE or FALSE, a datefield's a date): the typed
# field it fills and how its value reads. The other types are text: all three stay null.
CUSTOM_VALUES: Mapping[str, tuple[str, Convert]] = {
    "checkbox": ("value_boolean", to_boolean),
    "numeric": ("value_number", partial(to_number, integer=False)),
    "datefield": ("value_date", to_date),
}
TYPED_VALUES = ("value_boolean", "value_number", "value_date")


def type_custom_value(custom_field: MutableMapping[str, Any], path: str = "") -> None:
    """Set a custom field's `value_boolean`, `value_number` and `value_date`: its `value` read as its `type`
    (case-insensitively) says, in the one that type fills, null in the others; `value` stays as sent. A value
    that does not read as its type leaves the typed field null (and is logged once).

    >>> field = {"type": "checkbox", "value": "TRUE"}
    >>> type_custom_value(field); field
    {'type': 'checkbox', 'value': 'TRUE', 'value_boolean': True, 'value_number': None, 'value_date': None}
    >>> field = {"type": "Datefield", "value": "2024/03/01"}
    >>> type_custom_value(field); field["value_date"], field["value"]
    ('2024-03-01', '2024/03/01')
    >>> field = {"type": "Select", "value": "Senior"}
    >>> type_custom_value(field); [field[k] for k in TYPED_VALUES]
    [None, None, None]
    """
    typed: dict[str, Any] = dict.fromkeys(TYPED_VALUES)
    kind = custom_field.get("type")
    target, read = CUSTOM_VALUES.get(kind.strip().lower() if isinstance(kind, str) else "", (None, None))
    value = custom_field.get("value")
    if target and read and value is not None and not (isinstance(value, str) and not value.strip()):
        try:
            typed[target] = read(value)
        except Unreadable:
            _log_unreadable_custom_value(f"{path}value", str(kind), target)
    custom_field.update(typed)


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def converter(
    schema: Mapping[str, Any],
    name: str = "",
    path: str = "",
    undeclared: Undeclared = None,
    rules: TypingRules = NO_RULES,
) -> Convert:
    """The function that reads a value of field `name` (at `path`) as the type `schema` declares, built once
    per schema so that a record pays only for its values; it raises Unreadable for a scalar of another type.

    converter({"type": ["null", "number"]})("296.7600") -> 296.76
    """
    return _readers(schema, name, path, undeclared, rules)[0]


def _readers(
    schema: Mapping[str, Any], name: str, path: str, undeclared: Undeclared, rules: TypingRules
) -> tuple[Convert, Convert | None]:
    """The converter of any value, and the one of a string alone (None for text: its strings stay as sent)."""
    types = _types(schema) - {"null"}
    read_object = object_converter(schema, f"{path}{name}.", undeclared, rules) if "object" in types else None
    read_item = (
        converter(schema.get("items", {}), name, path, undeclared, rules) if "array" in types else None
    )
    read_scalar, read_text = _scalar_readers(schema, types, f"{path}{name}" in rules.zero_means_none)

    def convert(value: Any) -> Any:
        if type(value) is str:  # the common case first; a str is neither a container nor None
            return value if read_text is None else read_text(value)
        # `type(...) is dict` first: a JSON object is a dict, and isinstance of an ABC is slow
        if read_object is not None and (type(value) is dict or isinstance(value, MutableMapping)):
            read_object(value)
            return value
        if read_item is not None and isinstance(value, list):
            return [read_item(item) for item in value]
        if value is None or isinstance(value, (dict, list, Mapping)):
            return value
        return read_scalar(value)

    return convert, read_text


def _is_text(schema: Mapping[str, Any], types: set[str]) -> bool:
    return types == {"string"} and schema.get("format") not in ("date", "date-time")


def _scalar_readers(
    schema: Mapping[str, Any], types: set[str], zero_means_none: bool
) -> tuple[Convert, Convert | None]:
    """How a scalar of the declared type is read: any scalar (not None, not a container), and a string alone
    (None for text, whose strings stay as sent); `zero_means_none` if the stream says a number 0 in this
    field means none."""
    declared_format = schema.get("format")
    if _is_text(schema, types):
        return partial(_as_text, zero_means_none=zero_means_none), None
    if "boolean" in types:
        read: Convert = _boolean_or_text if "string" in types else to_boolean
    elif "integer" in types or "number" in types:
        read = READ_NUMBER if "number" in types else READ_INTEGER
    elif declared_format == "date":
        read = to_date
    elif declared_format == "date-time":
        read = datetime_reader(utc=schema.get("airbyte_type") == "timestamp_with_timezone")
        return read, _blank_or(read)  # date-times rarely repeat: nothing to remember
    else:
        return _as_sent, _blank_or(_as_sent)  # any text: nothing to parse, nothing to remember
    return read, _remembering(read)


def _as_text(value: Any, zero_means_none: bool) -> Any:
    """A text field's scalar that is not a string (a number, a boolean) as its text."""
    if isinstance(value, str):
        return value
    if zero_means_none and value == 0:
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


def _as_sent(value: Any) -> Any:
    return value


def _boolean_or_text(value: Any) -> Any:
    """A field declared as a boolean or text: the boolean spellings are booleans, other words text."""
    if str(value).strip().lower() not in TRUE | FALSE:
        return value
    return to_boolean(value)


READ_NUMBER: Convert = partial(to_number, integer=False)
READ_INTEGER: Convert = partial(to_number, integer=True)

# The distinct strings remembered per way of reading them. AroFlo repeats its booleans, dates and amounts from
# record to record (on the sandbox 100 %, 97 % and 53 % of them had been read before), so a lookup replaces a
# parse; date-times rarely repeat (1 %) and are read each time. Bounded, so memory stays flat.
REMEMBERED_STRINGS = 1024  # per way of reading: about 0.15 MB each when full
_UNKNOWN = object()


def _blank_or(read: Convert) -> Convert:
    """`read` for a string, with a blank (`""`, `" "`) in a typed field read as null."""

    def typed(value: str) -> Any:
        return None if not value or value.isspace() else read(value)

    return typed


@cache
def _remembering(read: Convert) -> Convert:
    """`_blank_or(read)` remembering its answers (one memory per `read`, shared by every field and stream
    that reads strings that way; a string that does not read raises Unreadable each time).

    >>> read = _remembering(to_boolean)
    >>> read("TRUE"), read(" "), read("TRUE") is read("TRUE")
    (True, None, True)
    """
    typed = _blank_or(read)
    known: dict[str, Any] = {}

    def remembered(value: str) -> Any:
        result = known.get(value, _UNKNOWN)
        if result is _UNKNOWN:
            result = typed(value)
            if len(known) < REMEMBERED_STRINGS:
                known[value] = result
        return result

    return remembered


def _undeclared_field(value: Any) -> Any:
    raise AssertionError("a marker, never called")


def object_converter(
    schema: Mapping[str, Any], path: str = "", undeclared: Undeclared = None, rules: TypingRules = NO_RULES
) -> Callable[[MutableMapping[str, Any]], None]:
    """The function that types an object's declared fields in place (`path` prefixes their names in the
    log); a field the schema does not declare goes to `undeclared` and stays as sent. An object whose schema
    declares a custom field's typed values (TYPED_VALUES) gets them (`type_custom_value`).

    object_converter({"properties": {"hours": {"type": "number"}}})(record) turns {"hours": "7.50"} into
    {"hours": 7.5}
    """
    properties: Mapping[str, Any] = schema.get("properties", {})
    readers = {
        key: _readers(field_schema, key, path, undeclared, rules) for key, field_schema in properties.items()
    }
    # Per field: how a string reads (None: text, as sent), how anything else does; an undeclared field is
    # in neither. Two lookups in dictionaries are the whole cost of most of a record's fields.
    read_string: dict[str, Convert | None] = {key: pair[1] for key, pair in readers.items()}
    read_other: dict[str, Convert] = {key: pair[0] for key, pair in readers.items()}
    stamps_expiry = "url_expires_at" in properties
    types_custom_value = all(key in properties for key in TYPED_VALUES)

    def convert(record: MutableMapping[str, Any]) -> None:
        # Only existing keys are assigned, so the record can be iterated while its values change.
        for key, value in record.items():
            if type(value) is str:
                read = read_string.get(key, _undeclared_field)
                if read is None:
                    continue  # text: most of a record, as sent
            else:
                read = read_other.get(key, _undeclared_field)
            if read is _undeclared_field:
                if undeclared is not None:
                    undeclared(f"{path}{key}")  # a field AroFlo added later: passed on as sent
                continue
            try:
                record[key] = read(value)
            except Unreadable:
                declared = properties[key].get("format") or "/".join(
                    sorted(_types(properties[key]) - {"null"})
                )
                _log_unreadable(f"{path}{key}", declared)
        url = record.get("url")
        if stamps_expiry and isinstance(url, str):
            record["url_expires_at"] = url_expiry(url)
        if types_custom_value:
            type_custom_value(record, path)

    return convert


def normalize(value: Any, schema: Mapping[str, Any], name: str = "") -> Any:
    """`value` as the type `schema` declares (a one-off: a stream builds its converter once)."""
    return converter(schema, name)(value)


def normalize_object(
    record: MutableMapping[str, Any], schema: Mapping[str, Any], rules: TypingRules = NO_RULES
) -> None:
    """`record`'s declared fields typed in place (a one-off: a stream builds its converter once)."""
    object_converter(schema, rules=rules)(record)


@cache
def _log_unreadable(path: str, declared: str) -> None:
    logger.warning("AroFlo sent a value for %s that is not a %s; it is passed on unchanged.", path, declared)


@cache
def _log_unreadable_custom_value(path: str, kind: str, target: str) -> None:
    logger.warning(
        "AroFlo sent a value for %s that is not a %s (a %s custom field); %s is null, value is as sent.",
        path,
        target.removeprefix("value_"),
        kind,
        target,
    )


@dataclass
class AroFloTypes(TypeTransformer):
    """The record selector's schema normalization: AroFlo's strings as the types the stream's schema declares
    (the rules are in the module docstring). The CDK passes each record with its stream's schema.

    `{"hours": "7.5000", "archived": "FALSE", "workdate": "2024/03/01"}` -> `{"hours": 7.5,
    "archived": false, "workdate": "2024-03-01"}` for a schema declaring a number, a boolean and a date.
    Fields the schema does not declare pass unchanged; each is logged once per sync.
    """

    config: Config | None = None
    parameters: InitVar[Mapping[str, Any] | None] = None
    _seen: set[str] = field(init=False, repr=False, default_factory=set)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self, parameters: Mapping[str, Any] | None) -> None:
        self._stream = str((parameters or {}).get("name", ""))
        self._rules = TypingRules.from_parameters(parameters or {})
        self._compiled: tuple[Mapping[str, Any], Callable[[MutableMapping[str, Any]], None]] | None = None

    def transform(self, record: dict[str, Any], schema: Mapping[str, Any]) -> None:
        compiled = self._compiled
        if compiled is None or compiled[0] is not schema:  # the CDK passes the stream's one schema each time
            read = object_converter(schema, undeclared=self._undeclared, rules=self._rules)
            compiled = self._compiled = (schema, read)
        compiled[1](record)

    def _undeclared(self, path: str) -> None:
        if path in self._seen:
            return
        with self._lock:
            if path in self._seen:
                return
            self._seen.add(path)
        logger.info(
            "%s: AroFlo sent the field %s, which the connector's schema does not declare; it is passed on "
            "unchanged (untyped).",
            self._stream,
            path,
        )


__all__ = [
    "AroFloTypes",
    "TypingRules",
    "Unreadable",
    "converter",
    "normalize",
    "normalize_object",
    "object_converter",
    "type_custom_value",
]
