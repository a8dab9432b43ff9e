"""Reads and writes for code that is not a declarative stream (destination-aroflo), on the CDK's `HttpClient`.

Both kinds of request are signed (`signing.py`), share one API budget for AroFlo's call rate (`limits.py`)
and one daily budget (`budget.py`), and have the configured timeouts. They differ in what may be sent again:

* **A read** is retried exactly as the source's requests are (`errors.AroFloErrorHandler`): rate limits
  wait, dropped connections, timeouts and 5xx are tried again, refusals fail saying what to fix. `read_all`
  pages to the true last page (`paging.py`), in smaller pages when AroFlo finds one too large or too slow.
* **A write** (POST `zone`, `postxml`) is sent again only when it cannot have been applied: it never left
  (connection refused, no connection within the connect timeout) or AroFlo refused it before processing
  (rate limits, an expired signature: `status.Status.before_processing`). Any other failure after it left (a
  read timeout, a dropped connection, HTTP 5xx, status 8 or 888888, an answer that is not AroFlo's) may have
  been applied: `write` returns a `WriteAnswer` whose outcome is unknown, and the caller looks before it
  writes again.

>>> WriteAnswer.lost("read timeout").known
False
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from airbyte_cdk.sources.streams.http.http_client import HttpClient
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from urllib3.exceptions import NameResolutionError, NewConnectionError

from aroflo_client import limits
from aroflo_client.backoff import AroFloRateLimitBackoff
from aroflo_client.budget import ALLOWANCE_HEADER, Allowance, DailyBudget
from aroflo_client.envelope import Envelope
from aroflo_client.errors import AroFloErrorHandler
from aroflo_client.paging import MAX_PAGE_SIZE, MIN_PAGE_SIZE, Ask
from aroflo_client.signing import Signer, encode_component
from aroflo_client.status import Meaning

DEFAULT_BASE_URL = "https://api.aroflo.com/"
DEFAULT_MAX_RETRIES = 8
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class WriteAnswer:
    """What became of a write: AroFlo's `postresults` when it answered, else why the outcome is unknown."""

    results: Mapping[str, Any] = field(default_factory=dict)
    known: bool = True
    why_unknown: str = ""

    @classmethod
    def lost(cls, why: str) -> WriteAnswer:
        return cls(known=False, why_unknown=why)


class AroFloClient:
    """One AroFlo account, for one connector run.

    >>> client = AroFloClient({"u_encoded": "u", "p_encoded": "p", "org_encoded": "o", "secret_key": "s"},
    ...                       logging.getLogger("airbyte"))
    >>> client.base_url, client.budget.reserve
    ('https://api.aroflo.com/', 0)
    """

    def __init__(self, config: Mapping[str, Any], logger: logging.Logger, name: str = "aroflo") -> None:
        self.base_url = str(config.get("base_url") or DEFAULT_BASE_URL).strip()
        self.budget = DailyBudget(reserve=int(config.get("daily_call_reserve") or 0))
        self.logger = logger
        signer = Signer.from_config(config, self.budget)
        api_budget = limits.api_budget()  # one call rate for reads and writes alike
        max_retries = int(config.get("max_retries", DEFAULT_MAX_RETRIES))
        backoff: list[BackoffStrategy] = [AroFloRateLimitBackoff(config=config, parameters={})]

        def http(name: str, handler: type[AroFloErrorHandler]) -> HttpClient:
            return HttpClient(
                name=name,
                logger=logger,
                error_handler=handler(
                    config=config, parameters={}, max_retries=max_retries, backoff_strategies=backoff
                ),
                api_budget=api_budget,
                authenticator=signer,
                backoff_strategy=backoff,
                request_timeout=limits.timeouts(config),
            )

        self._reads = http(name, AroFloErrorHandler)
        self._writes = http(f"{name} (writes)", WriteErrorHandler)

    # ---- reads ---------------------------------------------------------------------------------------------
    def read(
        self,
        zone: str,
        where: list[str],
        join: str | None = None,
        ask: Ask | None = None,
        allowance: Allowance = Allowance.DAILY,
    ) -> Envelope:
        """One page, on the allowance the caller planned (`budget.Allowance`); a refusal AroFlo explains
        (credentials, permission, daily limit) raises, saying why."""
        ask = ask or Ask(page=1, page_size=MAX_PAGE_SIZE, where=where)
        params: list[tuple[str, str]] = [("zone", zone)]
        params += [("where", clause) for clause in where]
        if join:
            params.append(("join", join))
        params += [("page", str(ask.page)), ("pageSize", str(ask.page_size))]
        query = "&".join(f"{key}={encode_component(value)}" for key, value in params)
        _, response = self._reads.send_request(
            "GET", f"{self.base_url}?{query}", request_kwargs={}, headers={ALLOWANCE_HEADER: allowance}
        )
        return Envelope.read(response)

    def read_all(
        self,
        zone: str,
        record_key: str,
        where: list[str],
        join: str | None = None,
        allowance: Allowance = Allowance.DAILY,
    ) -> Iterator[MutableMapping[str, Any]]:
        """Every record the clauses select, page by page to the true last page."""
        ask = Ask(page=1, page_size=MAX_PAGE_SIZE, where=where)
        while True:
            answer = self.read(zone, where, join, ask, allowance)
            if answer.meaning in (Meaning.TOO_LARGE, Meaning.TOO_SLOW) and ask.page_size > MIN_PAGE_SIZE:
                ask = ask.smaller()
                self.logger.info(
                    f"{zone}: AroFlo found a page {answer.meaning.value}; asking {ask.page_size}."
                )
                continue
            if not answer.ok:
                raise AirbyteTracedException(
                    message=f"AroFlo could not read {zone} ({answer.meaning.value}, status {answer.status}: "
                    f"{answer.message}) with {where}.",
                    failure_type=FailureType.system_error,
                )
            records = answer.records(record_key)
            yield from records
            if ask.is_last(answer.rows if answer.rows is not None else len(records), answer.page_size):
                return
            ask = ask.next()

    # ---- writes --------------------------------------------------------------------------------------------
    def write(self, zone: str, postxml: str) -> WriteAnswer:
        """One POST of `postxml` to `zone`, sent again only when it cannot have been applied."""
        body = f"zone={encode_component(zone)}&postxml={encode_component(postxml)}"
        _, response = self._writes.send_request(
            "POST", self.base_url, request_kwargs={}, headers=FORM, data=body
        )
        if response is None:
            return WriteAnswer.lost("its answer never arrived")
        answer = Envelope.read(response)
        if not answer.ok:
            return WriteAnswer.lost(_describe(response, answer))
        return WriteAnswer(answer.post_results)


