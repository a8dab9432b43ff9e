"""The source's authenticator: AroFlo's signer (aroflo_client/signing.py) as a declarative component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar, dataclass
from typing import Any

import requests
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.types import Config

from aroflo_client.budget import DailyBudget
from aroflo_client.signing import Signer


@dataclass
class AroFloHmacAuthenticator(DeclarativeAuthenticator):
    """Signs every prepared request, and again on every retry (the CDK re-runs `session.auth`).

    `GET ?zone=tasks&page=1` leaves with `Authentication: HMAC <128 hex>`, `Authorization: uencoded=...`,
    `Accept: text/json` and `afdatetimeutc: 2026-11-30T20:00:00.000Z`; its query is sent exactly as signed.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    budget: DailyBudget | None = None  # the account's daily allowances, given by the component factory

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._signer = Signer.from_config(self.config, self.budget)

    @property
    def auth_header(self) -> str:
        return ""  # nothing static: every header is computed per request in __call__

    @property
    def token(self) -> str:
        return ""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return self._signer(request)
