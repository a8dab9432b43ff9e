"""AroFlo's body statuses, what each means and what a connector does about it: the one table.

AroFlo answers HTTP 200 for almost everything and says what happened in the body's `status` (AroFlo's API
README, "Status codes"). The source's error handler, its backoff, paginator and daily budget, and the
destination's writes all read this table; nothing else knows a status code.

>>> status_of("7", "Exceeded Rate Limit - Daily").meaning
<Meaning.DAILY_LIMIT: 'daily limit'>
>>> status_of("-99999", "Authentication Failed - Payload has expired").action.name
'RETRY'
>>> status_of("-99999", "Authentication Failed - Signatures do not match").meaning
<Meaning.SIGNATURE: 'signature'>
>>> status_of("42", "Something new").message(status="42", statusmessage="Something new")
'AroFlo answered status 42: Something new'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction

OK = "0"
CONFIG_PAGE = "Site Administration > Settings > General > AroFlo API"


class Meaning(Enum):
    OK = "ok"
    PER_MINUTE_LIMIT = "per-minute limit"  # 6: wait for the minute to turn, then the same request again
    PER_SECOND_LIMIT = "per-second limit"  # 429 (in the body, or HTTP 429): wait a second
    DAILY_LIMIT = "daily limit"  # 7: nothing more today; never waited for
    TOO_LARGE = "too large"  # 8: the answer would exceed 3.5 MB; ask for less
    TOO_SLOW = "too slow"  # 888888: the query ran over 60 s; ask for less
    INVALID_WHERE = "invalid where"  # 9
    EXPIRED = "expired"  # -99999 "Payload has expired": the request waited too long; sign it again
    SIGNATURE = "signature"
    CREDENTIALS = "credentials"
    LOGIN = "login"
    PERMISSION = "permission"
    OTHER = "other"


@dataclass(frozen=True)
class Status:
    """One row: the codes (and, for -99999, the words of its message) and the reaction."""

    meaning: Meaning
    codes: frozenset[str]
    action: ResponseAction
    failure_type: FailureType | None = None
    template: str = ""  # the error message; `{status}` and `{statusmessage}` are AroFlo's
    message_contains: str = ""

    def matches(self, status: str, statusmessage: str) -> bool:
        return status in self.codes and self.message_contains in statusmessage.lower()

    def message(self, status: str, statusmessage: str) -> str:
        return self.template.format(status=status, statusmessage=statusmessage)

    @property
    def before_processing(self) -> bool:
        """AroFlo refused the request before doing anything with it: sending it again cannot apply it
        twice."""
        return self.meaning in _NEVER_PROCESSED


# Checked in this order; the first row that matches decides.
STATUSES: tuple[Status, ...] = (
    Status(Meaning.OK, frozenset({OK}), ResponseAction.SUCCESS),
    Status(
        Meaning.DAILY_LIMIT,
        frozenset({"7"}),
        ResponseAction.FAIL,
        FailureType.transient_error,
        "AroFlo's daily API limit is used up. It resets at midnight Australia/Melbourne; the next sync "
        "resumes from the saved state.",
    ),
    Status(
        Meaning.PER_MINUTE_LIMIT, frozenset({"6"}), ResponseAction.RATE_LIMITED, FailureType.transient_error
    ),
    Status(
        Meaning.PER_SECOND_LIMIT, frozenset({"429"}), ResponseAction.RATE_LIMITED, FailureType.transient_error
    ),
    # A request held too long before it left: signed again with a fresh timestamp, it is fine.
    Status(
        Meaning.EXPIRED,
        frozenset({"-99999"}),
        ResponseAction.RETRY,
        FailureType.transient_error,
        message_contains="expired",
    ),
    # Too large, too slow, WHERE rejected: the reader decides what to ask instead (the source's paginator).
    Status(Meaning.TOO_LARGE, frozenset({"8"}), ResponseAction.IGNORE),
    Status(Meaning.TOO_SLOW, frozenset({"888888"}), ResponseAction.IGNORE),
    Status(Meaning.INVALID_WHERE, frozenset({"9"}), ResponseAction.IGNORE),
    Status(
        Meaning.SIGNATURE,
        frozenset({"-99999"}),
        ResponseAction.FAIL,
        FailureType.config_error,
        'AroFlo rejected the request signature ("{statusmessage}"). Check the API Secret Key '
        f"({CONFIG_PAGE}) and, if set, that Host IP is the public IP this connector's requests leave from.",
        message_contains="signature",
    ),
    Status(
        Meaning.CREDENTIALS,
        frozenset({"-99999"}),
        ResponseAction.FAIL,
        FailureType.config_error,
        f'AroFlo refused the API credentials ("{{statusmessage}}"). In AroFlo, open {CONFIG_PAGE}, make sure '
        "the API key was generated and the settings saved, then copy uEncoded, pEncoded, orgEncoded and the "
        "API Secret Key again.",
    ),
    Status(
        Meaning.LOGIN,
        frozenset({"1", "2"}),
        ResponseAction.FAIL,
        FailureType.config_error,
        'AroFlo could not log in ("{statusmessage}"). uEncoded, pEncoded and orgEncoded must all be filled '
        f"in exactly as shown in {CONFIG_PAGE}.",
    ),
    Status(
        Meaning.PERMISSION,
        frozenset({"3", "4", "20", "30"}),
        ResponseAction.FAIL,
        FailureType.config_error,
        'AroFlo denied access ("{statusmessage}", status {status}). Check that uEncoded, pEncoded and '
        "orgEncoded belong to the same user and organisation (uEncoded changes when the username changes) "
        "and that this user has AroFlo API access enabled.",
    ),
)
UNKNOWN = Status(
    Meaning.OTHER,
    frozenset(),
    ResponseAction.FAIL,
    FailureType.system_error,
    "AroFlo answered status {status}: {statusmessage}",
)
# Refusals AroFlo answers before it looks at the request. Not 8: AroFlo's README calls it both a request and a
# response size limit, so a write answered 8 may have been applied.
_NEVER_PROCESSED = frozenset(
    {
        Meaning.PER_MINUTE_LIMIT,
        Meaning.PER_SECOND_LIMIT,
        Meaning.DAILY_LIMIT,
        Meaning.EXPIRED,
        Meaning.SIGNATURE,
        Meaning.CREDENTIALS,
        Meaning.LOGIN,
        Meaning.PERMISSION,
    }
)


def status_of(status: str, statusmessage: str = "") -> Status:
    """The row for a body status (its message decides between the meanings of -99999)."""
    for row in STATUSES:
        if row.matches(status, statusmessage):
            return row
    return UNKNOWN
