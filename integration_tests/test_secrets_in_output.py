"""No credential in any output: the complete stdout and stderr of `spec`, `check`, `discover` and
`read --debug` (what a user pastes into a support ticket) hold none of the forms
the four credentials take on the way out.

The sandbox's credentials hold `+`, `/` and `=`, so their URL-encoded forms differ from the raw ones.
"""

from __future__ import annotations

from pathlib import Path

from aroflo_client.signing import encode_component
from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import SandboxClient, catalog, run_connector, write_json
from aroflo_testing.secrets import CREDENTIALS, credential_forms, leaks


def test_the_forms_cover_what_the_connector_sends(sandbox: Sandbox):
    # Guard for the test itself: the encoded forms must really differ from the raw ones, or it proves little.
    config = sandbox.connector_config()
    assert any(encode_component(config[key]) != config[key] for key in CREDENTIALS)
    forms = credential_forms(config)
    assert len(forms) > 3 * len(CREDENTIALS), forms
    assert leaks(f"x {config['secret_key']} y", forms) and leaks("HMAC " + "ab" * 64, forms)


def test_spec_check_discover_and_read_debug_print_no_credential(
    small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path
):
    # Whole pages (500): LastUpdate's 4,900 entries in 100-record pages took 77 calls and a minute of
    # backoffs to prove what a few retries of each kind prove.
    config = small_sandbox.connector_config()
    forms = credential_forms(config)
    config_path = write_json(tmp_path / "config.json", config)
    # A read that retries (server errors, dropped connections, 429s) logs the most: each retry is re-signed.
    small.post("faults", {"seed": 1, "server_error": 0.2, "drop": 0.1, "storm_429": 0.1, "storm_length": 1})
    streams = ["business_units", "tasks", "last_update"]
    catalog_path = write_json(tmp_path / "catalog.json", catalog(streams))
    runs = {
        "spec": run_connector(["spec", "--debug"]),
        "check": run_connector(["check", "--config", config_path, "--debug"]),
        "discover": run_connector(["discover", "--config", config_path, "--debug"]),
        # Not about the rate limits (the small sandbox lifts its own): unpaced.
        "read": run_connector(
            ["read", "--config", config_path, "--catalog", catalog_path, "--debug"], unlimited_call_rate=True
        ),
    }
    for name, run in runs.items():
        assert run.returncode == 0, (name, run.stderr[-2000:])
        assert leaks(run.stdout + run.stderr, forms) == [], name
    read = runs["read"]
    assert len(read.records["tasks"]) > 10 and read.records["business_units"]
    debug = read.stdout + read.stderr
    # The debug output did log the requests (so the absence above means masked, not silent) ...
    assert "zone=" in debug and "Authorization" in debug and "****" in debug
    # ... and the retries really happened, of every kind.
    assert {"5xx", "drop", "429"} <= set(small.stats()["faults"]), small.stats()["faults"]


def test_a_failing_check_prints_no_credential(sandbox: Sandbox, tmp_path: Path):
    # A wrong secret: AroFlo refuses the signature, and the error message is what users paste first.
    config = sandbox.connector_config(secret_key="wr0ng+secret/key==")
    forms = credential_forms(config)
    run = run_connector(["check", "--config", write_json(tmp_path / "config.json", config), "--debug"])
    status = [m for m in run.messages if m.get("type") == "CONNECTION_STATUS"]
    assert status and status[0]["connectionStatus"]["status"] == "FAILED"
    assert leaks(run.stdout + run.stderr, forms) == []
