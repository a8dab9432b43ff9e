from datetime import date, datetime, timedelta

import pytest

from aroflo_sandbox.where import Condition, WhereError, parse_where

DT = datetime(2021, 6, 18, 10, 0, 0)
INVALID = r"^Invalid WHERE Clause"


def record(**fields):
    """Build a lookup from field=(kind, value) pairs; unknown fields raise KeyError."""
    return lambda name: fields[name]


def match(clauses, **fields):
    return parse_where(clauses).evaluate(record(**fields))


def text(v):
    return ("text", v)


# ------------------------------------------------------------------ single clauses


@pytest.mark.parametrize(
    "clause, expected",
    [
        ("and|clientname|=|Acme", True),
        ("and|clientname|=|acme", True),  # case-insensitive
        ("and|clientname|=|ACME  ", True),  # trailing spaces ignored (SQL Server padding)
        ("and|clientname|!=|Acme", False),
        ("and|clientname|!=|Other", True),
        ("and|clientname|<|B", True),
        ("and|clientname|<|a", False),
        ("and|clientname|>|abc", True),
        ("and|clientname|>=|acme", True),
        ("and|clientname|IN|foo*ACME*bar", True),
        ("and|clientname|in|foo*bar", False),
        ("and|clientname|NOT IN|foo*bar", True),
        ("and|clientname|not  in|foo*acme", False),
    ],
)
def test_text_operators(clause, expected):
    assert match([clause], clientname=text("Acme")) is expected


@pytest.mark.parametrize(
    "clause, expected",
    [
        ("and|total|=|10.50", True),
        ("and|total|=|10.5", True),  # Decimal, not string, equality
        ("and|total|!=|10.5", False),
        ("and|total|<|9", False),
        ("and|total|>|9", True),
        ("and|total|>=|10.5", True),
        ("and|total|IN|1*10.5", True),
        ("and|total|NOT IN|1*2", True),
    ],
)
def test_number_operators(clause, expected):
    assert match([clause], total=("number", "10.50")) is expected


def test_number_record_may_be_numeric():
    assert match(["and|priority|=|0"], priority=("number", 0))
    assert match(["and|priority|>|1.5"], priority=("number", 2.0))


@pytest.mark.parametrize("literal", ["true", "TRUE", "1", "True"])
@pytest.mark.parametrize("stored", ["true", "TRUE", "1", True])
def test_bool_truthy(literal, stored):
    assert match([f"and|postable|=|{literal}"], postable=("bool", stored))
    assert not match([f"and|postable|!=|{literal}"], postable=("bool", stored))


@pytest.mark.parametrize("stored", ["false", "0", "FALSE", False])
def test_bool_falsy(stored):
    assert match(["and|postable|=|false"], postable=("bool", stored))
    assert match(["and|postable|=|0"], postable=("bool", stored))
    assert not match(["and|postable|=|true"], postable=("bool", stored))
    assert match(["and|postable|IN|0*false"], postable=("bool", stored))


@pytest.mark.parametrize("sep", ["-", "/"])
def test_date_both_separators(sep):
    d = ("date", datetime(2021, 11, 1, 15, 30))  # time of a DATE field is ignored
    assert match([f"and|duedate|=|2021{sep}11{sep}01"], duedate=d)
    assert not match([f"and|duedate|>|2021{sep}11{sep}01"], duedate=d)  # excludes the whole day
    assert match([f"and|duedate|>|2021{sep}10{sep}31"], duedate=d)
    assert match([f"and|duedate|<|2021{sep}11{sep}02"], duedate=d)
    assert match([f"and|duedate|>=|2021{sep}11{sep}01"], duedate=d)
    assert match([f"and|duedate|IN|2020{sep}01{sep}01*2021{sep}11{sep}01"], duedate=d)
    assert match([f"and|duedate|NOT IN|2020{sep}01{sep}01"], duedate=d)


