"""A test per private CDK member the connector relies on (source_aroflo/components/cdk_private.py): each still
exists, as a method with the parameters the connector passes or as an attribute of the instance the CDK
builds. A CDK upgrade that renames or drops one fails here, by name."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory

from source_aroflo.components.cdk_private import PRIVATE_MEMBERS
from unit_tests.test_wiring import CONFIG, MANIFEST, catalog

CLASSES = {
    "ConcurrentDeclarativeSource": ConcurrentDeclarativeSource,
    "ModelToComponentFactory": ModelToComponentFactory,
}
# The parameters the connector passes to (or overrides with) each private method.
PARAMETERS = {
    "_build_concurrent_cursor": ["model", "stream_slicer", "config"],
    "_create_component_from_model": ["model", "config"],
    "_get_class_from_fully_qualified_class_name": ["full_qualified_class_name"],
    "_reject_reduce_page_size_action": [],
    "_reject_split_request_window_action": [],
    "_uses_split_request_window_action": ["error_handler"],
    "_init_mappings": [],
}


# What the CDK itself builds (no AroFlo subclass): the attributes its constructors set.
CONFIGURED_SOURCE = ConcurrentDeclarativeSource(
    catalog=catalog(files=True), config=CONFIG, state=None, source_config=MANIFEST
)
CONFIGURED_FACTORY = CONFIGURED_SOURCE._constructor


def test_every_private_member_the_factory_and_source_use_is_listed():
    """Every `_name` factory.py and source.py reach on the CDK's objects (not their own) is in the list."""
    root = Path(__file__).parent.parent / "source_aroflo"
    text = (root / "components" / "factory.py").read_text() + (root / "source.py").read_text()
    used = set(re.findall(r"(?:self|factory|super\(\))\.(_[a-z][a-z_]*)", text))
    cdk_objects = (
        ConcurrentDeclarativeSource,
        ModelToComponentFactory,
        CONFIGURED_SOURCE,
        CONFIGURED_FACTORY,
    )
    of_the_cdk = {name for name in used if any(name in vars_of(o) for o in cdk_objects)}
    assert of_the_cdk == {member.split(".")[1] for member in PRIVATE_MEMBERS}


def vars_of(thing: Any) -> set[str]:
    """The names a CDK class defines (its own, inherited from the CDK), or a CDK-built instance holds."""
    if isinstance(thing, type):
        return {n for cls in thing.__mro__ if cls.__module__.startswith("airbyte_cdk") for n in vars(cls)}
    return set(vars(thing))


@pytest.mark.parametrize("member", sorted(PRIVATE_MEMBERS))
def test_the_private_member_exists(member):
    owner, name = member.split(".")
    found = getattr(CLASSES[owner], name, None)
    if found is None:  # an attribute the constructor sets: on the instance the CDK built
        instance = CONFIGURED_SOURCE if owner == "ConcurrentDeclarativeSource" else CONFIGURED_FACTORY
        assert hasattr(instance, name), f"{member} is gone"
        return
    assert callable(found), member
    parameters = list(inspect.signature(found).parameters)
    assert all(p in parameters for p in PARAMETERS.get(name, [])), f"{member}{inspect.signature(found)}"
