"""Integration tests run the connector against a local AroFlo sandbox: the real `source-aroflo` command
where the point is what only a process shows (the CLI, exit codes, the protocol on stdout, the images), the
same read in this process (`read_in_process`) where it is the connector's logic.

The fixtures (a default sandbox with AroFlo's limits, a small one with the short limits lifted, control
clients reset around each test) and the oracle that says whether a synced record means what AroFlo holds.
Running the connector and the sandbox's control client are in `aroflo_testing/harness.py`, shared with the
scripts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from jsonschema import FormatChecker

from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import RELAXED_LIMITS, SandboxClient, write_json
from scripts import docker_check
from scripts.container_engine import NoEngine

# What became of the image tests (test_docker_image.py): a line per image (or why there is none) at the end of
# the run, gathered from the parallel workers that built them.
IMAGE_TESTS = pytest.StashKey[list[str]]()


def without_change_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A record without the fields the connector adds for incremental sync (`_ab_cdc_*`)."""
    return {k: v for k, v in record.items() if not k.startswith("_ab_cdc_")}


# How AroFlo writes dates and times (docs/aroflo.md#data-types); an oracle independent of the connector's
# parser.
_AROFLO_MOMENTS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%b %d, %Y %I:%M:%S %p",
)


def _moment(text: str) -> datetime | None:
    for form in _AROFLO_MOMENTS:
        try:
            return datetime.strptime(text.strip(), form)
        except ValueError:
            continue
    return None


def _same_scalar(got: Any, sent: Any, name: str) -> bool:
    """Does the connector's value mean exactly what AroFlo sent? (The round trip of normalization.)"""
    if type(got) is type(sent) and got == sent:
        return True
    if isinstance(sent, str) and not sent.strip():
        return got is None
    if name == "priority" and sent == 0:
        return got is None  # a number 0 among priority ids means "no priority"
    if name == "url" and isinstance(got, str) and isinstance(sent, str):
        return got.split("?")[0] == sent.split("?")[0]  # the same document; its signature is the answer's
    if isinstance(got, bool):
        return str(sent).strip().lower() in ({"true", "1"} if got else {"false", "0"})
    if isinstance(got, (int, float)):
        try:
            return Decimal(str(sent).strip()) == Decimal(repr(got))  # the exact decimal, no rounding
        except InvalidOperation:
            return False
    if isinstance(got, str) and isinstance(sent, str):
        moment = _moment(sent)
        if moment is None:
            return False
        if len(got) == 10:  # a date
            return moment.time() == datetime.min.time() and got == moment.date().isoformat()
        # UTC exactly where the field's name says so; site-local times carry no invented offset.
        if got.endswith("Z") != ("utc" in name.lower()):
            return False
        return datetime.fromisoformat(got.removesuffix("Z")) == moment
    return isinstance(got, str) and got == str(sent)


# A custom field's `value` typed by its `type` (docs/aroflo.md#data-types), read here without the connector's
# parsers: the typed field a type fills and the value it must hold for AroFlo's text (None: not that type's).
CUSTOM_VALUES = ("value_boolean", "value_number", "value_date")


def _typed_custom_value(kind: Any, value: Any) -> dict[str, Any]:
    typed: dict[str, Any] = dict.fromkeys(CUSTOM_VALUES)
    text = str(value).strip() if value is not None else ""
    kind = str(kind).lower()
    if kind == "checkbox" and text.lower() in ("true", "false"):
        typed["value_boolean"] = text.lower() == "true"
    elif kind == "numeric" and text:
        with contextlib.suppress(InvalidOperation):
            typed["value_number"] = Decimal(text)
    elif kind == "datefield" and (moment := _moment(text)) and moment.time() == datetime.min.time():
        typed["value_date"] = moment.date().isoformat()
    return typed


def _custom_value_differences(got: dict[str, Any], sent: dict[str, Any], path: str) -> list[str]:
    expected = _typed_custom_value(sent.get("type"), sent.get("value"))
    found = []
    for key, value in expected.items():
        same = got.get(key) == value and isinstance(got.get(key), bool) == isinstance(value, bool)
        if isinstance(value, Decimal):
            same = isinstance(got.get(key), (int, float)) and Decimal(repr(got[key])) == value
        if not same:
            found.append(
                f"{path}.{key}: {got.get(key)!r} for AroFlo's {sent.get('type')} {sent.get('value')!r}"
            )
    return found


def differences(got: Any, sent: Any, name: str = "", path: str = "") -> list[str]:
    """Where a connector record and the record AroFlo holds differ in meaning (empty: nothing lost)."""
    if isinstance(sent, dict) and isinstance(got, dict):
        expected_keys = set(sent) | ({"url_expires_at"} if "url" in sent else set())
        if name == "customfields":  # each custom field gains its value typed (the connector's own fields)
            expected_keys |= set(CUSTOM_VALUES)
        found = [f"{path}: keys {sorted(set(got) ^ expected_keys)}"] if set(got) != expected_keys else []
        if name == "customfields":
            found += _custom_value_differences(got, sent, path)
        if "url" in sent:  # each answer signs its links afresh: the expiry of the link the connector got
            expires = datetime.fromtimestamp(int(str(got.get("url")).split("expires=")[1].split("&")[0]), UTC)
            if got.get("url_expires_at") != expires.strftime("%Y-%m-%dT%H:%M:%SZ"):
                found.append(f"{path}.url_expires_at: {got.get('url_expires_at')!r}")
        for key in set(sent) & set(got):
            found += differences(got[key], sent[key], key, f"{path}.{key}")
        return found
    if isinstance(sent, list) and isinstance(got, list):
        if len(got) != len(sent):
            return [f"{path}: {len(got)} items, AroFlo has {len(sent)}"]
        return [d for g, s in zip(got, sent, strict=True) for d in differences(g, s, name, f"{path}[]")]
    return [] if _same_scalar(got, sent, name) else [f"{path}: {got!r} for AroFlo's {sent!r}"]


