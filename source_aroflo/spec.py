"""`source-aroflo spec` without the CDK: the SPEC message from the manifest's `spec`, byte for byte the CDK's.

Airbyte starts the connector for `spec` alone (to draw the setup form, to check an image). Importing the CDK
takes most of a CPU second before anything else can happen, and the CDK would then resolve, validate and
build the whole manifest to print one section of it. The section is copied as the CDK copies it: its
`connection_specification` and `documentation_url` into the protocol's `ConnectorSpecification`, whose other
fields keep their defaults (`supportsNormalization` and `supportsDBT` false, the others left out), written as
the CDK writes every message (orjson, compact). What the CDK would add for other fields (`advanced_auth`, for
OAuth) is not done here: a spec with any other field is left to the CDK (`message()` returns None).
unit_tests/test_startup.py holds the result equal to the CDK's own and to the committed
unit_tests/resources/spec.json.

What is left out is the CDK's log line that its memory monitor started: no monitor runs for `spec`.

>>> message()[:50]
b'{"type":"SPEC","spec":{"connectionSpecification":{'
>>> message({"type": "Spec", "connection_specification": {"type": "object"}, "documentation_url": "https://x"})
b'{"type":"SPEC","spec":{"connectionSpecification":{"type":"object"},"documentationUrl":"https://x","supportsNormalization":false,"supportsDBT":false}}'
"""

from __future__ import annotations

from typing import Any

import orjson

from source_aroflo import manifest

# The manifest's `spec` fields this module renders as the CDK does; the normalization rules act on configs.
RENDERED = {"type", "connection_specification", "documentation_url", "config_normalization_rules"}


def message(spec: dict[str, Any] | None = None) -> bytes | None:
    """The SPEC message (one line, without its newline), or None if the CDK must render this spec."""
    spec = manifest.load()["spec"] if spec is None else spec
    if set(spec) - RENDERED or spec.get("type") != "Spec":
        return None
    # ConnectorSpecification's fields in its order (airbyte_protocol_models_dataclasses); None is omitted.
    rendered: dict[str, Any] = {"connectionSpecification": spec["connection_specification"]}
    if spec.get("documentation_url"):
        rendered["documentationUrl"] = spec["documentation_url"]
    rendered |= {"supportsNormalization": False, "supportsDBT": False}
    return orjson.dumps({"type": "SPEC", "spec": rendered})
