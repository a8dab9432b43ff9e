"""The normalizer on the shapes of AroFlo's own samples (docs/aroflo.md#data-types), odd ones included."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from source_aroflo.components.normalize import (
    AroFloTypes,
    TypingRules,
    Unreadable,
    normalize,
    normalize_object,
    type_custom_value,
    url_expiry,
)

BOOLEAN = {"type": ["null", "boolean"]}
INTEGER = {"type": ["null", "integer"]}
NUMBER = {"type": ["null", "number"]}
STRING = {"type": ["null", "string"]}
DATE = {"type": ["null", "string"], "format": "date"}
UTC = {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}
LOCAL = {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_without_timezone"}


@pytest.mark.parametrize("schema", [BOOLEAN, INTEGER, NUMBER, DATE, UTC, LOCAL])
@pytest.mark.parametrize("blank", ["", " ", "  "])
def test_blanks_in_typed_fields_are_null(schema, blank):
    assert normalize(blank, schema) is None


def test_text_fields_keep_their_text_blank_or_not():
    assert normalize(" ", STRING) == " "
    assert normalize("", STRING) == ""
    assert normalize("<p>Hot water unit replaced.</p>", STRING) == "<p>Hot water unit replaced.</p>"


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("true", True),
        ("false", False),
        ("TRUE", True),  # clients/suppliers postable, locations archived
        ("FALSE", False),
        ("1", True),  # client notes sticky, labour deleted
        ("0", False),
        (0, False),  # LastUpdate isdeleted is a JSON number
        (1, True),
        (True, True),
    ],
)
def test_booleans_in_all_their_spellings(sent, expected):
    assert normalize(sent, BOOLEAN) is expected


@pytest.mark.parametrize("odd", ["Limited", "2", "maybe"])
def test_a_value_that_is_not_a_boolean_is_refused(odd):
    with pytest.raises(Unreadable):
        normalize(odd, BOOLEAN)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("TRUE", True),
        ("false", False),
        (" ", None),
        ("Limited", "Limited"),
        ("All Task Notes", "All Task Notes"),
    ],
)
def test_a_boolean_or_text_field_types_booleans_and_keeps_other_words(sent, expected):
    """Users featureaccess `featurevalue`: TRUE/FALSE, or words such as "Limited" (AroFlo's notes)."""
    assert normalize(sent, {"type": ["null", "boolean", "string"]}) == expected


@pytest.mark.parametrize(
    ("sent", "expected", "text"),
    [
        ("296.7600", 296.76, "296.76"),  # 4-decimal money
        ("184.80", 184.8, "184.8"),  # 2-decimal quote line totals
        ("-37.8177723", -37.8177723, "-37.8177723"),  # GPS
        ("0.1000", 0.1, "0.1"),
        ("99999999999.9999", 99999999999.9999, "99999999999.9999"),  # 15 significant digits
        ("1050.0000", 1050, "1050"),  # integral: a JSON integer, no float at all
        ("0", 0, "0"),
        ("-12.5", -12.5, "-12.5"),
    ],
)
def test_decimal_amounts_become_numbers_whose_text_is_the_exact_decimal(sent, expected, text):
    value = normalize(sent, NUMBER)
    assert value == expected
    assert repr(value) == text


def test_integral_amounts_stay_integers_beyond_a_doubles_precision():
    assert normalize("123456789012345678.0000", NUMBER) == 123456789012345678


@pytest.mark.parametrize("too_precise", ["12345678901234567.89", "0.12345678901234567"])
def test_an_amount_a_double_cannot_hold_exactly_is_kept_as_sent_never_rounded(too_precise):
    with pytest.raises(Unreadable):
        normalize(too_precise, NUMBER)
    record = {"total": too_precise}
    normalize_object(record, {"properties": {"total": NUMBER}})
    assert record == {"total": too_precise}


@pytest.mark.parametrize("odd", ["12,50", "n/a", "NaN", "Infinity", "1e"])
def test_text_that_is_not_a_number_is_refused(odd):
    with pytest.raises(Unreadable):
        normalize(odd, NUMBER)


def test_integers_refuse_fractions_but_accept_integral_decimal_text():
    assert normalize("25", INTEGER) == 25
    assert normalize("25.0000", INTEGER) == 25
    with pytest.raises(Unreadable):
        normalize("2.5", INTEGER)


@pytest.mark.parametrize(
    ("sent", "schema", "expected"),
    [
        # Fields named utc are UTC (ClientNotes created_utc, Tasks createddatetimeutc, LastUpdate).
        ("2023/10/01 23:09:01", UTC, "2023-10-01T23:09:01Z"),
        ("2018/06/26 23:02:28", UTC, "2018-06-26T23:02:28Z"),
        # ... the rest are site-local wall-clock times (ClientNotes datetimeposted +11 h): no offset invented.
        ("2023/10/02 10:09:01", LOCAL, "2023-10-02T10:09:01"),
        # Clients/suppliers created fields: dashes and a fraction of a second, kept digit for digit.
        ("2018-06-21 10:59:01.8", LOCAL, "2018-06-21T10:59:01.8"),
        ("2018-06-21 00:00:00.0", LOCAL, "2018-06-21T00:00:00.0"),
        ("2019-02-03 07:05:09.123", LOCAL, "2019-02-03T07:05:09.123"),
        # Human times of labour lines, notes and assignments.
        ("Oct 23, 2018 7:00:00 AM", LOCAL, "2018-10-23T07:00:00"),
        ("Nov 14, 2018 2:56:20 PM", LOCAL, "2018-11-14T14:56:20"),
        ("Jan 1, 2020 12:05:00 AM", LOCAL, "2020-01-01T00:05:00"),
        ("Jan 1, 2020 12:05:00 PM", LOCAL, "2020-01-01T12:05:00"),
        # A "datetime" that holds a date (Tasks linkprocesseddate sometimes): midnight.
        ("2018/11/14", LOCAL, "2018-11-14T00:00:00"),
        # Dates.
        ("2018/11/14", DATE, "2018-11-14"),
        ("2018-6-1", DATE, "2018-06-01"),
        # A date written at midnight with a time (or a fraction of nothing) is still that date.
        ("2018-06-21 00:00:00.0", DATE, "2018-06-21"),
        # The connector's own cursor values read back unchanged.
        ("2026-11-24T17:15:36Z", UTC, "2026-11-24T17:15:36Z"),
    ],
)
def test_dates_and_times(sent, schema, expected):
    assert normalize(sent, schema) == expected


@pytest.mark.parametrize(
    ("odd", "schema"),
    [
        ("2018/02/30", DATE),  # no such day
        ("2018/13/01 10:00:00", LOCAL),
        ("Foo 23, 2018 7:00:00 AM", LOCAL),
        ("2018/11/14 10:15:00", DATE),  # a time of day would be lost
        ("yesterday", UTC),
    ],
)
def test_text_that_is_not_that_date_or_time_is_refused(odd, schema):
    with pytest.raises(Unreadable):
        normalize(odd, schema)


def test_priority_zero_means_no_priority_where_the_stream_says_so_and_ids_stay_strings():
    schema = {"properties": {"priority": STRING, "fieldid": STRING}}
    tasks = TypingRules(zero_means_none=frozenset({"priority"}))
    unset = {"priority": 0, "fieldid": "35081"}
    normalize_object(unset, schema, tasks)
    assert unset == {"priority": None, "fieldid": "35081"}
    chosen = {"priority": "IyYqKyIK"}
    normalize_object(chosen, schema, tasks)
    assert chosen == {"priority": "IyYqKyIK"}


def test_a_streams_typing_rule_applies_to_that_stream_alone():
    """Tasks declare `zero_means_none: [priority]` in their `$parameters`; another stream's 0 stays a 0."""
    schema = {
        "properties": {
            "priority": STRING,
            "task": {"type": ["null", "object"], "properties": {"priority": STRING}},
        }
    }
    tasks = AroFloTypes(config={}, parameters={"name": "tasks", "zero_means_none": ["priority"]})
    other = AroFloTypes(config={}, parameters={"name": "quotes"})
    record = {"priority": 0, "task": {"priority": 0}}
    tasks.transform(record, schema)
    assert record == {"priority": None, "task": {"priority": "0"}}  # the path is the rule's: top level only
    record = {"priority": 0, "task": {"priority": 0}}
    other.transform(record, schema)
    assert record == {"priority": "0", "task": {"priority": "0"}}


def test_the_tasks_stream_declares_its_zero_means_none_rule():
    from aroflo_testing.harness import MANIFEST

    rules = {s["$parameters"]["name"]: s["$parameters"].get("zero_means_none") for s in MANIFEST["streams"]}
    assert {name: fields for name, fields in rules.items() if fields} == {"tasks": ["priority"]}


def test_a_number_in_a_text_field_becomes_its_text():
    record: dict[str, Any] = {"inserttotal": 1, "flag": True}
    normalize_object(record, {"properties": {"inserttotal": STRING, "flag": STRING}})
    assert record == {"inserttotal": "1", "flag": "true"}


TASK_NOTE_SCHEMA = {
    "type": "object",
    "properties": {
        "tasknotes": {
            "type": ["null", "array"],
            "items": {
                "type": ["null", "object"],
                "properties": {
                    "noteid": STRING,
                    "sticky": BOOLEAN,
                    "dateposted": DATE,
                    "timeposted": LOCAL,
                    "user": {"type": ["null", "object"], "properties": {"userid": STRING}},
                },
            },
        },
        "tasktotals": {"type": ["null", "object"], "properties": {"totallab": NUMBER, "totalhrs": NUMBER}},
        "lastupdateddatetimeutc": UTC,
    },
}


def test_nested_objects_and_arrays_of_joined_detail_are_normalized_too():
    # The Tasks join=notes sample and a tasktotals object.
    record = {
        "taskid": "JSZaXyBRTEAgCg==",
        "tasknotes": [
            {
                "noteid": "JSdKSyxRQFAgCg==",
                "content": "<p>Called the client</p>",
                "note": "<p>Called the client</p>",
                "filter": "Internal Only",
                "sticky": "false",
                "dateposted": "2018/11/14",
                "timeposted": "Nov 14, 2018 2:56:20 PM",
                "user": {"userid": "JSc6WyRRTEAgCg==", "username": "Jo Smith"},
            }
        ],
        "tasktotals": {"totallab": "410.00", "totalhrs": "4.50"},
        "lastupdateddatetimeutc": " ",  # a never-updated record
        "somethingnew": "2024/01/01",  # a field AroFlo added later: untouched
    }
    normalize_object(record, TASK_NOTE_SCHEMA)
    assert record == {
        "taskid": "JSZaXyBRTEAgCg==",
        "tasknotes": [
            {
                "noteid": "JSdKSyxRQFAgCg==",
                "content": "<p>Called the client</p>",
                "note": "<p>Called the client</p>",
                "filter": "Internal Only",
                "sticky": False,
                "dateposted": "2018-11-14",
                "timeposted": "2018-11-14T14:56:20",
                "user": {"userid": "JSc6WyRRTEAgCg==", "username": "Jo Smith"},
            }
        ],
        "tasktotals": {"totallab": 410, "totalhrs": 4.5},
        "lastupdateddatetimeutc": None,
        "somethingnew": "2024/01/01",
    }


def test_empty_placeholders_stay_as_they_are():
    record = {"tasknotes": [], "tasktotals": {}}
    normalize_object(record, TASK_NOTE_SCHEMA)
    assert record == {"tasknotes": [], "tasktotals": {}}


def test_an_unreadable_value_is_passed_on_unchanged_and_named_once_in_the_log(caplog):
    record = {"tasktotals": {"totallab": "lots", "totalhrs": "4.50"}}
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        normalize_object(copy.deepcopy(record), TASK_NOTE_SCHEMA)
        normalize_object(copy.deepcopy(record), TASK_NOTE_SCHEMA)
        out = copy.deepcopy(record)
        normalize_object(out, TASK_NOTE_SCHEMA)
    assert out == {"tasktotals": {"totallab": "lots", "totalhrs": 4.5}}
    warnings = [r.getMessage() for r in caplog.records if "tasktotals.totallab" in r.getMessage()]
    assert len(warnings) <= 1  # once per field and process (earlier tests may have logged it already)
    assert all("lots" not in w for w in warnings)


def test_document_links_carry_their_expiry():
    url = "https://office.aroflo.com/DocStorage/AB12-original?expires=1700000600&signature=" + "A" * 64
    assert url_expiry(url) == "2023-11-14T22:23:20Z"
    assert url_expiry("https://office.aroflo.com/DocStorage/AB12-original") is None
    schema = {"properties": {"url": STRING, "url_expires_at": UTC}}
    record = {"documentid": "x", "url": url}
    normalize_object(record, schema)
    assert record["url_expires_at"] == "2023-11-14T22:23:20Z"
    assert record["url"] == url


def test_the_schema_normalization_applies_the_schema_the_cdk_passes(caplog):
    normalization = AroFloTypes(config={}, parameters={"name": "last_update"})
    schema = {"properties": {"lastupdateutc": UTC, "isdeleted": {"type": ["null", "boolean"]}}}
    record = {"zoneid": "JScqRyxQPEAgCg==", "lastupdateutc": "2020/11/02 13:16:16", "isdeleted": 0}
    with caplog.at_level(logging.INFO, logger="airbyte"):
        normalization.transform(record, schema)
        normalization.transform(dict(record, zoneid="other"), schema)
    assert record == {
        "zoneid": "JScqRyxQPEAgCg==",
        "lastupdateutc": "2020-11-02T13:16:16Z",
        "isdeleted": False,
    }
    undeclared = [r.getMessage() for r in caplog.records if "does not declare" in r.getMessage()]
    assert undeclared == [
        "last_update: AroFlo sent the field zoneid, which the connector's schema does not declare; "
        "it is passed on unchanged (untyped)."
    ]  # once per field per sync, however many records carry it


def test_a_stream_builds_its_converter_once_per_schema(monkeypatch):
    import source_aroflo.components.normalize as module

    built: list[object] = []
    build = module.object_converter

    def counted(schema, *args, **kwargs):
        built.append(schema)
        return build(schema, *args, **kwargs)

    monkeypatch.setattr(module, "object_converter", counted)
    normalization = AroFloTypes(config={}, parameters={"name": "timesheets"})
    schema = {"properties": {"hours": NUMBER}}
    records = [{"hours": "7.5000"}, {"hours": "8"}, {"hours": " "}]
    for record in records:
        normalization.transform(record, schema)
    assert records == [{"hours": 7.5}, {"hours": 8}, {"hours": None}]
    assert built == [schema]
    other = {"properties": {"hours": STRING}}  # another schema object: built for it, not reused
    record = {"hours": 7.5}
    normalization.transform(record, other)
    assert record == {"hours": "7.5"} and built == [schema, other]


def test_an_unreadable_item_leaves_its_array_as_sent_with_its_objects_typed():
    """An array is one field: one unreadable item keeps the whole array as sent (its objects, typed in
    place before the item was reached, stay typed), as a scalar field keeps its value."""
    schema = {
        "properties": {
            "lines": {
                "type": ["null", "array"],
                "items": {"type": ["null", "object", "number"], "properties": {"qty": NUMBER}},
            }
        }
    }
    record = {"lines": [{"qty": "2.0000"}, "lots", {"qty": "3"}]}
    normalize_object(record, schema)
    assert record == {"lines": [{"qty": 2}, "lots", {"qty": "3"}]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (7, "7"), (2.5, "2.5"), (True, "true"), (None, None), ([], []), ({}, {}), ([" "], [" "])],
)
def test_values_that_are_not_text_in_a_text_field(value, expected):
    """Not the fast path for strings: numbers and booleans become their text, containers and null stay."""
    assert normalize(value, STRING) == expected


