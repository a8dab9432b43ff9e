"""AroFlo's own example responses, served as an AroFlo API: a test fixture for the connector's schemas.

Each zone request is answered with that zone's example records from AroFlo's documentation
(`aroflo_sandbox.documented`), in documentation order, paged by `page`/`pageSize` (at most 500) inside the
usual envelope. Requests are signed and checked exactly as the sandbox checks them (`aroflo_sandbox.auth`).
Everything else is ignored on purpose: WHERE, ORDER and JOIN do not select, sort or fill anything (the
examples are served as published, joins included), there are no limits or faults, and LastUpdate answers
with its documented entries like any other zone. It is not a model of AroFlo; the sandbox is.

    with ReplayServer() as replay:
        config = replay.connector_config()  # then `source-aroflo read --config ...`
        replay.requests  # [{"zone": "tasks", "page": 1, "pageSize": 500, "records": 247}, ...]

GET /?zone=payments&page=1&pageSize=500 (signed) -> {"status": "0", "statusmessage": "Login OK",
"zoneresponse": {"payments": [...1 record...], "currentpageresults": 1, "maxpageresults": 500, ...}}
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aroflo_sandbox.auth import Credentials, authenticate
from aroflo_sandbox.documented import example_records, zone_docs

CREDENTIALS = Credentials(
    u_encoded="UmVwbGF5K1VzZXIvMQ==",
    p_encoded="cmVwbGF5L1Bhc3MrMQ==",
    org_encoded="JSc6TyBQLFAgCg==",
    secret_key="replay-api-secret-4c2b91",
)
MAX_PAGE_SIZE = 500


def envelope(status: str, message: str, zone_response: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "statusmessage": message}
    if zone_response is not None:
        body["zoneresponse"] = zone_response
    return body


def page_of(zone: str, page: int, page_size: int) -> dict[str, Any]:
    """One page of a zone's example records, as AroFlo's `zoneresponse` holds it."""
    key = zone_docs(zone)["record_key"]
    records = example_records(zone)[(page - 1) * page_size : page * page_size]
    return {
        key: records,
        "currentpageresults": len(records),
        "maxpageresults": page_size,
        "pagenumber": str(page),
    }


class _Handler(BaseHTTPRequestHandler):
    server: ReplayHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: `requests` tells what was asked
        pass

    def do_GET(self) -> None:
        _, _, raw_query = self.path.partition("?")
        params = parse_qs(raw_query, keep_blank_values=True)
        headers = dict(self.headers.items())
        failure = authenticate(CREDENTIALS, "GET", headers, raw_query, datetime.now(UTC), 300.0)
        if failure:
            return self._send(envelope(failure.status, failure.message))
        zone = (params.get("zone") or [""])[0].lower()
        try:
            zone_docs(zone)
        except KeyError:
            return self._send(envelope("10", f"Invalid Zone Specified: {zone}"))
        try:
            page = max(1, int((params.get("page") or ["1"])[0]))
            page_size = min(MAX_PAGE_SIZE, max(1, int((params.get("pageSize") or ["500"])[0])))
        except ValueError:
            return self._send(envelope("1", "Login Failed - Invalid Request String"))
        body = page_of(zone, page, page_size)
        with self.server.lock:
            self.server.requests.append(
                {"zone": zone, "page": page, "pageSize": page_size, "records": body["currentpageresults"]}
            )
        self._send(envelope("0", "Login OK", body))

    def _send(self, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class ReplayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []  # every answered zone request, in order


class ReplayServer:
    """The replay in a background thread, on a free local port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.httpd = ReplayHTTPServer((host, port))
        self.url = f"http://{host}:{self.httpd.server_port}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="aroflo-replay", daemon=True)

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self.httpd.lock:
            return list(self.httpd.requests)

    def connector_config(self, **overrides: Any) -> dict[str, Any]:
        return {
            "u_encoded": CREDENTIALS.u_encoded,
            "p_encoded": CREDENTIALS.p_encoded,
            "org_encoded": CREDENTIALS.org_encoded,
            "secret_key": CREDENTIALS.secret_key,
            "base_url": self.url,
            **overrides,
        }

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
