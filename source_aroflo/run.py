"""`source-aroflo`: the Airbyte protocol entrypoint (spec, check, discover, read).

Nothing heavy is imported before the command is known: `spec` is answered from the manifest without the CDK
(spec.py); the other commands import it with the garbage collector held off and each class's source read once
(startup.py).
"""

from __future__ import annotations

import sys
import traceback
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from source_aroflo import startup

if TYPE_CHECKING:
    from source_aroflo.source import SourceAroflo


def _source(args: list[str]) -> SourceAroflo:
    from airbyte_cdk.entrypoint import AirbyteEntrypoint

    from source_aroflo.source import SourceAroflo

    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    config_path = AirbyteEntrypoint.extract_config(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    return SourceAroflo(
        catalog=SourceAroflo.read_catalog(catalog_path) if catalog_path else None,
        config=SourceAroflo.read_config(config_path) if config_path else None,
        state=SourceAroflo.read_state(state_path) if state_path else None,
    )


def _spec() -> bool:
    """Print the SPEC message without the CDK; False if this spec needs the CDK (spec.py)."""
    from source_aroflo import spec

    message = spec.message()
    if message is None:
        return False
    sys.stdout.buffer.write(message + b"\n")
    sys.stdout.flush()
    return True


def run() -> None:
    args = sys.argv[1:]
    if args == ["spec"] and _spec():
        return
    with startup.paused_while_importing(), startup.class_sources_remembered():
        import source_aroflo.source  # noqa: F401 (the CDK, imported here)
    try:
        source = _source(args)
    except Exception as error:  # a bad config/catalog/state file must still answer in the protocol
        import orjson
        from airbyte_cdk.models import (
            AirbyteErrorTraceMessage,
            AirbyteMessage,
            AirbyteMessageSerializer,
            AirbyteTraceMessage,
            TraceType,
            Type,
        )

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
    from airbyte_cdk.entrypoint import launch

    launch(source, args)


if __name__ == "__main__":
    run()
