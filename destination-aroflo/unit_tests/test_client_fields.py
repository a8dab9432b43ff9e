"""A client record against AroFlo's client POSTXML definition: fields, lengths, pairs, what changes."""

from __future__ import annotations

import pytest

from destination_aroflo.client_fields import ADDRESS_PARTS, SCALARS, ClientFields, Invalid

# AroFlo's "POST Create Client" example client (clients documentation), as a record.
CREATE_CLIENT = {
    "clientname": " A Test Client ",
    "firstname": " Jayne ",
    "surname": " Doe ",
    "abn": " XX XXX XXX XXXX",
    "shortname": " TeCl ",
    "phone": "03 9259 5200",
    "mobile": "0400 XXX XXX",
    "fax": "03 XXXX XXXX",
    "email": " jayne.doe@example.com ",
    "website": " example.com",
    "address": {
        "addressline1": " 12 Maroondah Highway ",
        "addressline2": " Suite 13, Level 2 ",
        "suburb": " Ringwood ",
        "state": " VIC ",
        "postcode": " 3134 ",
        "country": " Australia ",
    },
    "mailingaddress": {
        "addressline1": " PO Box XXXX ",
        "addressline2": " Mail Centre Collections ",
        "suburb": " Collingwood ",
        "state": " VIC ",
        "postcode": "3066",
        "country": " Australia ",
    },
}


def test_the_documented_example_client_is_valid_and_trimmed():
    fields = ClientFields.of(CREATE_CLIENT)
    assert fields.values["clientname"] == "A Test Client"
    assert fields.addresses["mailingaddress"]["suburb"] == "Collingwood"
    assert fields.missing_for_insert() == []


def test_the_insert_postxml_carries_every_field_the_documented_example_does():
    xml = ClientFields.of(CREATE_CLIENT).postxml("JCdKUyZRMCAgCg==")
    for name in ("clientname", "firstname", "surname", "abn", "shortname", "phone", "mobile", "email"):
        assert f"<{name}><![CDATA[" in xml
    assert "<orgs><org><orgid>JCdKUyZRMCAgCg==</orgid></org></orgs>" in xml
    assert "<address><addressline1><![CDATA[12 Maroondah Highway]]></addressline1>" in xml
    assert "<clientid>" not in xml


def test_an_update_names_its_client_and_no_business_unit():
    update = ClientFields.of({"clientid": "JSZaVy1QLEggCg==", "phone": "03 1234 5678"})
    assert update.postxml("JCdKUyZRMCAgCg==") == (
        "<client><clientid>JSZaVy1QLEggCg==</clientid><phone><![CDATA[03 1234 5678]]></phone></client>"
    )


@pytest.mark.parametrize("name,limit", [*SCALARS.items()])
def test_each_documented_length_is_enforced(name, limit):
    assert ClientFields.of({name: "x" * limit}).values[name] == "x" * limit
    with pytest.raises(Invalid, match=f"{name} is {limit + 1} characters long; AroFlo takes at most {limit}"):
        ClientFields.of({name: "x" * (limit + 1)})


@pytest.mark.parametrize("part,limit", [*ADDRESS_PARTS.items()])
def test_each_address_length_is_enforced(part, limit):
    with pytest.raises(Invalid, match=f"mailingaddress.{part} is {limit + 1} characters long"):
        ClientFields.of({"mailingaddress": {"state": "VIC", "country": "Australia", part: "x" * (limit + 1)}})


@pytest.mark.parametrize("address", ["address", "mailingaddress"])
def test_a_state_needs_a_country(address):
    with pytest.raises(Invalid, match="state 'NSW' but no country"):
        ClientFields.of({address: {"suburb": "Parramatta", "state": "NSW"}})
    with pytest.raises(Invalid, match="country 'Australia' but no state"):
        ClientFields.of({address: {"suburb": "Parramatta", "country": "Australia"}})
    assert ClientFields.of({address: {"suburb": "Parramatta"}}).addresses[address] == {"suburb": "Parramatta"}


def test_insert_requires_name_first_name_and_surname():
    assert ClientFields.of({"clientname": "ABC", "email": "a@b.c"}).missing_for_insert() == [
        "firstname",
        "surname",
    ]


@pytest.mark.parametrize(
    "record,reason",
    [
        ({"phone": {"work": "1"}}, "phone must be text, not dict"),
        ({"email": True}, "email must be text, not bool"),
        ({"address": "12 High St"}, "address must be an object"),
        ({"clientname": "Bell\x07"}, "control character"),
    ],
)
def test_values_xml_cannot_carry_or_that_are_not_text_are_refused(record, reason):
    with pytest.raises(Invalid, match=reason):
        ClientFields.of(record)


HELD = {
    "clientid": "JCdKUydSUCAgCg==",
    "clientname": "ABC Building",
    "firstname": "Alan",
    "surname": "Bull",
    "phone": "03-9259-5200 Tanya",
    "email": "Alan@ABC.com.au",
    "mobile": "",
    "address": {
        "addressline1": "50 Market St",
        "suburb": "Melbourne",
        "state": "VIC",
        "country": "",
        "postcode": "3000",
    },
}


def test_absent_null_or_blank_fields_leave_aroflos_values_alone():
    record = {"clientname": "ABC Building", "phone": "", "fax": None, "email": "  ", "firstname": "Alan"}
    assert ClientFields.of(record).changes_to(HELD) is None


def test_only_the_fields_that_differ_are_sent():
    change = ClientFields.of({"clientname": "ABC Building", "mobile": "0412 345 678", "surname": "Bull"})
    assert change.changes_to(HELD) == ClientFields("JCdKUydSUCAgCg==", {"mobile": "0412 345 678"}, {})


def test_a_change_of_case_in_an_email_is_no_change():
    assert ClientFields.of({"email": "alan@abc.com.au"}).changes_to(HELD) is None


def test_an_address_that_differs_goes_whole_so_its_state_keeps_its_country():
    record = ClientFields.of({"address": {"suburb": "Melbourne", "state": "VIC", "country": "Australia"}})
    change = record.changes_to(HELD)
    assert change is not None and change.addresses == {
        "address": {"suburb": "Melbourne", "state": "VIC", "country": "Australia"}
    }


def test_what_aroflo_holds_after_a_write():
    change = ClientFields.of({"mobile": "0412 345 678", "address": {"postcode": "3001"}}).changes_to(HELD)
    assert change is not None
    held = change.as_held(HELD)
    assert held["mobile"] == "0412 345 678" and held["address"]["postcode"] == "3001"
    assert held["address"]["addressline1"] == "50 Market St" and held["clientname"] == "ABC Building"