@pytest.mark.parametrize(
    ("sent", "expected"),
    [("0999/01/02 03:04:05", "999-01-02T03:04:05"), ("1000/01/02 03:04:05", "1000-01-02T03:04:05")],
)
def test_date_times_before_the_year_1000_are_written_as_they_always_were(sent, expected):
    """strftime's `%Y` (what the connector wrote first) does not pad a year before 1000; isoformat would."""
    assert normalize(sent, LOCAL) == expected


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("2020/02/29 23:59:59", "2020-02-29T23:59:59"),
        ("2018/06-21 10:59:01", "2018-06-21T10:59:01"),  # mixed separators, as the general pattern allows
        ("2020-01-01T10:00:00", "2020-01-01T10:00:00"),
        ("2021/02/29 10:00:00", Unreadable),  # no such day
        ("2020/01/01 24:00:00", Unreadable),
        ("2020/01/01 10:00:60", Unreadable),
        # Arabic-Indic digits: not the fast path (ASCII only), read by the general pattern as before.
        ("\u0662\u0660\u0661\u0668/\u0661\u0661/\u0661\u0664 10:00:00", "2018-11-14T10:00:00"),
    ],
)
def test_plain_date_times_read_by_the_fast_path_as_by_the_general_one(sent, expected):
    if expected is Unreadable:
        with pytest.raises(Unreadable):
            normalize(sent, LOCAL)
    else:
        assert normalize(sent, LOCAL) == expected


