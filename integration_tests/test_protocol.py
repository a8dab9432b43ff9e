"""spec, check and discover through the real `source-aroflo` command."""

from __future__ import annotations

from pathlib import Path

from aroflo_testing.harness import DOCUMENT_STREAMS, STREAMS, SandboxClient, run_connector, write_json

SECRETS = ("u_encoded", "p_encoded", "org_encoded", "secret_key")

EXPECTED_KEYS = {
    "last_update": [["zonename"], ["zoneid"]],
    "business_units": [["orgid"]],
    "permission_groups": [["groupid"]],
    "users": [["userid"]],
    "user_positions": [["positionid"]],
    "timesheets": [["timesheetid"]],
    "transaction_terms": [["transactiontermid"]],
    "priorities": [["priorityid"]],
    "clients": [["clientid"]],
    "client_notes": [["noteid"]],
    "contacts": [["userid"]],
    "locations": [["locationid"]],
    "quotes": [["quoteid"]],
    "quote_line_items": [["lineid"]],
    "task_types": [["tasktypeid"]],
    "tasks": [["taskid"]],
    "task_materials": [["lineid"]],
    "task_labours": [["lineid"]],
    "task_expenses": [["lineid"]],
    "invoices": [["invoiceid"]],
    "payments": [["paymentid"]],
    "suppliers": [["supplierid"]],
    "inventory": [["itemid"]],
    "inventory_categories": [["categoryid"]],
    "inventory_stock_levels": [["itemid"], ["assignedtotype"], ["assignedtoid"]],
    "custom_holders": [["customholderid"]],
    "inventory_lists": [["listid"]],
    "purchase_orders": [["purchaseorderid"]],
    "bills": [["billid"]],
    "bill_line_items": [["lineid"]],
    "work_orders": [["workorderid"]],
    "work_order_line_items": [["lineid"]],
    "assets": [["assetid"]],
    "asset_categories": [["categoryid"]],
    "message_board": [["messageid"]],
    "substatuses": [["substatusid"]],
    "documents_and_photos": [["documentid"]],
    "schedules": [["scheduleid"]],
    "projects": [["projectid"]],
    "stages": [["stageid"]],
    "message_templates": [["templateid"]],
    "tracking_centres": [["trackingcentreid"]],
}


def test_spec_declares_the_configuration():
    run = run_connector(["spec"])
    assert run.returncode == 0
    spec = run.of_type("SPEC")[0]["spec"]["connectionSpecification"]
    properties = spec["properties"]
    assert set(spec["required"]) == set(SECRETS)
    for key in SECRETS:
        assert properties[key]["airbyte_secret"] is True
        assert "Site Administration > Settings > General > AroFlo API" in properties[key]["description"]
    assert [properties[k]["title"] for k in SECRETS] == [
        "uEncoded",
        "pEncoded",
        "orgEncoded",
        "API Secret Key",
    ]
    assert properties["page_size"]["minimum"] == 10 and properties["page_size"]["maximum"] == 500
    assert properties["page_size"]["default"] == 500
    assert properties["base_url"]["default"] == "https://api.aroflo.com/"
    assert {"host_ip", "start_date"} <= set(properties)


def test_check_succeeds_with_one_call_that_costs_no_daily_budget(control: SandboxClient, config_path: str):
    run = run_connector(["check", "--config", config_path])
    status = run.of_type("CONNECTION_STATUS")[0]["connectionStatus"]
    assert status["status"] == "SUCCEEDED", status
    stats = control.stats()
    assert stats["requests"] == 1
    assert stats["daily_used"] == 0  # LastUpdate is free of the daily count


def test_check_with_padded_credentials_succeeds(control: SandboxClient, sandbox, tmp_path: Path):
    padded = {k: f" {v}\n" if k in SECRETS else v for k, v in sandbox.connector_config().items()}
    run = run_connector(["check", "--config", write_json(tmp_path / "c.json", padded)])
    assert run.of_type("CONNECTION_STATUS")[0]["connectionStatus"]["status"] == "SUCCEEDED"


def _failed_check(sandbox, tmp_path: Path, **overrides) -> str:
    config = write_json(tmp_path / "bad.json", sandbox.connector_config(**overrides))
    run = run_connector(["check", "--config", config])
    assert run.returncode == 0
    status = run.of_type("CONNECTION_STATUS")[0]["connectionStatus"]
    assert status["status"] == "FAILED"
    for key in SECRETS:  # neither the credentials nor the signature are ever printed
        assert sandbox.connector_config()[key] not in run.stdout + run.stderr
    assert "HMAC " not in run.stdout + run.stderr
    return status["message"]


def test_check_with_a_wrong_secret_names_the_secret_key(control, sandbox, tmp_path: Path):
    message = _failed_check(sandbox, tmp_path, secret_key="not-the-right-secret-key")
    assert "Signatures do not match" in message
    assert "API Secret Key" in message
    assert "Traceback" not in message


def test_check_with_a_wrong_user_says_permission_denied(control, sandbox, tmp_path: Path):
    message = _failed_check(sandbox, tmp_path, u_encoded="c29tZW9uZS1lbHNl")
    assert "Login Failed - Permission Denied" in message
    assert "uEncoded" in message


def test_discover_lists_54_streams_with_their_keys_and_spends_no_call(
    control: SandboxClient, config_path: str
):
    """The 42 zones, and the documents attached to 12 of them: file streams, one record per document."""
    run = run_connector(["discover", "--config", config_path])
    streams = {s["name"]: s for s in run.of_type("CATALOG")[0]["catalog"]["streams"]}
    assert sorted(streams) == sorted(STREAMS + list(DOCUMENT_STREAMS)) and len(streams) == 54
    keys = {**EXPECTED_KEYS, **{name: [["parent_id"], ["documentid"]] for name in DOCUMENT_STREAMS}}
    assert {name: s["source_defined_primary_key"] for name, s in streams.items()} == keys
    assert {name for name, s in streams.items() if s.get("is_file_based")} == {
        "documents_and_photos",
        *DOCUMENT_STREAMS,
    }
    assert control.stats()["requests"] == 0
