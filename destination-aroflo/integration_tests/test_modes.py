"""What each sync mode does, which streams write which object, and what fails before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import SandboxClient, write_json
from integration_tests.conftest import catalog, logs, record, run_destination, summary, write


def test_update_changes_matching_clients_only_and_append_inserts_new_ones_only(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    existing = control.truth("clients")[3]
    new = {"clientname": "Modes New Co", "firstname": "Mo", "surname": "Des", "email": "mo@modes.example"}
    changed = {"clientid": existing["clientid"], "abn": "51 824 753 556"}
    messages = [record("clients", new), record("clients", changed)]

    updating = write(sandbox, tmp_path / "update", messages, {"clients": "update"})
    assert updating.returncode == 0, updating.stderr[-2000:]
    assert summary(updating) == "clients: 1 updated, 1 rejected"
    assert "no AroFlo client matches it (update only changes existing clients)" in " ".join(logs(updating))

    appending = write(sandbox, tmp_path / "append", messages, {"clients": "append"})
    assert appending.returncode == 0, appending.stderr[-2000:]
    assert summary(appending) == "clients: 1 inserted, 1 rejected"
    assert f"already in AroFlo as {existing['clientname']!r}" in " ".join(logs(appending))
    names = [c["clientname"] for c in control.truth("clients")]
    assert names.count("Modes New Co") == 1


def test_a_stream_mapped_to_an_object_by_its_destination_object_name(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    configured = catalog(("crm_contacts", "append_dedup"))
    configured["streams"][0]["destination_object_name"] = "clients"
    crm = {"clientname": "Mapped Co", "firstname": "Map", "surname": "Ped", "email": "map@mapped.example"}
    stdin = json.dumps(record("crm_contacts", crm)) + "\n"
    args = ["write", "--config", write_json(tmp_path / "config.json", sandbox.connector_config())]
    run = run_destination([*args, "--catalog", write_json(tmp_path / "catalog.json", configured)], stdin)
    assert run.returncode == 0, run.stderr[-2000:]
    assert summary(run) == "crm_contacts: 1 inserted"


def test_an_unsupported_stream_or_mode_fails_before_anything_is_read_or_written(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    run = write(
        sandbox, tmp_path, [record("invoices", {"x": 1})], {"invoices": "append", "clients": "overwrite"}
    )
    assert run.returncode != 0
    [error] = run.errors
    assert error["failure_type"] == "config_error"
    assert (
        "writes clients (append_dedup, append, update); task_notes (append_dedup, append)" in error["message"]
    )
    assert "'invoices'" in error["message"] and "mode overwrite" in error["message"]
    assert control.stats()["requests"] == 0


def test_check_proves_the_credentials_for_free(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    orgid = control.truth("businessunits")[0]["orgid"]
    config = write_json(tmp_path / "config.json", sandbox.connector_config(business_unit_id=orgid))
    run = run_destination(["check", "--config", config])
    assert [m["connectionStatus"]["status"] for m in run.of_type("CONNECTION_STATUS")] == ["SUCCEEDED"]
    stats = control.stats()
    assert (
        sum(stats["daily_counted"].values()) == 0
    )  # LastUpdate is free; the business unit by id is secondary
    assert stats["secondary_counted"] == {"businessunits": 1}

    missing = write_json(
        tmp_path / "missing.json", sandbox.connector_config(business_unit_id="JCdKUyZRMCAgCg==")
    )
    [status] = [
        m["connectionStatus"]
        for m in run_destination(["check", "--config", missing]).of_type("CONNECTION_STATUS")
    ]
    assert (
        status["status"] == "FAILED" and "no business unit with orgid JCdKUyZRMCAgCg==" in status["message"]
    )


def test_a_record_aroflo_itself_refuses_is_rejected_in_its_words(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    """AroFlo's own refusal (its per-record `error`), here of a business unit it does not know (`check` would
    have said so; a write does not look first): rejected with AroFlo's reason, nothing written."""
    new = {"clientname": "Refused Co", "firstname": "Re", "surname": "Fused", "email": "re@fused.example"}
    run = write(
        sandbox, tmp_path, [record("clients", new)], {"clients": "append_dedup"}, business_unit_id="QUJDRA=="
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert summary(run) == "clients: 1 rejected"
    [warning] = logs(run, "WARN")
    assert "AroFlo refused it: " in warning and "QUJDRA==" in warning
    assert "Refused Co" not in [c["clientname"] for c in control.truth("clients")]
