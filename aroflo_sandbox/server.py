"""The AroFlo sandbox's HTTP layer: a local, seeded simulator of the classic zone API.

Every API request goes through the same steps, as at AroFlo: a fault may be injected instead of an
answer (``faults.py``), the HMAC signature is checked (``auth.py``), the call is counted against the
limits (``limits.py``; statuses 429, 6, 7 and their headers), the zone is looked up (status 10 if
unknown) and the query engine (``query.py``) answers from the dataset (``dataset.py``) inside AroFlo's
envelope, its document links signed to expire ten minutes later (``files.py``). A POST (a write: a form with
``zone`` and ``postxml``) takes the same steps, the raw body signed, then ``writes.py`` commits it and
answers AroFlo's ``postresults``; a fault plan may lose that answer after the commit. `/DocStorage/...` serves
the documents' files at those links, outside the API and its limits. `/_sandbox/*` control routes give
tests and the demo the ground truth, the call statistics and ways to change the account, the limits and the
faults; docs/sandbox.md lists them.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import socket
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aroflo_sandbox import files, writes
from aroflo_sandbox.auth import Credentials, authenticate
from aroflo_sandbox.dataset import Dataset, generate
from aroflo_sandbox.faults import FaultInjector, FaultPlan
from aroflo_sandbox.limits import Limits, RateLimiter, next_melbourne_midnight
from aroflo_sandbox.query import (
    SIZE_LIMIT_BYTES,
    Answer,
    ZoneQuery,
    date_window,
    join_values,
    render,
    select,
    within_size,
)
from aroflo_sandbox.zones import ZONES, Zone, zone_for_param

TIMED_OUT = Answer("888888", "IMSAPI request has timed out - please refine your query.")
DEFAULT_CREDENTIALS = Credentials(
    # base64-looking values with + / = on purpose: they must be URI-encoded in the Authorization header
    u_encoded="U2FuZGJveCtVc2VyLzE=",
    p_encoded="cDRzcy9Xb3JkKzIwMjY=",
    org_encoded="JSc6TyBQLFAgCg==",
    secret_key="sandbox-api-secret-7d1f0c2e9b",
)


@dataclass
class Stats:
    requests: int = 0
    by_zone: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    without_where: int = 0
    rate_limited: int = 0  # 429 and status 6 answers caused by the limits (not injected)
    faults: Counter = field(default_factory=Counter)
    daily_counted: Counter = field(default_factory=Counter)  # per zone, calls spent from the daily allowance
    secondary_counted: Counter = field(default_factory=Counter)  # per zone, single-id reads (secondary)
    file_downloads: int = 0  # files served whole from DocStorage links (no API call: counted against nothing)
    file_bytes: int = 0
    file_refused: Counter = field(default_factory=Counter)  # "expired", "signature", "unknown" links
    # Writes, per zone: POSTs received (whatever came of them), POSTs processed (their valid records
    # committed), of those the ones whose answer a fault lost, and the records (clients, or notes) they posted
    # and wrote.
    post_calls: Counter = field(default_factory=Counter)
    writes_committed: Counter = field(default_factory=Counter)
    writes_lost: Counter = field(default_factory=Counter)
    records_posted: Counter = field(default_factory=Counter)
    records_written: Counter = field(default_factory=Counter)
    log: list[dict[str, Any]] = field(default_factory=list)  # one line per request (no secrets)
    file_log: list[dict[str, Any]] = field(default_factory=list)  # one line per file asked for

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in COUNTERS:
            data[key] = dict(getattr(self, key))
        return data


COUNTERS = (
    "by_zone", "by_status", "faults", "daily_counted", "secondary_counted", "file_refused", "post_calls",
    "writes_committed", "writes_lost", "records_posted", "records_written",
)  # fmt: skip


class SandboxState:
    def __init__(
        self,
        seed: int = 42,
        scale: float = 1.0,
        now: datetime | None = None,
        limits: Limits | None = None,
        faults: FaultPlan | None = None,
        credentials: Credentials = DEFAULT_CREDENTIALS,
        max_skew_seconds: float = 300.0,
        lastupdate_coverage: str = "all",
        uploads_touch_parent: bool = False,
    ) -> None:
        self.lock = threading.RLock()
        self.credentials = credentials
        self.dataset: Dataset = generate(
            seed=seed, now=now, scale=scale, uploads_touch_parent=uploads_touch_parent
        )
        self.dataset.cover(lastupdate_coverage)
        self.limiter = RateLimiter(limits or Limits())
        self.faults = FaultInjector(faults)
        self.max_skew_seconds = max_skew_seconds
        self.stats = Stats()

    def truth(self, zone: Zone, joins: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
        """The zone's live records as AroFlo would send them with these `join` values, their document links
        as stored (the answer signs them: `files.stamp`)."""
        with self.lock:
            return [render(zone, r, joins) for r in self.dataset.live(zone)]


def envelope(status: str, message: str, zone_response: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "statusmessage": message}
    if zone_response is not None:
        body["zoneresponse"] = zone_response
    return body


def _is_single_id_read(zone: Zone, clauses: list[str]) -> bool:
    """A GET of one record by its id - exactly one clause `<conj>|<the zone's id field>|=|<id>` - counts
    against the secondary 20,000-a-day allowance instead of the daily one (AroFlo's README, "Secondary
    Daily Limit")::

        tasks, ["and|taskid|=|JCdKUyZRMCAgCg=="]  -> True
        tasks, ["and|taskid|IN|a*b"] or two clauses  -> False
    """
    if len(clauses) != 1 or not zone.id_where:
        return False
    tokens = [t.strip() for t in clauses[0].split("|")]
    return (
        len(tokens) == 4
        and tokens[0].lower() in ("and", "or")
        and tokens[1].lower() == zone.id_where
        and tokens[2] == "="
        and bool(tokens[3])
    )


class Handler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the stats endpoint tells all
        pass

    # ---- plumbing -------------------------------------------------------------------------------
    def _send_json(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, separators=(",", ":")).encode()
        # A client that gave up waiting (a stalled call) has closed the connection: nothing to tell it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(code)
            self.send_header("Content-Type", "text/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

    def _send_html(self, code: int, text: str) -> None:
        payload = f"<html><body><h1>{code}</h1><p>{text}</p></body></html>".encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # ---- routes ---------------------------------------------------------------------------------
    def do_GET(self) -> None:
        path, _, raw_query = self.path.partition("?")
        if path.startswith("/_sandbox/"):
            self._control("GET", path, raw_query, b"")
        elif path.startswith("/" + files.PREFIX):
            self._file(path, raw_query)
        else:
            self._api("GET", raw_query)

    def do_POST(self) -> None:
        path, _, raw_query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if path.startswith("/_sandbox/"):
            self._control("POST", path, raw_query, body)
        else:
            # A write: the form body is both what is signed (as received) and where zone and postxml are.
            self._api("POST", body.decode("utf-8", "replace"))

    def do_PUT(self) -> None:
        self._send_json(200, envelope("5", "Invalid Request Method"))

    do_DELETE = do_PUT

    # ---- the API --------------------------------------------------------------------------------
    def _api(self, method: str, var_string: str) -> None:
        """One API call: `var_string` is the raw query string of a GET, the raw form body of a POST."""
        state = self.server.state
        now = datetime.now(UTC)
        headers = {k: v for k, v in self.headers.items()}
        params = self._variables(method, var_string)
        zone_param = (params.get("zone") or [""])[0]
        log: dict[str, Any] = {"at": time.time(), "method": method, "zone": zone_param}
        if method == "GET":
            log.update(
                where=params.get("where", []),
                join=params.get("join", []),
                page=(params.get("page") or [""])[0],
                pageSize=(params.get("pageSize") or [""])[0],
            )
        with state.lock:
            state.stats.requests += 1
            state.stats.by_zone[zone_param.lower()] += 1
            if method == "POST":
                state.stats.post_calls[zone_param.lower()] += 1
            state.stats.log.append(log)

        fault = state.faults.draw()
        if fault:
            with state.lock:
                state.stats.faults[fault] += 1
            log["fault"] = fault
            if fault == "429":
                return self._answer(log, 429, envelope("429", "Too Many Requests Per Second (max x3)"))
            if fault == "6":
                return self._answer(log, 200, envelope("6", "Exceeded Rate Limit - Requests per Minute"))
            if fault == "5xx":
                code = state.faults.server_error_code()
                log["status"] = str(code)
                return self._send_html(code, "Service Unavailable")
            if fault == "drop":
                log["status"] = "drop"
                return self._drop()
            if fault == "slow":
                time.sleep(state.faults.plan.slow_seconds)
            if fault == "expired":
                return self._answer(
                    log, 200, envelope("-99999", "Authentication Failed - Payload has expired")
                )

        failure = authenticate(state.credentials, method, headers, var_string, now, state.max_skew_seconds)
        if failure:
            return self._answer(log, 200, envelope(failure.status, failure.message))
        if method == "POST" and not state.faults.plan.write_permission:
            # A user who may read but not write: AroFlo's status for a user without (this) API access.
            return self._answer(log, 200, envelope("4", "Login Failed - Permission Denied"))

        zone = zone_for_param(zone_param) if zone_param else None
        is_lastupdate = zone is not None and zone.param.lower() == "lastupdate"
        clauses = params.get("where", [])
        secondary = method == "GET" and zone is not None and _is_single_id_read(zone, clauses)
        verdict = state.limiter.admit(now, counts_daily=not is_lastupdate, secondary=secondary)
        if verdict.status == "429":
            with state.lock:
                state.stats.rate_limited += 1
            return self._answer(
                log, 429, envelope("429", "Too Many Requests Per Second (max x3)"), verdict.headers
            )
        if verdict.status == "6":
            with state.lock:
                state.stats.rate_limited += 1
            return self._answer(
                log, 200, envelope("6", "Exceeded Rate Limit - Requests per Minute"), verdict.headers
            )
        if verdict.status == "7":
            return self._answer(log, 200, envelope("7", "Exceeded Rate Limit - Daily"), verdict.headers)
        if zone is not None and not is_lastupdate:
            with state.lock:
                spent = state.stats.secondary_counted if secondary else state.stats.daily_counted
                spent[zone.param.lower()] += 1

        if zone is None:
            # The vendor table leaves this code blank; the sandbox uses 10 (see docs/sandbox.md).
            message = "No Zone Specified" if not zone_param else f"Invalid Zone Specified: {zone_param}"
            return self._answer(log, 200, envelope("10", message), verdict.headers)
        if method == "POST":
            return self._write(zone, next(iter(params.get("postxml", [])), None), log, verdict.headers)

        answer = self._query(zone, params)
        if answer.detail:
            log["detail"] = answer.detail
        self._answer(log, 200, envelope(answer.status, answer.message, answer.zone_response), verdict.headers)

    def _variables(self, method: str, var_string: str) -> dict[str, list[str]]:
        """A GET's query variables, or a POST's form variables (read only from a form body, as AroFlo's
        README asks: `Content-Type: application/x-www-form-urlencoded`)."""
        form = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if method == "POST" and form != "application/x-www-form-urlencoded":
            return {}
        return parse_qs(var_string, keep_blank_values=True)

    def _answer(
        self, log: dict[str, Any], code: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        state = self.server.state
        log["status"] = body.get("status")
        log.setdefault("records", body.get("zoneresponse", {}).get("currentpageresults"))
        with state.lock:
            state.stats.by_status[str(body.get("status"))] += 1
        if log.get("fault") in ("stall", "lost_write_stall"):  # answered as usual, but the answer waits
            state.faults.stall()
        self._send_json(code, body, headers)

    def _write(self, zone: Zone, postxml: str | None, log: dict[str, Any], headers: dict[str, str]) -> None:
        """Commit a POST (``writes.py``) and answer its ``postresults``, unless a fault plan loses the answer
        now that the write is committed (`lost_write_answers`)."""
        state = self.server.state
        key = zone.param.lower()
        with state.lock:
            outcome = writes.apply(state.dataset, zone.param, postxml, datetime.now(UTC).replace(tzinfo=None))
            state.stats.writes_committed[key] += 1
            state.stats.records_posted[key] += outcome.posted
            state.stats.records_written[key] += outcome.written
        log["records"], log["written"] = outcome.posted, outcome.written
        body = envelope("0", "Login OK", {"postresults": outcome.results})
        lost = state.faults.lose_write_answer()
        if lost is None:
            return self._answer(log, 200, body, headers)
        log["fault"] = f"lost_write_{lost}"
        with state.lock:
            state.stats.writes_lost[key] += 1
            state.stats.faults[log["fault"]] += 1
        if lost == "drop":
            log["status"] = "drop"
            return self._drop()
        if lost == "5xx":
            code = state.faults.server_error_code((502, 503))
            log["status"] = str(code)
            return self._send_html(code, "Bad Gateway" if code == 502 else "Service Unavailable")
        self._answer(log, 200, body, headers)  # "stall": the answer waits until released

    def _query(self, zone: Zone, params: dict[str, list[str]]) -> Answer:
        state = self.server.state
        try:
            query = ZoneQuery.parse(params)
        except ValueError:
            return Answer("1", "Login Failed - Invalid Request String")
        plan = state.faults.plan
        slow_limit = plan.slow_query_page_size.get(zone.param.lower())
        if slow_limit is not None and query.page_size > slow_limit:
            return TIMED_OUT
        refused = plan.reject_where_fields.get(zone.param.lower())
        if refused and any(refused in clause.split("|")[1:3] for clause in query.clauses):
            return Answer("9", "Invalid WHERE Clause", detail=f"fault: {refused} refused")
        with state.lock:
            if not query.clauses:
                state.stats.without_where += 1
            answer = select(zone, state.dataset.live(zone), query, state.dataset.now)
        days = plan.slow_query_window_days.get(zone.param.lower())
        if answer.status == "0" and days is not None:
            # The time such a query takes depends on the window it reads, not on the page size.
            window = date_window(zone, query.clauses) if query.clauses else None
            if window is None or window > timedelta(days=days):
                return TIMED_OUT
        answer = replace(answer, zone_response=self._signed_links(answer.zone_response))
        return within_size(
            answer, state.faults.plan.size_limit_bytes.get(zone.param.lower(), SIZE_LIMIT_BYTES)
        )

    def _signed_links(self, zone_response: dict[str, Any] | None) -> dict[str, Any] | None:
        """The answer's document links, signed to expire ten minutes from now (all of them at once, as
        AroFlo's do), at the address the client reached the sandbox by; already expired while a fault plan's
        `expired_link_answers` last."""
        now = time.time()
        signed = files.stamp(zone_response, self._base_url(), files.expiry(now))
        if signed is not zone_response and self.server.state.faults.expire_links():
            signed = files.stamp(zone_response, self._base_url(), int(now) - 1)
        return signed

    def _base_url(self) -> str:
        """The sandbox's address as the client reached it (its links must work from where it is)."""
        host, port = self.server.server_address[:2]
        return f"http://{self.headers.get('Host') or f'{host!s}:{port}'}/"

    # ---- document storage -----------------------------------------------------------------------
    def _file(self, path: str, raw_query: str) -> None:
        """A document's file at its signed link: 403 for a changed signature or an expired link (as signed
        storage answers), 404 for a document that does not exist (any more). Not an API call: no signature
        header, no limits, no rate-limit headers."""
        state = self.server.state
        ref = files.ref_of(path)
        # A download carrying AroFlo's API signature would be the connector's mistake: the log says so.
        log: dict[str, Any] = {"at": time.time(), "file": ref, "signed": "Authentication" in self.headers}
        with state.lock:
            state.stats.file_log.append(log)
            document = state.dataset.document(ref) if ref else None
        reason = "unknown" if ref is None or document is None else None
        reason = reason or files.refusal(str(ref), parse_qs(raw_query), time.time())
        if reason is not None or document is None or ref is None:
            log["status"] = reason
            with state.lock:
                state.stats.file_refused[reason] += 1
            return self._send_html(404 if reason == "unknown" else 403, f"Access denied ({reason})")
        size = int(document["sizeinbytes"])
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(200)
            kind = mimetypes.guess_type(str(document.get("name") or ""))[0]
            self.send_header("Content-Type", kind or "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            for chunk in files.content(ref, size):
                self.wfile.write(chunk)
            log["status"], log["bytes"] = "200", size
            with state.lock:
                state.stats.file_downloads += 1
                state.stats.file_bytes += size

    # ---- control endpoints (tests and demo only) --------------------------------------------------
    def _control(self, method: str, path: str, raw_query: str, body: bytes) -> None:
        state = self.server.state
        params = {k: v[0] for k, v in parse_qs(raw_query).items()}
        payload = json.loads(body or b"{}")
        route = path.removeprefix("/_sandbox/")
        if route == "health":
            return self._send_json(200, {"ok": True})
        if route == "truth":
            zone = zone_for_param(params.get("zone", ""))
            if zone is None:
                return self._send_json(404, {"error": "unknown zone"})
            joins = join_values([params.get("join", "")])
            records = files.stamp(state.truth(zone, joins), self._base_url(), files.expiry(time.time()))
            return self._send_json(200, {"zone": zone.param, "stream": zone.stream, "records": records})
        if route == "zones":
            return self._send_json(
                200, {z.param: {"stream": z.stream, "count": len(state.truth(z))} for z in ZONES.values()}
            )
        if route == "stats":
            with state.lock:
                data = state.stats.as_dict()
                if params.get("log") != "1":
                    data.pop("log")
                    data.pop("file_log")
                data["daily_used"] = state.limiter.daily_used
                data["daily_remaining"] = max(0, state.limiter.limits.daily - state.limiter.daily_used)
                data["secondary_used"] = state.limiter.secondary_used
                data["secondary_remaining"] = max(
                    0, state.limiter.limits.secondary_daily - state.limiter.secondary_used
                )
                data["daily_resets_at"] = next_melbourne_midnight(datetime.now(UTC)).isoformat()
            return self._send_json(200, data)
        if method != "POST":
            return self._send_json(405, {"error": "use POST"})
        if route == "reset_stats":
            with state.lock:
                state.stats = Stats()
            return self._send_json(200, {"ok": True})
        if route == "reset_day":
            state.limiter.reset_day()
            return self._send_json(200, {"ok": True})
        if route == "reset_windows":
            # The per-second and per-minute windows, as if the account had been quiet for a minute.
            state.limiter.reset_windows()
            return self._send_json(200, {"ok": True})
        if route == "limits":
            with state.lock:
                for key, value in payload.items():
                    if key in asdict(state.limiter.limits):
                        setattr(state.limiter.limits, key, int(value))
                if "daily_used" in payload:
                    state.limiter.daily_used = int(payload["daily_used"])
                if "secondary_used" in payload:
                    state.limiter.secondary_used = int(payload["secondary_used"])
            state.limiter.reset_windows()  # new short limits start from an empty window
            return self._send_json(200, asdict(state.limiter.limits))
        if route == "faults":
            try:
                plan = FaultPlan(**payload)
            except (TypeError, ValueError) as error:
                return self._send_json(400, {"error": str(error)})
            state.faults.configure(plan)
            return self._send_json(200, state.faults.plan.as_dict())
        if route == "lastupdate_coverage":
            with state.lock:
                try:
                    state.dataset.cover(str(payload.get("coverage")))
                except ValueError as error:
                    return self._send_json(400, {"error": str(error)})
            return self._send_json(200, {"coverage": state.dataset.lastupdate_coverage})
        if route == "mutate":
            return self._send_json(200, self._mutate(payload))
        if route == "attach":
            return self._send_json(200, self._attach(payload))
        return self._send_json(404, {"error": f"unknown control route {route}"})

    def _mutate(self, payload: dict[str, Any]) -> dict[str, Any]:
        state = self.server.state
        zone = zone_for_param(payload["zone"])
        if zone is None:
            return {"error": "unknown zone"}
        at = (
            datetime.fromisoformat(payload["at"])
            if payload.get("at")
            else datetime.now(UTC).replace(tzinfo=None)
        )
        at = at.replace(tzinfo=None, microsecond=0)
        with state.lock:
            op = payload["op"]
            if op == "create":
                record = state.dataset.create(zone.param, at)
                return {"ok": True, "record": record.data}
            if op == "update":
                record = state.dataset.update(zone.param, payload["id"], at, payload.get("changes"))
                return {"ok": True, "record": record.data}
            if op == "delete":
                state.dataset.delete(zone.param, payload["id"], at)
                return {"ok": True}
        return {"error": f"unknown op {payload.get('op')}"}

    def _attach(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A document or photo uploaded to a record now (or `at`), as a user would (docs/sandbox.md)."""
        state = self.server.state
        at = datetime.fromisoformat(payload["at"]) if payload.get("at") else datetime.now(UTC)
        at = at.replace(tzinfo=None, microsecond=0)
        size = payload.get("sizeinbytes")
        try:
            with state.lock:
                document = state.dataset.attach(
                    payload["zone"],
                    payload["id"],
                    at,
                    name=payload.get("name"),
                    size=int(size) if size is not None else None,
                    touches_parent=payload.get("touches_parent"),
                )
        except (KeyError, ValueError) as error:
            return {"error": str(error)}
        return {"ok": True, "document": document}


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        super().__init__(address, Handler)
        self.state = state


class Sandbox:
    """Run the sandbox in a background thread (tests) or in the foreground (`python -m aroflo_sandbox`)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **state_options: Any) -> None:
        self.host = host
        self.state = SandboxState(**state_options)
        self.httpd = SandboxHTTPServer((host, port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.httpd.server_port}/"

    def connector_config(self, **overrides: Any) -> dict[str, Any]:
        credentials = self.state.credentials
        config = {
            "u_encoded": credentials.u_encoded,
            "p_encoded": credentials.p_encoded,
            "org_encoded": credentials.org_encoded,
            "secret_key": credentials.secret_key,
            "base_url": self.url,
        }
        config.update(overrides)
        return config

    def start(self) -> Sandbox:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="aroflo-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.faults.release()  # stalled calls answer now: nothing waits for them
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
