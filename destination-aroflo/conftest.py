"""What Airbyte's own test command (`airbyte-cdk connector test`, run in this folder) needs to run
destination-aroflo's standard tests offline: a sandbox at the scenarios' address, and the CDK's image tests
skipped where they cannot run (aroflo_testing/standard_tests.py, shared with the source's conftest.py; the
repository root is on the path by this folder's pytest settings)."""

from aroflo_testing.standard_tests import (  # noqa: F401  (pytest finds hooks and fixtures by name here)
    pytest_collection_modifyitems,
    sandbox_at_scenario_address,
    scenario_sandboxes,
)

# How the suite runs on parallel workers (a module is one unit of work): aroflo_testing/parallel.py.
pytest_plugins = ["aroflo_testing.parallel"]
