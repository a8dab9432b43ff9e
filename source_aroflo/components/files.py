"""Documents and photos as files, through Airbyte's file transfer (docs/aroflo.md).

The manifest declares the `file_uploader` of `documents_and_photos` and of every `<parent>_documents` stream
the CDK way (a requester for the link, the link's place in the record, the file's name). The CDK's own
uploader holds every file whole in memory (`response.content`), so the component factory builds this one from
the same parts, and only when the sync's catalog asks for the stream's files (`include_files`):

* a file is downloaded as soon as its record is read, while the rest of its page waits: AroFlo's links expire
  ten minutes after it sent them. The body is streamed to Airbyte's staging directory in 1 MiB chunks and
  takes its final name only once complete;
* it is stored at `<stream>/<the manifest's file name>`, every value of the record in that name made safe
  first (`safe_name`: no separators, control characters or leading dots, at most 100 characters), so a
  document named `../../etc/passwd` stays inside the staging directory;
* a download that fails (the link expired or refused, 403/404/410; a transfer broken off; the document host
  failing after the requester's retries) is tried once more with a fresh link, read from the record fetched
  again by its id (one call, on AroFlo's secondary allowance of single-record reads; for an attached document,
  its parent with its documents). A file that still cannot be fetched is reported by a warning naming the
  document; its record is delivered without `file_reference` and the sync goes on.

>>> safe_name("../Site photos/IMG 01.jpg")
'_Site photos_IMG 01.jpg'
"""

from __future__ import annotations

import json
import logging
import os
import unicodedata
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any

import requests
from airbyte_cdk.models import AirbyteRecordMessageFileReference
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import SafeResponse
from airbyte_cdk.sources.declarative.requesters.requester import Requester
from airbyte_cdk.sources.declarative.retrievers.file_uploader import FileUploader
from airbyte_cdk.sources.types import Config, Record, StreamSlice
from airbyte_cdk.sources.utils.files_directory import get_files_directory
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from aroflo_client.budget import ALLOWANCE_HEADER, Allowance
from aroflo_client.envelope import Envelope
from source_aroflo.components.attachments import JOIN, PARENT_ID, PARENT_REFERENCE, PARENT_ZONE
from source_aroflo.components.plan import ZonePlan
from source_aroflo.components.sync_state import DELETED_AT

LOGGER = logging.getLogger("airbyte")
CHUNK = 1 << 20
REFUSED = frozenset({403, 404, 410})  # the requester's error handler lets these through (IGNORE)
MAX_NAME = 100
_UNSAFE = frozenset('/\\<>:"|?*')


class DownloadFailed(Exception):
    """A file that did not arrive whole: the reason, for the warning."""


def safe_name(value: str) -> str:
    """One path segment from any text: separators, control and reserved characters become `_`, leading dots
    and spaces go (no `..`, no hidden file), at most MAX_NAME characters with the extension kept; never empty.

    >>> safe_name("..") , safe_name("a\\x00b/c"), len(safe_name("x" * 300 + ".pdf"))
    ('_', 'a_b_c', 100)
    """
    text = "".join(
        "_" if c in _UNSAFE or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in unicodedata.normalize("NFC", value)
    )
    text = text.lstrip(". ").rstrip(" ")
    if len(text) > MAX_NAME:
        stem, extension = os.path.splitext(text)
        extension = extension if len(extension) <= 16 else ""
        text = stem[: MAX_NAME - len(extension)] + extension
    return text or "_"


def _safe_values(value: Any) -> Any:
    """The record as the file name template sees it: every text made a safe path segment."""
    if isinstance(value, Mapping):
        return {key: _safe_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_safe_values(item) for item in value]
    if isinstance(value, str):
        return safe_name(value) if value.strip() else ""  # a blank stays falsy for the template's defaults
    return value


@dataclass
class FreshLink:
    """A document's current link, from its record read again by id (AroFlo's signed requester, one call on the
    secondary allowance: one `=` clause on the record id). An attached document's record is its parent's: the
    parent is read again with its documents, and the document found among them."""

    requester: Requester
    plan: ZonePlan

    def record_id(self, document: Mapping[str, Any]) -> str:
        return str(document.get(self.plan.id_field or "") or "")

    def of(self, document: Mapping[str, Any]) -> str | None:
        params = {
            "zone": self.plan.zone,
            "where": self.plan.ids_where([self.record_id(document)]),
            "page": "1",
            "pageSize": "1",
        }
        attached_to = self.plan.attached_to
        if attached_to is not None:
            params["join"] = JOIN
        # One record by its id: AroFlo's secondary allowance (aroflo_client/budget.py).
        response = self.requester.send_request(
            request_headers={ALLOWANCE_HEADER: Allowance.SECONDARY}, request_params=params
        )
        records = Envelope.read(response).records(self.plan.record_key)
        found: Mapping[str, Any] | None = records[0] if records else None
        if found is not None and attached_to is not None:
            found = attached_to.document_in(found, document.get("documentid"))
        url = found.get("url") if found else None
        return url if isinstance(url, str) and url else None


