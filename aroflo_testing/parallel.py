"""How both connectors' suites run on parallel workers (pytest-xdist: `-n <workers> --dist loadfile
--no-loadscope-reorder`, the Makefile's PYTEST): a pytest plugin, loaded by each suite's root conftest.py.

* **A test module is one unit of work** (`--dist loadfile`), run in order on one worker: its module-scoped
  fixtures (an account synced once, a full read, an image built) are made once, and its tests may build on
  each other as they always did. What should run side by side is in modules of its own (the two images:
  test_docker_image.py, test_destination_image.py). (`--dist loadgroup` with `xdist_group` marks would allow
  finer units, but pytest-xdist 3.8 silently stops grouping on pytest 9.2: pytest-xdist issue 1386.)
* **Long modules start first**: a module marked `runs_for(seconds)` (about how long it takes) is scheduled
  before the others, longest first, so that no long unit starts last and runs alone at the end
  (`--no-loadscope-reorder` keeps this order; xdist would otherwise order modules by their number of tests).

Session-scoped fixtures (the sandboxes) are made once per worker: every sandbox binds port 0, so workers never
collide. Without xdist (`pytest` alone) nothing changes but the order of the modules.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "runs_for(seconds): about how long the module takes, so parallel runs start it first"
    )


def expected_seconds(item: pytest.Item) -> float:
    mark = item.get_closest_marker("runs_for")
    return float(mark.args[0]) if mark else 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules marked `runs_for` first, longest first; the others in the order of collection (a stable
    sort keeps each module's tests in their order)."""
    items.sort(key=lambda item: -expected_seconds(item))
