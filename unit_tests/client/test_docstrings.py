"""Every shared AroFlo client module's docstring example is run, so the examples stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import aroflo_client

MODULES = sorted(name for _, name, _ in pkgutil.iter_modules(aroflo_client.__path__, prefix="aroflo_client."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} docstring examples failed"