def assert_same_records(
    stream: str, got: dict[tuple, dict[str, Any]], truth: dict[tuple, dict[str, Any]]
) -> None:
    """The same primary keys, and every record meaning what AroFlo holds, field by field."""
    assert set(got) == set(truth), (
        f"{stream}: missing {len(set(truth) - set(got))}, extra {len(set(got) - set(truth))}"
    )
    # The CDK's serializer leaves out top-level fields that are null: a destination loads them as null.
    differing = {
        k: d
        for k in truth
        if (d := differences({**dict.fromkeys(truth[k]), **without_change_fields(got[k])}, truth[k]))
    }
    assert not differing, (stream, dict(list(differing.items())[:3]))


def format_checker() -> FormatChecker:
    """`date` is YYYY-MM-DD; `date-time` is ISO 8601, with `Z` exactly when `airbyte_type` says the field
    is a timestamp with time zone (checked separately in timezone_errors)."""
    checker = FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        return not isinstance(value, str) or (len(value) == 10 and bool(date.fromisoformat(value)))

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        return not isinstance(value, str) or bool(datetime.fromisoformat(value.removesuffix("Z")))

    return checker


def timezone_errors(value: object, schema: dict, path: str = "") -> list[str]:
    """Date-times that end in `Z` where the schema says site-local, or lack it where it says UTC."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return [e for k, v in value.items() if k in properties for e in timezone_errors(v, properties[k], k)]
    if isinstance(value, list):
        return [e for item in value for e in timezone_errors(item, schema.get("items", {}), path)]
    kind = schema.get("airbyte_type")
    timestamp = kind in ("timestamp_with_timezone", "timestamp_without_timezone")
    if (
        isinstance(value, str)
        and timestamp
        and (value.endswith("Z") != (kind == "timestamp_with_timezone") or "+" in value[10:])
    ):
        return [f"{path}={value!r} is not a {kind}"]
    return []


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """The default account, with AroFlo's limits: the connector runs on it are paced as shipped."""
    with Sandbox(port=0) as running:
        yield running


def fresh_client(sandbox: Sandbox) -> Iterator[SandboxClient]:
    """A control client on a sandbox with no stats, a new day and no faults, left the same way."""
    client = SandboxClient(sandbox)
    client.reset()
    yield client
    client.reset()


@pytest.fixture
def control(sandbox: Sandbox) -> Iterator[SandboxClient]:
    yield from fresh_client(sandbox)


@pytest.fixture(scope="session")
def small_sandbox() -> Iterator[Sandbox]:
    """A fifth of the default data: the same shapes, quicker to read many times. None of its tests is about
    AroFlo's short rate limits: they are lifted here, and the connector's runs lift its call rate too
    (`unlimited_call_rate=True`)."""
    with Sandbox(port=0, scale=0.2, seed=11, limits=Limits(**RELAXED_LIMITS)) as running:
        yield running


@pytest.fixture
def small(small_sandbox: Sandbox) -> Iterator[SandboxClient]:
    yield from fresh_client(small_sandbox)


@pytest.fixture
def config_path(sandbox: Sandbox, tmp_path: Path) -> str:
    return write_json(tmp_path / "config.json", sandbox.connector_config())


def said_about_images(config: pytest.Config, line: str) -> None:
    config.stash.setdefault(IMAGE_TESTS, []).append(line)


def built_image(request: pytest.FixtureRequest, connector: docker_check.Connector) -> docker_check.Image:
    """A connector's image, built with Docker or podman (test_docker_image.py, test_destination_image.py);
    skipped, saying so at the end of the run, on a machine with neither, unless the image tests are required
    (AROFLO_REQUIRE_IMAGE_TESTS=1, `.ci/run`): then no engine is a failure."""
    try:
        engine = docker_check.engine()
    except NoEngine as missing:
        if docker_check.REQUIRED:
            said_about_images(request.config, f"image tests FAILED: required, but {missing}")
            pytest.fail(f"AROFLO_REQUIRE_IMAGE_TESTS=1, but no container engine: {missing}", pytrace=False)
        how = docker_check.HOW_TO_RUN
        said_about_images(
            request.config, f"image tests skipped: no container engine here ({missing}). To run them: {how}"
        )
        pytest.skip(f"no container engine: {missing}")
    image = docker_check.build(engine, connector)
    said_about_images(request.config, f"image tests: {connector.image} {image.describe()}")
    return image


@pytest.fixture(scope="module")
def image_sandbox() -> Iterator[Sandbox]:
    """The account the containers run against (docker_check.SCALE), AroFlo's limits kept: the image's
    connector runs as shipped."""
    with Sandbox(port=0, scale=docker_check.SCALE) as running:
        yield running


def pytest_sessionfinish(session: pytest.Session) -> None:
    worker_output = getattr(session.config, "workeroutput", None)  # set on a pytest-xdist worker only
    if worker_output is not None:
        worker_output["image_tests"] = session.config.stash.get(IMAGE_TESTS, [])


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: a worker finished, with its output
def pytest_testnodedown(node: Any, error: Any) -> None:
    for line in getattr(node, "workeroutput", {}).get("image_tests", []):
        said_about_images(node.config, line)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in dict.fromkeys(config.stash.get(IMAGE_TESTS, [])):  # once each, in order
        terminalreporter.write_line(line)
