"""`python -m aroflo_sandbox`: start the sandbox on 127.0.0.1 and print its URL and credentials."""

from __future__ import annotations

import argparse
import json
import signal
import sys

from aroflo_sandbox.dataset import LASTUPDATE_COVERAGES
from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="aroflo_sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the size of the large zones")
    parser.add_argument("--per-second", type=int, default=3)
    parser.add_argument("--per-minute", type=int, default=120)
    parser.add_argument("--daily", type=int, default=2000)
    parser.add_argument("--secondary-daily", type=int, default=20000, help="single-id GETs a day")
    parser.add_argument(
        "--lastupdate-coverage",
        choices=LASTUPDATE_COVERAGES,
        default="all",
        help="'documented': LastUpdate shows only the zones AroFlo's documentation shows in it",
    )
    parser.add_argument("--config-out", help="also write the connector config (JSON) to this file")
    args = parser.parse_args(argv)

    sandbox = Sandbox(
        port=args.port,
        seed=args.seed,
        scale=args.scale,
        limits=Limits(
            per_second=args.per_second,
            per_minute=args.per_minute,
            daily=args.daily,
            secondary_daily=args.secondary_daily,
        ),
        lastupdate_coverage=args.lastupdate_coverage,
    )
    config = sandbox.connector_config()
    if args.config_out:
        with open(args.config_out, "w") as handle:
            json.dump(config, handle, indent=2)
    print(f"AroFlo sandbox listening on {sandbox.url}", flush=True)
    print("Connector config (sandbox credentials, not secrets):", flush=True)
    print(json.dumps(config, indent=2), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sandbox.httpd.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        sandbox.httpd.server_close()


if __name__ == "__main__":
    main()
