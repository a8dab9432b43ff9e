"""Every component's docstring example is run, so the examples stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import source_aroflo.components as components

MODULES = sorted(
    name for _, name, _ in pkgutil.iter_modules(components.__path__, prefix="source_aroflo.components.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} docstring examples failed"