def test_date_field_with_datetime_literal_compares_date_part():
    d = ("date", date(2021, 5, 19))
    assert match(["and|workdate|=|2021/05/19 14:00:00"], workdate=d)
    assert not match(["and|workdate|>|2021/05/19 14:00:00"], workdate=d)
    assert match(["and|workdate|>|2021/05/18 23:59:59"], workdate=d)


@pytest.mark.parametrize("sep", ["-", "/"])
def test_datetime_boundary_at_the_exact_second(sep):
    rec = {"lastupdateddatetimeutc": ("datetime", DT)}
    lit = f"2021{sep}06{sep}18 10:00:00"
    assert not match([f"and|lastupdateddatetimeutc|>|{lit}"], **rec)
    assert not match([f"and|lastupdateddatetimeutc|<|{lit}"], **rec)
    assert match([f"and|lastupdateddatetimeutc|=|{lit}"], **rec)
    assert match([f"and|lastupdateddatetimeutc|>=|{lit}"], **rec)
    assert match([f"and|lastupdateddatetimeutc|>|2021{sep}06{sep}18 09:59:59"], **rec)
    assert match([f"and|lastupdateddatetimeutc|<|2021{sep}06{sep}18 10:00:01"], **rec)


def test_datetime_one_second_resolution_and_fraction():
    rec = {"createdutc": ("datetime", DT.replace(microsecond=900_000))}
    assert match(["and|createdutc|=|2021-06-18 10:00:00"], **rec)
    assert not match(["and|createdutc|>|2021-06-18 10:00:00.500"], **rec)
    assert match(["and|createdutc|=|2021-06-18 10:00:00.123"], **rec)


def test_datetime_plain_date_literal_is_midnight():
    rec = {"createdutc": ("datetime", datetime(2021, 6, 18, 0, 0, 0))}
    assert match(["and|createdutc|=|2021/06/18"], **rec)
    assert match(["and|createdutc|>|2021-06-17"], **rec)
    assert not match(["and|createdutc|>|2021-06-18"], **rec)
    assert match(["and|createdutc|>|2021-06-17"], createdutc=("datetime", date(2021, 6, 18)))


# ------------------------------------------------------------------ combination


def test_and_binds_tighter_than_or():
    clauses = ["and|a|=|1", "and|b|=|1", "or|c|=|1"]  # (a and b) or c
    assert match(clauses, a=text("0"), b=text("0"), c=text("1"))
    assert not match(clauses, a=text("1"), b=text("0"), c=text("0"))
    clauses = ["and|a|=|1", "or|b|=|1", "and|c|=|1"]  # a or (b and c)
    assert match(clauses, a=text("1"), b=text("0"), c=text("0"))
    assert not match(clauses, a=text("0"), b=text("1"), c=text("0"))


def test_first_conjunction_is_ignored():
    assert match(["or|a|=|1", "and|b|=|1"], a=text("1"), b=text("1"))
    assert not match(["or|a|=|1", "and|b|=|1"], a=text("0"), b=text("1"))


def test_vendor_brackets_with_following_and():
    clauses = ["and|(|clientname|=|A", "or|clientname|=|B|)", "and|status|=|open"]
    assert match(clauses, clientname=text("b"), status=text("Open"))
    assert not match(clauses, clientname=text("B"), status=text("closed"))
    assert not match(clauses, clientname=text("C"), status=text("open"))
    # Without the brackets the trailing AND binds to the second clause only.
    flat = ["and|clientname|=|A", "or|clientname|=|B", "and|status|=|open"]
    assert match(flat, clientname=text("A"), status=text("closed"))
    assert not match(clauses, clientname=text("A"), status=text("closed"))


def test_quirk25_cursor_form():
    clauses = [
        "and|(|lastupdateddatetimeutc|>|2024-01-01 00:00:00",
        "or|createddatetimeutc|>|2024-01-01 00:00:00|)",
    ]
    new = datetime(2024, 2, 1)
    assert match(clauses, lastupdateddatetimeutc=("datetime", " "), createddatetimeutc=("datetime", new))
    assert not match(
        clauses,
        lastupdateddatetimeutc=("datetime", None),
        createddatetimeutc=("datetime", datetime(2023, 1, 1)),
    )


