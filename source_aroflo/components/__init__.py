"""The Python components the manifest cannot express, one concern per module."""

from source_aroflo.components.auth import AroFloHmacAuthenticator
from source_aroflo.components.backoff import AroFloRateLimitBackoff
from source_aroflo.components.changes import ChangedRecordsExtractor
from source_aroflo.components.config import StripWhitespace
from source_aroflo.components.extractors import ZoneRecordExtractor
from source_aroflo.components.joins import DropUnrequestedJoins
from source_aroflo.components.normalize import NormalizeValues
from source_aroflo.components.paginators import AroFloPageNumber

__all__ = [
    "AroFloHmacAuthenticator",
    "AroFloPageNumber",
    "AroFloRateLimitBackoff",
    "ChangedRecordsExtractor",
    "DropUnrequestedJoins",
    "NormalizeValues",
    "StripWhitespace",
    "ZoneRecordExtractor",
]