@dataclass
class WriteErrorHandler(AroFloErrorHandler):
    """The read handler's decisions, except that a write which may have been applied is never sent again: its
    outcome goes to the caller as unknown, to look before writing again. A refused permission says that the
    API user cannot write."""

    def interpret_response(
        self, response_or_exception: requests.Response | Exception | None
    ) -> ErrorResolution:
        if not isinstance(response_or_exception, requests.Response):
            if response_or_exception is None or never_left(response_or_exception):
                return super().interpret_response(response_or_exception)  # it never reached AroFlo
            error = response_or_exception
            return _look_first(f"{type(error).__name__}: {error}")
        response = response_or_exception
        decided = super().interpret_response(response)
        answer = Envelope.read(response)
        if answer.is_envelope and answer.meaning is Meaning.PERMISSION:
            return ErrorResolution(
                ResponseAction.FAIL,
                FailureType.config_error,
                f'AroFlo refused a write ("{answer.message}", status {answer.status}): this API user may '
                "read but not write. Give it write access to clients and tasks in AroFlo (Site "
                "Administration > Settings > General > AroFlo API), then sync again.",
            )
        refused_before_processing = (
            answer.reaction.before_processing if answer.is_envelope else response.status_code == 429
        )
        if decided.response_action is ResponseAction.SUCCESS or refused_before_processing:
            return decided
        return _look_first(_describe(response, answer))


def _look_first(why: str) -> ErrorResolution:
    return ErrorResolution(
        ResponseAction.IGNORE,
        FailureType.transient_error,
        f"A write's outcome is unknown ({why}); AroFlo is read before anything is written again.",
    )


def never_left(error: BaseException) -> bool:
    """Did the request fail before any byte reached AroFlo (no connection was ever made)?

    >>> never_left(requests.exceptions.ConnectTimeout()), never_left(requests.exceptions.ReadTimeout())
    (True, False)
    """
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    cause: BaseException | None = error
    for _ in range(10):  # the chain requests and urllib3 build: ConnectionError <- MaxRetryError <- ...
        if cause is None:
            return False
        if isinstance(cause, NewConnectionError | NameResolutionError | ConnectionRefusedError):
            return True
        cause = getattr(cause, "reason", None) or cause.__context__ or cause.__cause__ or _wrapped(cause)
    return False


def _wrapped(error: BaseException) -> BaseException | None:
    return error.args[0] if error.args and isinstance(error.args[0], BaseException) else None


def _describe(response: requests.Response, answer: Envelope) -> str:
    if answer.is_envelope:
        return f"AroFlo answered status {answer.status} ({answer.meaning.value}): {answer.message}"
    return f"HTTP {response.status_code} without AroFlo's answer"
