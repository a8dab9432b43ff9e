"""The floor to compare the connector with: a minimal AroFlo reader, standard library only.

It signs each request with AroFlo's HMAC-SHA512 as the connector does (the same headers and canonical
payload, over the query exactly as sent, encoded with encodeURIComponent as AroFlo's recipe), pages each
query with `page=1, 2, …` until a page holds fewer records than the page size the server applied
(`maxpageresults`), and prints one Airbyte RECORD line per record: the record as AroFlo sent it, no
typing, no joins clean-up, no state. Any error envelope stops it (a benchmark runs without faults).

What to read comes from a queries file, one entry per query, made by the benchmark from the sandbox's
call log of the connector's own run (so both readers send the same WHERE, join and page size without
this reader knowing the connector's rules), with the record key from the sandbox's zone model:

    [{"stream": "tasks", "zone": "tasks", "record_key": "tasks", "where": ["and|taskid|!=|"],
      "join": ["notes"], "page_size": 500}, ...]

    python benchmarks/minimal_reader.py --config config.json --queries queries.json > records.jsonl
    -> {"type":"RECORD","record":{"stream":"tasks","data":{"taskid":"…",…},"emitted_at":1700000000000}}
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

ACCEPT = "text/json"


def encode(value: str) -> str:
    """JavaScript's encodeURIComponent (AroFlo's recipe): a space is %20, `*()'!~` stay as they are."""
    return quote(value, safe="-_.!~*'()")


class AroFlo:
    """One keep-alive connection; `get(params)` -> the decoded response body of a signed GET."""

    def __init__(self, config: dict[str, str]) -> None:
        self.secret = config["secret_key"].strip().encode()
        self.authorization = (
            f"uencoded={encode(config['u_encoded'].strip())}"
            f"&pencoded={encode(config['p_encoded'].strip())}"
            f"&orgEncoded={encode(config['org_encoded'].strip())}"
        )
        url = urlsplit(config.get("base_url") or "https://api.aroflo.com/")
        connection = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        self.connection = connection(url.netloc, timeout=120)
        self.path = url.path or "/"

    def get(self, params: list[tuple[str, str]]) -> dict[str, Any]:
        query = "&".join(f"{name}={encode(value)}" for name, value in params)
        now = datetime.now(UTC)
        timestamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        # GET + (no HostIP) + empty urlPath + Accept + Authorization + timestamp + the query as sent.
        payload = "+".join(["GET", "", ACCEPT, self.authorization, timestamp, query])
        signature = hmac.new(self.secret, payload.encode(), hashlib.sha512).hexdigest()
        headers = {
            "Accept": ACCEPT,
            "Authorization": self.authorization,
            "afdatetimeutc": timestamp,
            "Authentication": f"HMAC {signature}",
        }
        self.connection.request("GET", f"{self.path}?{query}", headers=headers)
        response = self.connection.getresponse()
        body = json.loads(response.read())
        if response.status != 200 or str(body.get("status")) != "0":
            raise SystemExit(
                f"AroFlo answered {response.status} {body.get('status')}: {body.get('statusmessage')}"
            )
        return body["zoneresponse"]


def read(api: AroFlo, query: dict[str, Any], out: Any) -> None:
    """Every page of one query, as RECORD lines on `out`."""
    base = [("zone", query["zone"])]
    base += [("where", clause) for clause in query["where"]]
    base += [("join", join) for join in query["join"]]
    page = 1
    while True:
        zone_response = api.get([*base, ("page", str(page)), ("pageSize", str(query["page_size"]))])
        records = zone_response.get(query["record_key"]) or []
        emitted_at = int(time.time() * 1000)
        for record in records:
            message = {"stream": query["stream"], "data": record, "emitted_at": emitted_at}
            out.write(json.dumps({"type": "RECORD", "record": message}, separators=(",", ":")) + "\n")
        # Only a page with fewer records than the page size the server applied is the last one.
        if int(zone_response["currentpageresults"]) < int(zone_response["maxpageresults"]):
            return
        page += 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", required=True, help="the connector's config (credentials, base_url)")
    parser.add_argument("--queries", required=True, help="JSON list of queries (see above)")
    args = parser.parse_args(argv)
    with open(args.config) as handle:
        api = AroFlo(json.load(handle))
    with open(args.queries) as handle:
        queries = json.load(handle)
    for query in queries:
        read(api, query, sys.stdout)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
