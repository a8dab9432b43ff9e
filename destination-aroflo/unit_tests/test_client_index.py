"""Which AroFlo client a record means: id, else email, else mobile, else (neither) name; never a guess."""

from __future__ import annotations

import pytest

from destination_aroflo.client_fields import ClientFields
from destination_aroflo.client_index import ClientIndex, mobile_key

CLIENTS = [
    {
        "clientid": "A",
        "clientname": "Acme Plumbing",
        "email": "accounts@acme.com.au",
        "mobile": "0412 345 678",
    },
    {"clientid": "B", "clientname": "Beta Strata 1", "email": "strata@beta.com.au", "mobile": ""},
    {
        "clientid": "C",
        "clientname": "Beta Strata 2",
        "email": "STRATA@beta.com.au ",
        "mobile": "+61 499 000 111",
    },
    {"clientid": "D", "clientname": "Delta Electrical", "email": "", "mobile": "0499 000 111"},
    {"clientid": "E", "clientname": "Echo Cafe", "email": "", "mobile": ""},
]


@pytest.fixture
def index() -> ClientIndex:
    return ClientIndex(CLIENTS)


def matched(index: ClientIndex, **record):
    match = index.match(ClientFields.of({"clientname": "Someone New", **record}))
    return (
        match.client["clientid"]
        if match.client
        else (match.ambiguous_by or ("unknown" if match.unknown_id else None))
    )


def test_clientid_first_whatever_else_the_record_says(index):
    assert matched(index, clientid="E", email="accounts@acme.com.au") == "E"


def test_an_unknown_clientid_is_not_matched_by_anything_else(index):
    assert matched(index, clientid="Z", email="accounts@acme.com.au") == "unknown"


def test_email_trimmed_and_in_any_case(index):
    assert matched(index, email=" ACCOUNTS@Acme.com.au ") == "A"


def test_two_clients_with_the_email_is_ambiguous_and_mobile_is_not_tried(index):
    # C's mobile alone would match C and D: the record stops at email, never falls through.
    assert matched(index, email="strata@beta.com.au", mobile="0412 345 678") == "email"


def test_no_email_match_tries_the_mobile_in_national_form(index):
    assert matched(index, email="new@example.com", mobile="+61 412-345-678") == "A"


def test_two_clients_with_the_mobile_is_ambiguous(index):
    assert matched(index, mobile="0499000111") == "mobile"


def test_the_name_only_for_a_record_with_neither_email_nor_mobile(index):
    assert matched(index, clientname=" echo   CAFE ") == "E"
    assert matched(index, clientname="Echo Cafe", email="someone@else.com") is None


def test_a_client_put_again_is_matched_by_its_new_keys_only(index):
    index.put({**CLIENTS[0], "email": "new@acme.com.au"})
    assert matched(index, email="accounts@acme.com.au") is None
    assert matched(index, email="new@acme.com.au") == "A"


@pytest.mark.parametrize(
    "text,key",
    [
        ("0412 345 678", "0412345678"),
        ("+61 412 345 678", "0412345678"),
        ("+61 (0)412 345 678", "0412345678"),
        ("0061 412 345 678", "0412345678"),
        ("+64 21 555 0101", "0215550101"),
        ("021-555-0101", "0215550101"),
        ("", ""),
    ],
)
def test_mobile_numbers_in_national_form(text, key):
    assert mobile_key(text) == key