def test_strings_read_again_are_remembered_within_a_bound_and_read_the_same(monkeypatch):
    """The kinds AroFlo repeats (booleans, dates, amounts) are read once per distinct string, up to
    REMEMBERED_STRINGS of them; past the bound a string is read each time, with the same answer."""
    from source_aroflo.components import normalize as module

    monkeypatch.setattr(module, "REMEMBERED_STRINGS", 3)
    reads: list[str] = []

    def counted(value: str) -> float:
        reads.append(value)
        return module.to_number(value, integer=False)

    read = module._remembering(counted)
    amounts = ["1.5000", "2.0000", " ", "296.7600", "0.1000"]
    first = [read(amount) for amount in amounts]
    second = [read(amount) for amount in amounts]
    assert first == second == [1.5, 2, None, 296.76, 0.1]
    assert reads == ["1.5000", "2.0000", "296.7600", "0.1000", "296.7600", "0.1000"]  # blank: never read


def test_a_string_that_does_not_read_is_never_remembered():
    from source_aroflo.components import normalize as module

    reads: list[str] = []

    def refusing(value: str) -> bool:
        reads.append(value)
        raise Unreadable(value)

    read = module._remembering(refusing)
    for _ in range(2):
        with pytest.raises(Unreadable):
            read("maybe")
    assert reads == ["maybe", "maybe"]


