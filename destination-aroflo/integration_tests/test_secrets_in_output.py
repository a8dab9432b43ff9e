"""No credential in any output of destination-aroflo: `spec`, `check` and `write --debug` (the records' and
AroFlo's answers logged, writes and reads retried and re-signed after faults) hold none of the forms the four
credentials take on the way out, nor a request signature."""

from __future__ import annotations

import json
from pathlib import Path

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import SandboxClient, write_json
from aroflo_testing.secrets import credential_forms, leaks
from integration_tests.conftest import catalog, record, run_destination, state


def test_spec_check_and_write_debug_print_no_credential(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    config = sandbox.connector_config()
    forms = credential_forms(config)
    config_path = write_json(tmp_path / "config.json", config)
    catalog_path = write_json(
        tmp_path / "catalog.json", catalog(("clients", "append_dedup"), ("task_notes", "append"))
    )
    task = control.truth("tasks")[10]
    messages = [
        record(
            "clients",
            {"clientname": "Secret Keeper", "firstname": "Sec", "surname": "Ret", "email": "s@k.example"},
        ),
        record("task_notes", {"jobnumber": task["jobnumber"], "content": "Masked"}),
        state("clients", 1),
    ]
    # Retries log the most: each one is signed again (server errors, dropped connections, a lost answer).
    control.faults(seed=10, server_error=0.25, drop=0.15, lost_write_answers=1, lost_write_mode="drop")
    runs = {
        "spec": run_destination(["spec", "--debug"]),
        "check": run_destination(["check", "--config", config_path, "--debug"]),
        "write": run_destination(
            ["write", "--config", config_path, "--catalog", catalog_path, "--debug"],
            "".join(json.dumps(m) + "\n" for m in messages),
        ),
    }
    for name, run in runs.items():
        assert run.returncode == 0, (name, run.stderr[-2000:])
        assert leaks(run.stdout + run.stderr, forms) == [], name
    debug = runs["write"].stdout + runs["write"].stderr
    # The debug output did log the requests, their bodies and headers: absent above means masked, not silent.
    assert "Making outbound API request" in debug and "postxml" in debug and "****" in debug
    assert sum(control.stats()["faults"].values()) >= 2
