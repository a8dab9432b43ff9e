"""Fixtures both connectors' suites share (loaded by the root conftests as a pytest plugin).

`control` is the sandbox's control client for a test, on whichever `sandbox` fixture the test's module or
conftest provides (a module's own small sandbox overrides the session's), reset before and after.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import SandboxClient


def fresh_client(sandbox: Sandbox) -> Iterator[SandboxClient]:
    """A control client on a sandbox with no stats, a new day and no faults, left the same way."""
    client = SandboxClient(sandbox)
    client.reset()
    yield client
    client.reset()


@pytest.fixture
def control(sandbox: Sandbox) -> Iterator[SandboxClient]:
    yield from fresh_client(sandbox)