def test_each_kind_remembers_its_own_readings():
    """ "1" is true in a boolean field, 1 in a number field and "1" in text, however often each is read
    and in whatever order (True == 1 in Python: the types are compared too)."""
    schema = {"properties": {"done": BOOLEAN, "qty": NUMBER, "count": INTEGER, "code": STRING}}
    for _ in range(3):
        record = {"done": "1", "qty": "1", "count": "1", "code": "1"}
        normalize_object(record, schema)
        assert [(type(v).__name__, v) for v in record.values()] == [
            ("bool", True),
            ("int", 1),
            ("int", 1),
            ("str", "1"),
        ]


CUSTOM_FIELD = {
    "type": ["null", "object"],
    "properties": {
        "fieldid": STRING,
        "name": STRING,
        "type": STRING,
        "value": STRING,
        "archived": BOOLEAN,
        "value_boolean": BOOLEAN,
        "value_number": NUMBER,
        "value_date": DATE,
    },
}
WITH_CUSTOM_FIELDS = {"properties": {"customfields": {"type": ["null", "array"], "items": CUSTOM_FIELD}}}


@pytest.mark.parametrize(
    ("kind", "value", "typed"),
    [
        ("checkbox", "TRUE", {"value_boolean": True}),
        ("checkbox", "FALSE", {"value_boolean": False}),
        ("Checkbox", "true", {"value_boolean": True}),  # the type's case does not matter
        ("numeric", "10", {"value_number": 10}),
        ("numeric", "296.7600", {"value_number": 296.76}),
        ("Datefield", "2024/03/01", {"value_date": "2024-03-01"}),
        ("datefield", "2024-03-01", {"value_date": "2024-03-01"}),
        ("Datefield", "Oct 23, 2018 12:00:00 AM", {"value_date": "2018-10-23"}),
        ("Datefield", "", {}),  # blank: nothing to type
        ("numeric", " ", {}),
        ("text", "ABC123", {}),
        ("radio", "Yes", {}),  # a radio's words are text, not a boolean
        ("Select", "Word of Mouth", {}),
        ("textarea", "Call on arrival", {}),
        (None, "TRUE", {}),  # no type: nothing is typed
    ],
)
def test_custom_fields_keep_their_value_and_gain_the_typed_value_their_type_says(kind, value, typed):
    record = {"customfields": [{"fieldid": "35081", "name": "Induction", "type": kind, "value": value}]}
    normalize_object(record, WITH_CUSTOM_FIELDS)
    expected = {"value_boolean": None, "value_number": None, "value_date": None, **typed}
    assert record["customfields"] == [
        {"fieldid": "35081", "name": "Induction", "type": kind, "value": value, **expected}
    ]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("checkbox", "Maybe"),
        ("numeric", "ten"),
        ("Datefield", "31/02/2024"),
        ("Datefield", "2024/03/01 10:30:00"),
    ],
)
def test_a_custom_value_that_does_not_read_as_its_type_stays_in_value_and_is_logged_once(caplog, kind, value):
    sent = {"customfields": [{"type": kind, "value": value}]}
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        for _ in range(3):
            record = copy.deepcopy(sent)
            normalize_object(record, WITH_CUSTOM_FIELDS)
            assert record["customfields"][0] == {
                "type": kind,
                "value": value,
                "value_boolean": None,
                "value_number": None,
                "value_date": None,
            }
    warnings = [r.getMessage() for r in caplog.records if f"a {kind} custom field" in r.getMessage()]
    assert len(warnings) <= 1  # once per field and process (earlier tests may have logged it already)
    assert all(w.startswith("AroFlo sent a value for customfields.value that is not a") for w in warnings)
    assert all(value not in w for w in warnings)


def test_only_an_object_whose_schema_declares_the_typed_values_gets_them():
    record = {"type": "checkbox", "value": "TRUE"}
    normalize_object(record, {"properties": {"type": STRING, "value": STRING}})
    assert record == {"type": "checkbox", "value": "TRUE"}
    type_custom_value(record, "location.customfields.")
    assert record["value_boolean"] is True
