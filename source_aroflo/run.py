"""`source-aroflo`: the Airbyte protocol entrypoint (spec, check, discover, read)."""

from __future__ import annotations

import sys
import traceback
from datetime import UTC, datetime

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import (
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteTraceMessage,
    TraceType,
    Type,
)

from source_aroflo.source import SourceAroflo


def _source(args: list[str]) -> SourceAroflo:
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    config_path = AirbyteEntrypoint.extract_config(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    return SourceAroflo(
        catalog=SourceAroflo.read_catalog(catalog_path) if catalog_path else None,
        config=SourceAroflo.read_config(config_path) if config_path else None,
        state=SourceAroflo.read_state(state_path) if state_path else None,
    )


def run() -> None:
    args = sys.argv[1:]
    try:
        source = _source(args)
    except Exception as error:  # a bad config/catalog/state file must still answer in the protocol
        trace = AirbyteMessage(
            type=Type.TRACE,
            trace=AirbyteTraceMessage(
                type=TraceType.ERROR,
                emitted_at=int(datetime.now(UTC).timestamp() * 1000),
                error=AirbyteErrorTraceMessage(
                    message=f"source-aroflo could not start: {error}",
                    stack_trace=traceback.format_exc(),
                ),
            ),
        )
        print(orjson.dumps(AirbyteMessageSerializer.dump(trace)).decode())
        sys.exit(1)
    launch(source, args)


if __name__ == "__main__":
    run()