def test_nested_brackets():
    # a and ((b or c) and d or e)
    clauses = ["and|a|=|1", "and|(|(|b|=|1", "or|c|=|1|)", "and|d|=|1", "or|e|=|1|)"]
    base = {"a": text("1"), "b": text("0"), "c": text("1"), "d": text("1"), "e": text("0")}
    assert match(clauses, **base)
    assert not match(clauses, **{**base, "d": text("0")})
    assert match(clauses, **{**base, "d": text("0"), "e": text("1")})
    assert not match(clauses, **{**base, "a": text("0"), "e": text("1")})


def test_single_clause_group_and_spaces_around_brackets():
    assert match(["and| ( |a|=|1| ) "], a=text("1"))


def test_sharp_glued_closing_bracket():
    clauses = ["and|(|clientname|=|ClientA", "or|clientname|=|ClientB)", "and|status|=|open"]
    expr = parse_where(clauses)
    assert expr.conditions[1].value == "ClientB"
    assert expr.evaluate(record(clientname=text("clientb"), status=text("open")))
    assert not expr.evaluate(record(clientname=text("clientb"), status=text("closed")))


def test_value_ending_in_bracket_is_literal_when_brackets_balance():
    clauses = ["and|(|clientname|=|Acme (Pty)", "or|clientname|=|Smile :)|)"]
    expr = parse_where(clauses)
    assert [c.value for c in expr.conditions] == ["Acme (Pty)", "Smile :)"]
    assert expr.evaluate(record(clientname=text("smile :)")))
    assert match(["and|note|=|)"], note=text(")"))  # a lone ")" value stays a value


def test_ambiguous_glued_bracket_is_rejected():
    # Two values end in ")" but only one bracket is open: which one closes it is ambiguous.
    with pytest.raises(WhereError, match=INVALID):
        parse_where(["and|(|a|=|x)", "or|b|=|y)"])


# ------------------------------------------------------------------ values


def test_in_and_not_in_lists():
    clauses = ["and|status|IN|notstarted*inprogress*pending*quote"]
    assert match(clauses, status=text("InProgress"))
    assert not match(clauses, status=text("completed"))
    assert match(["and|status|not in|completed*archived"], status=text("quote"))
    assert match(["and|status|=|a*b"], status=text("A*B"))  # "*" splits only for IN lists


def test_values_with_spaces_and_colons():
    assert match(["and|acceptancestatus|=|Awaiting Decision"], acceptancestatus=text("awaiting decision"))
    assert match(["and|note|=|Call at 10:30: urgent"], note=text("CALL AT 10:30: URGENT"))
    assert match(["and|ref|IN|a b*c:d"], ref=text("C:D"))


def test_blank_values_follow_sql_null():
    for blank in (None, "", " "):
        rec = {"parentlineid": text(blank)}
        assert not match(["and|parentlineid|=|x"], **rec)
        assert not match(["and|parentlineid|!=|x"], **rec)  # NULL != x is not true
        assert not match(["and|parentlineid|NOT IN|x*y"], **rec)
        assert not match(["and|parentlineid|IN|x*y"], **rec)
        assert not match(["and|parentlineid|<|x"], **rec)
    assert not match(["and|d|>|2000-01-01"], d=("datetime", None))
    assert not match(["and|n|!=|1"], n=("number", None))


def test_fields_and_conditions():
    expr = parse_where(["AND|(|ClientName|=|A", "Or|Status|in|x*y|)"])
    assert expr.fields == frozenset({"clientname", "status"})
    assert expr.conditions == (
        Condition("and", "clientname", "=", "A"),
        Condition("or", "status", "IN", "x*y"),
    )