@dataclass
class StreamingFileUploader(FileUploader):
    """`record.file_reference` for a record whose file was downloaded, streamed to the staging directory.

    A DocumentsAndPhotos record `{"documentid": "JCQ6QyNSUCAgCg==", "name": "SWMS_12.pdf", "category":
    {"categoryname": "Safety"}, "url": "https://office.aroflo.com/DocStorage/...", ...}` ->
    `<staging>/documents_and_photos/Safety/JCQ6QyNSUCAgCg==-SWMS_12.pdf`, and the record's file reference
    (staging path, relative path `documents_and_photos/Safety/JCQ6QyNSUCAgCg==-SWMS_12.pdf`, size in bytes).
    """

    requester: Requester  # the manifest's link requester (not signed, no budget), made to stream its answers
    download_target_extractor: RecordExtractor
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    filename_extractor: str
    fresh_link: FreshLink
    stream: str
    # Told whether each record's file arrived (a documents stream's cursor remembers the ones that did not).
    on_result: Callable[[Mapping[str, Any], bool], None] | None = field(default=None, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._file_name = InterpolatedString.create(self.filename_extractor, parameters=parameters)

    def upload(self, record: Record) -> None:
        if DELETED_AT in record.data:
            return  # a deletion (deletions.py) carries no file
        relative = self._relative_path(record)
        target = Path(get_files_directory()) / relative
        document = self._describe(record)
        try:
            size = self._download(self._link(record), target)
        except DownloadFailed as first:
            LOGGER.info(f"{self.stream}: {first} for {document}; reading its record again for a fresh link.")
            try:
                size = self._download(self._fresh_link(record), target)
            except DownloadFailed as second:
                LOGGER.warning(
                    f"{self.stream}: the file of {document} could not be fetched ({second}); its record is "
                    f"delivered without the file. The next sync that reads the record fetches it again."
                )
                self._report(record, fetched=False)
                return
        self._report(record, fetched=True)
        record.file_reference = AirbyteRecordMessageFileReference(
            staging_file_url=str(target),
            source_file_relative_path=str(relative),
            file_size_bytes=size,
        )

    def _relative_path(self, record: Record) -> Path:
        name = self._file_name.eval(self.config, record=_safe_values(record.data))
        return Path(safe_name(self.stream), *(safe_name(part) for part in str(name).split("/") if part))

    def _link(self, record: Record) -> str:
        response = SafeResponse()
        response.content = json.dumps(record.data).encode()
        targets = list(self.download_target_extractor.extract_records(response))
        if not targets or not isinstance(targets[0], str) or not targets[0]:
            raise DownloadFailed("the record carries no link")
        return targets[0]

    def _report(self, record: Record, fetched: bool) -> None:
        if self.on_result is not None:
            self.on_result(record.data, fetched)

    def _fresh_link(self, record: Record) -> str:
        try:
            url = self.fresh_link.of(record.data) if self.fresh_link.record_id(record.data) else None
        except (AirbyteTracedException, requests.RequestException) as error:
            raise DownloadFailed(f"reading the record again failed: {error}") from error
        if url is None:
            raise DownloadFailed("AroFlo no longer returns the record")
        return url

    def _download(self, url: str, target: Path) -> int:
        try:
            response = self.requester.send_request(
                stream_slice=StreamSlice(partition={}, cursor_slice={}, extra_fields={"download_target": url})
            )
        except (AirbyteTracedException, requests.RequestException) as error:
            raise DownloadFailed(f"the document host failed: {error}") from error
        if response is None:
            raise DownloadFailed("no answer from the document host")
        with closing(response):
            if response.status_code in REFUSED:
                raise DownloadFailed(f"the document host refused the link (HTTP {response.status_code})")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            size = 0
            try:
                with partial.open("wb") as out:
                    for chunk in response.iter_content(CHUNK):
                        out.write(chunk)
                        size += len(chunk)
            except requests.RequestException as error:
                partial.unlink(missing_ok=True)
                raise DownloadFailed(f"the transfer broke off after {size} bytes: {error}") from error
            partial.replace(target)
        return size

    def _describe(self, record: Record) -> str:
        """`document JSYqQy1RLEAgCg== (hippo.jpg)`, and for an attached one `of tasks 1050`."""
        data = record.data
        name = data.get("name")
        text = f"document {data.get('documentid')}" + (f" ({name})" if name else "")
        if self.fresh_link.plan.attached_to is not None:
            text += f" of {data.get(PARENT_ZONE)} {data.get(PARENT_REFERENCE) or data.get(PARENT_ID)}"
        return text
