"""Placeholders of joins that are off leave the record; joined detail stays."""

from __future__ import annotations

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_aroflo.components.joins import DropUnrequestedJoins, chosen_joins

PARAMETERS = {
    "name": "tasks",
    "join_fields": {
        "notes": ["tasknotes"],
        "substatus": ["substatus"],
        "project": ["project", "stage"],
        "location": ["location"],
        "locationcustomfields": ["location"],
    },
    "default_joins": ["notes", "substatus"],
}


def task() -> dict:
    # AroFlo's shape without joins (docs/aroflo.md#responses): placeholders for every joinable field.
    return {
        "taskid": "JSZaXyBRTEAgCg==",
        "tasknotes": [],
        "substatus": {"substatusid": "", "substatus": ""},
        "project": {},
        "stage": {},
        "location": {},
    }


def test_the_defaults_apply_without_a_choice_in_the_config():
    assert chosen_joins({}, "tasks", ["notes"]) == ["notes"]
    assert chosen_joins({"joins": {"clients": []}}, "tasks", ["notes"]) == ["notes"]
    assert chosen_joins({"joins": {"tasks": []}}, "tasks", ["notes"]) == []
    assert chosen_joins({"joins": {"tasks": ["project"]}}, "tasks", ["notes"]) == ["project"]


def test_placeholders_of_joins_that_are_off_are_removed_and_requested_ones_stay():
    record = task()
    DropUnrequestedJoins(config={}, parameters=PARAMETERS).transform(record)
    # notes and substatus were requested: an empty list is a real "no notes", a blank substatus a real "none".
    assert record == {
        "taskid": "JSZaXyBRTEAgCg==",
        "tasknotes": [],
        "substatus": {"substatusid": "", "substatus": ""},
    }


def test_with_every_join_off_no_placeholder_remains():
    record = task()
    DropUnrequestedJoins(config={"joins": {"tasks": []}}, parameters=PARAMETERS).transform(record)
    assert record == {"taskid": "JSZaXyBRTEAgCg=="}


def test_a_field_two_joins_fill_stays_when_either_is_on():
    record = task()
    config = {"joins": {"tasks": ["locationcustomfields"]}}
    DropUnrequestedJoins(config=config, parameters=PARAMETERS).transform(record)
    assert "location" in record and "project" not in record and "tasknotes" not in record


def test_real_data_in_a_field_is_never_dropped():
    record = task() | {"project": {"projectid": "JSdY", "projectname": "Fitout"}}
    DropUnrequestedJoins(config={"joins": {"tasks": []}}, parameters=PARAMETERS).transform(record)
    assert record["project"] == {"projectid": "JSdY", "projectname": "Fitout"}


def test_an_unknown_join_in_the_config_is_a_clear_error():
    with pytest.raises(AirbyteTracedException, match=r"for tasks: no such join \['tasknote'\]") as raised:
        DropUnrequestedJoins(config={"joins": {"tasks": ["tasknote"]}}, parameters=PARAMETERS)
    assert raised.value.failure_type == FailureType.config_error


def test_a_nested_placeholder_of_a_join_that_is_off_is_dropped():
    """Quotes without `join=project` carry {"location": {}, "projectid": ""}: unknown, not empty."""
    drop = DropUnrequestedJoins(
        config={"joins": {"quotes": []}},
        parameters={"name": "quotes", "join_fields": {"project": ["project", "stage"]}, "default_joins": []},
    )
    record = {"quoteid": "q", "project": {"location": {}, "projectid": ""}, "stage": {"stageid": ""}}
    drop.transform(record)
    assert record == {"quoteid": "q"}
    filled = {"quoteid": "q", "project": {"location": {}, "projectid": "p1"}, "stage": {"stageid": ""}}
    drop.transform(filled)
    assert filled == {"quoteid": "q", "project": {"location": {}, "projectid": "p1"}}
