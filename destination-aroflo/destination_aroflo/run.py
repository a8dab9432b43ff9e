"""`destination-aroflo`: the Airbyte protocol entrypoint (spec, check, write)."""

from __future__ import annotations

import sys

from destination_aroflo.destination import DestinationAroflo


def run() -> None:
    DestinationAroflo().run(sys.argv[1:])


if __name__ == "__main__":
    run()
