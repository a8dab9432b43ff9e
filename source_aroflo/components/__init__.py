"""The Python components the manifest cannot express, one concern per module (docs/architecture.md).

The error handler and backoff are AroFlo's, shared with destination-aroflo (aroflo_client); the manifest names
them here with the source's own components.
"""

from aroflo_client.backoff import AroFloRateLimitBackoff
from aroflo_client.errors import AroFloErrorHandler
from source_aroflo.components.attachments import NewDocuments, ParentDocuments
from source_aroflo.components.auth import AroFloHmacAuthenticator
from source_aroflo.components.change_position import StampChangePosition
from source_aroflo.components.config import PageSizeDefault, StripWhitespace
from source_aroflo.components.extractors import ZoneRecordExtractor
from source_aroflo.components.joins import DropUnrequestedJoins
from source_aroflo.components.normalize import AroFloTypes
from source_aroflo.components.paginators import AroFloPaginator

__all__ = [
    "AroFloErrorHandler",
    "AroFloHmacAuthenticator",
    "AroFloPaginator",
    "AroFloRateLimitBackoff",
    "AroFloTypes",
    "DropUnrequestedJoins",
    "NewDocuments",
    "PageSizeDefault",
    "ParentDocuments",
    "StampChangePosition",
    "StripWhitespace",
    "ZoneRecordExtractor",
]