def test_no_clauses_matches_everything():
    expr = parse_where([])
    assert expr.fields == frozenset()
    assert expr.evaluate(record())


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "clauses",
    [
        ["and|clientname|="],  # missing value
        ["and|clientname|=|"],  # empty value: the README's grammar requires one
        ["and|clientname|!=|  "],
        ["and|clientname|<=|x"],  # "<=" is neither documented nor in a vendor example
        ["and|clientname"],
        ["and"],
        [""],
        ["clientname|=|x"],  # missing conjunction
        ["|and|clientname|=|x"],  # stray leading pipe
        ["xor|clientname|=|x"],
        ["and|clientname|LIKE|x"],  # unknown operator
        ["and|clientname|<>|x"],
        ["and|clientname|=|x|y"],  # too many tokens
        ["and||=|x"],  # empty field
        ["and|client name|=|x"],
        ["and|(|a|=|1"],  # unbalanced brackets
        ["and|a|=|1|)"],
        ["and|(|a|=|1", "or|b|=|2"],
        ["and|(|(|a|=|1", "or|b|=|2|)"],
        ["and|a|=|1|)", "and|(|b|=|2"],
        ["and|(|=|x"],
    ],
)
def test_malformed_clauses(clauses):
    with pytest.raises(WhereError, match=INVALID):
        parse_where(clauses)


@pytest.mark.parametrize(
    "clause, kind",
    [
        ("and|d|>|2021-13-01", "date"),
        ("and|d|>|2021-02-30", "date"),
        ("and|d|>|01/02/2021", "date"),
        ("and|d|>|2021-01/02", "date"),  # mixed separators
        ("and|d|>|yesterday", "date"),
        ("and|d|>|2021-06-18T10:00:00", "datetime"),  # ISO T
        ("and|d|>|2021-06-18 10:00:00Z", "datetime"),
        ("and|d|>|2021-06-18T10:00:00Z", "date"),
        ("and|d|>|2021-06-18 25:00:00", "datetime"),
        ("and|d|IN|2021-06-18*soon", "date"),
        ("and|d|IN|2021-06-18*", "date"),  # an empty list item
        ("and|n|=|ten", "number"),
        ("and|n|>|NaN", "number"),
        ("and|t|IN|a**b", "text"),
        ("and|b|=|yes", "bool"),
    ],
)
def test_bad_literals(clause, kind):
    expr = parse_where([clause])
    field = clause.split("|")[1]
    with pytest.raises(WhereError, match=INVALID):
        expr.evaluate(record(**{field: (kind, None)}))
    with pytest.raises(WhereError, match=INVALID):
        expr.check(lambda f: kind)


def test_bad_literal_fails_even_when_short_circuited():
    expr = parse_where(["and|a|=|1", "or|n|=|ten"])
    with pytest.raises(WhereError, match=INVALID):
        expr.evaluate(record(a=text("1"), n=("number", "5")))


def test_unknown_field_keyerror_becomes_where_error():
    expr = parse_where(["and|nosuchfield|=|1"])
    with pytest.raises(WhereError, match=INVALID + ".*nosuchfield"):
        expr.evaluate(record(a=text("1")))
    with pytest.raises(WhereError, match=INVALID):
        expr.check({"a": "text"}.__getitem__)


def test_where_error_is_value_error():
    assert issubclass(WhereError, ValueError)


def test_span_is_the_window_the_top_level_and_leaves_a_date_field():
    week = ["and|workdate|>|2024-01-01", "and|workdate|<|2024-01-08", "and|type|=|productive"]
    assert parse_where(week).span("workdate") == timedelta(days=7)
    assert parse_where(["and|workdate|=|2024/01/01"]).span("workdate") == timedelta(0)
    assert parse_where(["and|workdate|>=|2024-01-01 12:00:00", "and|workdate|<|2024-01-02"]).span(
        "workdate"
    ) == timedelta(hours=12)
    assert parse_where(["and|workdate|>|2024-01-01"]).span("workdate") is None  # open-ended
    assert parse_where(["and|(|workdate|>|2024-01-01", "or|workdate|<|2024-01-08|)"]).span("workdate") is None
    assert parse_where(week).span("startdate") is None
    assert parse_where([]).span("workdate") is None
