"""`destination-aroflo`: clients and task notes from any Airbyte source written into AroFlo.

`check` proves the credentials for free (a read of AroFlo's LastUpdate zone, which the daily limit does not
count) and, when one is configured, that the business unit for new clients exists (one read of it by id, on
AroFlo's secondary allowance). `write` resolves the catalog (`objects.py`), then writes (`writer.py`).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from airbyte_cdk.destinations import Destination
from airbyte_cdk.logger import is_platform_debug_log_enabled
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    Status,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from requests import RequestException

from aroflo_client.budget import Allowance
from aroflo_client.client import AroFloClient
from aroflo_client.paging import Ask
from destination_aroflo.batches import Writes
from destination_aroflo.clients import ClientWrites
from destination_aroflo.notes import NoteWrites
from destination_aroflo.objects import CLIENTS, TASK_NOTES, targets
from destination_aroflo.outcomes import Tally
from destination_aroflo.writer import Writer

# A check answers within about two minutes whatever the network does: one retry of a 45-second wait.
CHECK_LIMITS = {"request_timeout_seconds": 45, "max_retries": 1}


class DestinationAroflo(Destination):
    def parse_args(self, args: list[str]) -> argparse.Namespace:
        """The CDK's commands, plus the source's `--debug` (or the platform's LOG_LEVEL=debug): every request
        and answer logged, the credentials and the signature masked in them."""
        parsed = super().parse_args([arg for arg in args if arg != "--debug"])
        parsed.debug = "--debug" in args or is_platform_debug_log_enabled()
        return parsed

    def run_cmd(self, parsed_args: argparse.Namespace) -> Iterable[AirbyteMessage]:
        logging.getLogger("airbyte").setLevel(logging.DEBUG if parsed_args.debug else logging.INFO)
        yield from super().run_cmd(parsed_args)

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        client = AroFloClient({**config, **CHECK_LIMITS}, logger, name="check")
        since = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
        try:
            answer = client.read(
                "lastupdate",
                [f"and|lastupdateutc|>|{since}"],
                ask=Ask(page=1, page_size=1),
                allowance=Allowance.FREE,
            )
            if not answer.ok:
                return _failed(answer.reaction.message(status=answer.status, statusmessage=answer.message))
            if orgid := business_unit(config):
                by_id = client.read("businessunits", [f"and|orgid|=|{orgid}"], allowance=Allowance.SECONDARY)
                found = by_id.records("businessunits")
                if not found:
                    return _failed(
                        f"AroFlo has no business unit with orgid {orgid} (Business Unit for New Clients); "
                        "the source's business_units stream lists them."
                    )
        except AirbyteTracedException as error:
            return _failed(error.message or str(error))
        except RequestException as error:
            return _failed(f"AroFlo could not be reached at {client.base_url}: {error}")
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    def write(
        self,
        config: Mapping[str, Any],
        configured_catalog: ConfiguredAirbyteCatalog,
        input_messages: Iterable[AirbyteMessage],
    ) -> Iterable[AirbyteMessage]:
        logger = logging.getLogger("airbyte")
        by_stream = targets(configured_catalog)  # before anything is read or written
        client = AroFloClient(config, logger)
        tally = Tally(logger)
        objects: dict[str, Writes] = {}
        client_modes = {t.stream: t.mode for t in by_stream.values() if t.object == CLIENTS}
        if client_modes:
            objects[CLIENTS] = ClientWrites(client, tally, client_modes, business_unit(config))
        if any(t.object == TASK_NOTES for t in by_stream.values()):
            objects[TASK_NOTES] = NoteWrites(client, tally)
        fail = str(config.get("on_rejected_record") or "skip").strip() == "fail"
        yield from Writer(by_stream, objects, tally, logger, fail_on_rejects=fail).write(input_messages)


def business_unit(config: Mapping[str, Any]) -> str:
    return str(config.get("business_unit_id") or "").strip()


def _failed(message: str) -> AirbyteConnectionStatus:
    return AirbyteConnectionStatus(status=Status.FAILED, message=message)
