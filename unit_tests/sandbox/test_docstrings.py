"""Every docstring example of the sandbox's modules is run, so the examples stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import aroflo_sandbox

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(aroflo_sandbox.__path__, prefix="aroflo_sandbox.")
    if name != "aroflo_sandbox.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} docstring examples failed"


def test_the_conformance_tests_own_example():
    from unit_tests.sandbox import test_shapes

    assert doctest.testmod(test_shapes).failed == 0
