"""Build both connectors' images and prove they work, *inside the container*, against the local AroFlo
sandbox: the source's spec, check, discover and a full read of every stream; the destination's spec, check
and a write of clients and task notes.

    make docker-check      # or: PYTHONPATH=. .venv/bin/python scripts/docker_check.py [source|destination]

Each image is built from its own Dockerfile, the one users build (`Dockerfile`,
`destination-aroflo/Dockerfile`, both with the repository root as context), with Docker if its daemon
answers, else with podman (scripts/container_engine.py). It is built on the pinned base image (metadata.yaml,
the Dockerfile's default BASE_IMAGE) when that can be pulled; only when the registry cannot be reached is
it built on a local stand-in, made by scripts/local_base_image.sh (Debian bookworm, Python 3.11 with pip,
user `airbyte`, /airbyte/integration_code). The output says which base was used, and why.
`integration_tests/test_docker_image.py` runs the same checks under pytest.

Environment: AROFLO_IMAGE / AROFLO_DESTINATION_IMAGE (defaults airbyte/source-aroflo:dev,
airbyte/destination-aroflo:dev), AROFLO_IMAGE_SCALE (sandbox data scale, default 0.1),
AROFLO_REQUIRE_IMAGE_TESTS=1 (install podman when there is no engine, as `.ci/run` does).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from scripts import container_engine
from scripts.container_engine import Engine, NoEngine, last_line

REPO = Path(__file__).resolve().parents[1]
STAND_IN_SCRIPT = REPO / "scripts" / "local_base_image.sh"
SCALE = float(os.environ.get("AROFLO_IMAGE_SCALE", "0.1"))
REQUIRED = os.environ.get("AROFLO_REQUIRE_IMAGE_TESTS") == "1"
HOW_TO_RUN = (
    "install Docker or podman and run `make docker-check` or `make test`; as root on Debian, "
    "`AROFLO_REQUIRE_IMAGE_TESTS=1 make test` installs podman and runs them (as .ci/run does)"
)
SECRET_KEYS = ("u_encoded", "p_encoded", "org_encoded", "secret_key")
# What the final image must not contain: build tools, the build backend, test tooling, the repo's tests.
FORBIDDEN_COMMANDS = ("uv", "gcc", "cc", "make", "git", "pytest", "ruff", "mypy")
FORBIDDEN_MODULES = (
    "uv",
    "hatchling",
    "pytest",
    "ruff",
    "mypy",
    "aroflo_sandbox",
    "aroflo_testing",
    "unit_tests",
    "integration_tests",
)
# The connector's own layers (everything above the base image); a regression guard, not a target.
MAX_ADDED_MB = 400


@dataclass(frozen=True)
class Connector:
    """One of the repository's connectors, as its image is built: its folder (metadata.yaml), its Dockerfile
    (the repository root is the build context), its command and the image tag it is built as."""

    name: str
    folder: Path
    image: str
    other: str  # the other connector's package: never in this image

    @property
    def dockerfile(self) -> Path:
        return self.folder / "Dockerfile"

    def metadata(self) -> dict[str, Any]:
        return yaml.safe_load((self.folder / "metadata.yaml").read_text())["data"]


SOURCE = Connector(
    "source-aroflo", REPO, os.environ.get("AROFLO_IMAGE", "airbyte/source-aroflo:dev"), "destination_aroflo"
)
DESTINATION = Connector(
    "destination-aroflo",
    REPO / "destination-aroflo",
    os.environ.get("AROFLO_DESTINATION_IMAGE", "airbyte/destination-aroflo:dev"),
    "source_aroflo",
)
CONNECTORS = {"source": SOURCE, "destination": DESTINATION}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    messages: list[dict[str, Any]] = field(default_factory=list)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    @property
    def errors(self) -> list[str]:
        return [
            m["trace"]["error"]["message"] for m in self.of_type("TRACE") if m["trace"].get("type") == "ERROR"
        ]

    def describe(self) -> str:
        return (
            f"exit {self.returncode}; errors: {self.errors}\nstderr (tail):\n{self.stderr[-3000:]}"
            f"\nstdout (tail):\n{self.stdout[-3000:]}"
        )


@dataclass(frozen=True)
class Base:
    """The image the Dockerfile was built FROM, and why that one."""

    image: str
    why: str

    @property
    def is_stand_in(self) -> bool:
        return self.image.startswith("localhost/")


@dataclass
class Image:
    """The built image (by id: another build may move its tag meanwhile) and the engine that runs it."""

    id: str
    connector: Connector
    engine: Engine
    base: Base
    inspect: dict[str, Any]
    size: int
    base_size: int
    build_seconds: float

    def describe(self) -> str:
        built = f"built with {self.engine.name} in {self.build_seconds:.0f} s"
        return f"{built} on {self.base.image}: {self.base.why}"

    def run(
        self,
        *args: str,
        mounts: dict[str, str] | None = None,
        entrypoint: str | None = None,
        stdin: str | None = None,
    ) -> Run:
        """`run` the image on the host network (the sandbox listens on the host's loopback); `stdin` is piped
        in (a destination's records)."""
        command = ["run", "--rm", "--network=host", *(["-i"] if stdin is not None else [])]
        for host, container in (mounts or {}).items():
            command += ["-v", f"{host}:{container}:ro"]
        if entrypoint:
            command += ["--entrypoint", entrypoint]
        started = time.monotonic()
        process = self.engine(*command, self.id, *args, stdin=stdin)
        run = Run(process.returncode, process.stdout, process.stderr, time.monotonic() - started)
        for line in process.stdout.splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    run.messages.append(json.loads(line))
        return run


def engine() -> Engine:
    """The machine's engine; with AROFLO_REQUIRE_IMAGE_TESTS=1, podman is installed if there is none."""
    return container_engine.require() if REQUIRED else container_engine.find()


def stand_in_tag() -> str:
    """The stand-in's tag names the script that made it, so a changed script builds a new one."""
    digest = hashlib.sha256(STAND_IN_SCRIPT.read_bytes()).hexdigest()[:12]
    return f"localhost/python-connector-base:stand-in-{digest}"


def base_image(engine: Engine) -> Base:
    """The pinned base image if it is here or can be pulled; else the local stand-in (built if missing)."""
    pinned = SOURCE.metadata()["connectorBuildOptions"]["baseImage"]  # both connectors' (their tests check)
    if engine.has_image(pinned):
        return Base(pinned, "the pinned base image")
    pulled = engine("pull", pinned, timeout=900)
    if pulled.returncode == 0:
        return Base(pinned, "the pinned base image, pulled")
    tag = stand_in_tag()
    if not engine.has_image(tag):
        made = subprocess.run(
            ["bash", str(STAND_IN_SCRIPT), engine.name, tag],
            env=engine.env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if made.returncode:
            raise AssertionError(f"no pinned base image and the stand-in failed:\n{made.stderr[-3000:]}")
    error = last_line(pulled.stderr)
    error = error if len(error) <= 120 else "..." + error[-120:]
    why = f"the stand-in from scripts/local_base_image.sh; the pinned base cannot be pulled: {error}"
    return Base(tag, why)


def build(engine: Engine, connector: Connector = SOURCE) -> Image:
    base = base_image(engine)
    engine = engine.able_to_run(base.image)
    # Only a stand-in is passed as BASE_IMAGE: the pinned base is the Dockerfile's own default.
    base_arg = ["--build-arg", f"BASE_IMAGE={base.image}"] if base.is_stand_in else []
    replaced = engine("image", "inspect", "--format", "{{.Id}}", connector.image, timeout=60).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        id_file = Path(tmp) / "id"
        started = time.monotonic()
        process = engine(
            "build", *engine.build_flags, *base_arg, "--iidfile", str(id_file), "-t", connector.image,
            "-f", str(connector.dockerfile), str(REPO), timeout=1800,
        )  # fmt: skip
        seconds = time.monotonic() - started
        if process.returncode:
            raise AssertionError(
                f"{engine.name} build failed:\n{process.stdout[-4000:]}\n{process.stderr[-4000:]}"
            )
        image_id = id_file.read_text().strip()
    if replaced and replaced.removeprefix("sha256:") != image_id.removeprefix("sha256:"):
        engine("rmi", replaced, timeout=120)  # the image the tag left: unused now (refused if it is not)

    def inspect(name: str) -> dict[str, Any]:
        found = engine("image", "inspect", name, timeout=60)
        assert found.returncode == 0, found.stderr
        return json.loads(found.stdout)[0]

    data = inspect(image_id)
    return Image(
        id=image_id,
        connector=connector,
        engine=engine,
        base=base,
        inspect=data,
        size=int(data["Size"]),
        base_size=int(inspect(base.image)["Size"]),
        build_seconds=seconds,
    )


def sandbox_files(folder: Path, config: dict[str, Any], catalog: dict[str, Any] | None = None) -> Path:
    """Write config (and catalog) where the container's unprivileged user can read them."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    for name, data in (("config.json", config), ("catalog.json", catalog)):
        if data is not None:
            path = folder / name
            path.write_text(json.dumps(data))
            path.chmod(0o644)
    return folder


# ---- the checks: each raises AssertionError with the evidence, or returns what it verified ------------
def check_image_config(image: Image) -> str:
    config = image.inspect["Config"]
    command = image.connector.name
    data = image.connector.metadata()
    assert config.get("User") == "airbyte", f"image user is {config.get('User')!r}, not airbyte"
    assert config.get("Entrypoint") == [command], config.get("Entrypoint")
    env = dict(item.split("=", 1) for item in config.get("Env") or [])
    assert env.get("AIRBYTE_ENTRYPOINT") == command, env
    labels = config.get("Labels") or {}
    assert labels.get("io.airbyte.name") == data["dockerRepository"], labels
    assert labels.get("io.airbyte.version") == data["dockerImageTag"], labels
    return (
        f"user airbyte, ENTRYPOINT [{command}], AIRBYTE_ENTRYPOINT, labels "
        f"{labels['io.airbyte.name']}:{labels['io.airbyte.version']} = metadata.yaml"
    )


def check_image_contents(image: Image) -> str:
    probe = (
        "import importlib.util, json, os, shutil, sys\n"
        f"commands = {FORBIDDEN_COMMANDS!r}\n"
        f"modules = {(*FORBIDDEN_MODULES, image.connector.other)!r}\n"
        "print(json.dumps({'uid': os.getuid(),"
        " 'commands': [c for c in commands if shutil.which(c)],"
        " 'modules': [m for m in modules if importlib.util.find_spec(m)],"
        " 'workdir': sorted(os.listdir('.')), 'cwd': os.getcwd(),"
        " 'python': sys.version.split()[0]}))\n"
    )
    run = image.run("-c", probe, entrypoint="python")
    assert run.returncode == 0, run.describe()
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found["uid"] != 0, "the container runs as root"
    assert not found["commands"], f"build/test tools in the image: {found['commands']}"
    assert not found["modules"], f"build/test packages in the image: {found['modules']}"
    assert found["workdir"] == [], f"sources copied into {found['cwd']}: {found['workdir']}"
    added_mb = (image.size - image.base_size) / 1e6
    assert added_mb < MAX_ADDED_MB, f"the connector adds {added_mb:.0f} MB to the base image"
    return (
        f"uid {found['uid']}, Python {found['python']}, no {'/'.join(FORBIDDEN_COMMANDS)}, no "
        f"build/test packages, nothing in {found['cwd']}; {image.size / 1e6:.0f} MB "
        f"({added_mb:.0f} MB above the base)"
    )


def check_spec(image: Image) -> str:
    run = image.run("spec")
    assert run.returncode == 0, run.describe()
    specs = run.of_type("SPEC")
    assert len(specs) == 1, run.describe()
    spec = specs[0]["spec"]["connectionSpecification"]
    assert set(SECRET_KEYS) <= set(spec["required"]), spec["required"]
    for key in SECRET_KEYS:
        assert spec["properties"][key].get("airbyte_secret") is True, key
    return f"one SPEC message, {len(spec['properties'])} properties, the 4 credentials airbyte_secret"


def check_check(image: Image, sandbox_url: str, folder: Path) -> str:
    good = sandbox_files(folder / "good", {**_sandbox_config(sandbox_url)})
    run = image.run("check", "--config", "/secrets/config.json", mounts={str(good): "/secrets"})
    assert run.returncode == 0, run.describe()
    statuses = [m["connectionStatus"]["status"] for m in run.of_type("CONNECTION_STATUS")]
    assert statuses == ["SUCCEEDED"], run.describe()
    _assert_no_secrets(run, _sandbox_config(sandbox_url))

    invalid = json.loads((REPO / "integration_tests" / "invalid_config.json").read_text())
    bad = sandbox_files(folder / "bad", {**invalid, "base_url": sandbox_url})
    run = image.run("check", "--config", "/secrets/config.json", mounts={str(bad): "/secrets"})
    failed = [m["connectionStatus"] for m in run.of_type("CONNECTION_STATUS")]
    assert [s["status"] for s in failed] == ["FAILED"], run.describe()
    _assert_no_secrets(run, invalid)
    return (
        f"SUCCEEDED with the sandbox credentials; FAILED with invalid ones ({failed[0]['message'][:60]}...)"
    )


def check_discover(image: Image, sandbox_url: str, folder: Path, streams: list[str]) -> str:
    files = sandbox_files(folder / "discover", _sandbox_config(sandbox_url))
    run = image.run("discover", "--config", "/secrets/config.json", mounts={str(files): "/secrets"})
    assert run.returncode == 0, run.describe()
    catalogs = run.of_type("CATALOG")
    assert len(catalogs) == 1, run.describe()
    found = sorted(s["name"] for s in catalogs[0]["catalog"]["streams"])
    assert found == sorted(streams), f"discovered {found}"
    missing_keys = [
        s["name"] for s in catalogs[0]["catalog"]["streams"] if not s.get("source_defined_primary_key")
    ]
    assert not missing_keys, f"streams without a primary key: {missing_keys}"
    return f"one CATALOG with all {len(found)} streams, each with a primary key"


def check_read(image: Image, sandbox_url: str, folder: Path, truth: dict[str, int]) -> str:
    catalog = {
        "streams": [
            {
                "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                "sync_mode": "full_refresh",
                "destination_sync_mode": "overwrite",
            }
            for name in sorted(truth)
        ]
    }
    config = _sandbox_config(sandbox_url)
    files = sandbox_files(folder / "read", config, catalog)
    run = image.run(
        "read", "--config", "/secrets/config.json", "--catalog", "/secrets/catalog.json",
        mounts={str(files): "/secrets"},
    )  # fmt: skip
    assert run.returncode == 0 and not run.errors, run.describe()
    counts = Counter(m["record"]["stream"] for m in run.of_type("RECORD"))
    wrong = {name: (counts.get(name, 0), n) for name, n in truth.items() if counts.get(name, 0) != n}
    assert not wrong, f"records read vs in the sandbox: {wrong}"
    complete = {
        m["trace"]["stream_status"]["stream_descriptor"]["name"]
        for m in run.of_type("TRACE")
        if m["trace"].get("type") == "STREAM_STATUS" and m["trace"]["stream_status"]["status"] == "COMPLETE"
    }
    assert complete == set(truth), f"streams not COMPLETE: {sorted(set(truth) - complete)}"
    _assert_no_secrets(run, config)
    total = sum(counts.values())
    return f"{total} records = the sandbox's, all {len(truth)} streams COMPLETE, {run.seconds:.0f} s"


def check_write(image: Image, sandbox_url: str, folder: Path) -> str:
    """destination-aroflo's `write`: a new client, a refused one and a task note, twice; the second time
    nothing new appears in the sandbox."""
    tasks = requests.get(sandbox_url + "_sandbox/truth", params={"zone": "tasks"}, timeout=60).json()[
        "records"
    ]
    streams = [("clients", "append_dedup"), ("task_notes", "append")]
    catalog = {
        "streams": [
            {
                "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                "sync_mode": "full_refresh",
                "destination_sync_mode": mode,
            }
            for name, mode in streams
        ]
    }
    client = {
        "clientname": "Image Check Pty Ltd",
        "firstname": "Ima",
        "surname": "Ge",
        "email": "image@check.example",
    }
    messages = [
        {"type": "RECORD", "record": {"stream": "clients", "data": client, "emitted_at": 0}},
        {
            "type": "RECORD",
            "record": {"stream": "clients", "data": {"clientname": "No Surname"}, "emitted_at": 0},
        },
        {
            "type": "RECORD",
            "record": {
                "stream": "task_notes",
                "data": {"jobnumber": tasks[0]["jobnumber"], "content": "Checked from the image"},
                "emitted_at": 0,
            },
        },
        {"type": "STATE", "state": {"type": "LEGACY", "data": {"at": 1}}},
    ]
    stdin = "".join(json.dumps(m) + "\n" for m in messages)
    config = _sandbox_config(sandbox_url)
    files = sandbox_files(folder / "write", config, catalog)
    args = ("write", "--config", "/secrets/config.json", "--catalog", "/secrets/catalog.json")
    first = image.run(*args, mounts={str(files): "/secrets"}, stdin=stdin)
    assert first.returncode == 0 and not first.errors, first.describe()
    states = first.of_type("STATE")
    assert [s["state"].get("destinationStats", {}).get("recordCount") for s in states] == [3.0], (
        first.describe()
    )
    again = image.run(*args, mounts={str(files): "/secrets"}, stdin=stdin)
    assert again.returncode == 0 and not again.errors, again.describe()
    clients = requests.get(sandbox_url + "_sandbox/truth", params={"zone": "clients"}, timeout=60).json()[
        "records"
    ]
    assert [c["clientname"] for c in clients].count(client["clientname"]) == 1, "the client is not there once"
    summaries = [m["log"]["message"] for m in again.of_type("LOG") if "write summary" in m["log"]["message"]]
    assert summaries and "1 rejected" in summaries[-1] and "inserted" not in summaries[-1], summaries
    for run in (first, again):
        _assert_no_secrets(run, config)
    return "1 client inserted, 1 rejected, 1 note written, the state passed on; the same again wrote nothing"


def _sandbox_config(sandbox_url: str) -> dict[str, Any]:
    config = json.loads((REPO / "integration_tests" / "sandbox_config.json").read_text())
    return {**config, "base_url": sandbox_url}


def _assert_no_secrets(run: Run, config: dict[str, Any]) -> None:
    for key in SECRET_KEYS:
        value = config.get(key)
        if value:
            assert value not in run.stdout and value not in run.stderr, f"{key} appears in the output"


def sandbox_truth(sandbox_url: str) -> dict[str, int]:
    """Records per stream: each zone's, and for a `<parent>_documents` stream the documents on its parents."""
    from aroflo_testing.harness import DOCUMENT_STREAMS

    zones = requests.get(sandbox_url + "_sandbox/zones", timeout=30).json()
    truth = {entry["stream"]: entry["count"] for entry in zones.values()}
    for stream, zone in DOCUMENT_STREAMS.items():
        parents = requests.get(
            sandbox_url + "_sandbox/truth", params={"zone": zone, "join": "documentsandphotos"}, timeout=60
        ).json()["records"]
        truth[stream] = sum(len(parent.get("documentsandphotos") or []) for parent in parents)
    return truth


def checks(image: Image, sandbox_url: str, folder: Path, truth: dict[str, int]) -> list[tuple[str, Any]]:
    """The checks of one connector's image, by name."""
    common = [
        ("image config", lambda: check_image_config(image)),
        ("image contents", lambda: check_image_contents(image)),
        ("spec", lambda: check_spec(image)),
        ("check", lambda: check_check(image, sandbox_url, folder)),
    ]
    if image.connector is DESTINATION:
        return [*common, ("write", lambda: check_write(image, sandbox_url, folder))]
    return [
        *common,
        ("discover", lambda: check_discover(image, sandbox_url, folder, list(truth))),
        ("read", lambda: check_read(image, sandbox_url, folder, truth)),
    ]


def main(names: list[str]) -> int:
    from aroflo_sandbox.server import Sandbox

    started = time.monotonic()
    try:
        found = engine()
    except NoEngine as missing:
        print(f"no container engine here ({missing}).\nTo run the image check: {HOW_TO_RUN}")
        return 1
    failures = total = 0
    for connector in (CONNECTORS[name] for name in names or list(CONNECTORS)):
        print(f"building {connector.image} with {found.name} ...", flush=True)
        image = build(found, connector)
        print(f"{connector.image} {image.describe()}", flush=True)
        with Sandbox(port=0, scale=SCALE) as sandbox, tempfile.TemporaryDirectory() as tmp:
            truth = sandbox_truth(sandbox.url)
            for name, check in checks(image, sandbox.url, Path(tmp), truth):
                total += 1
                try:
                    print(f"ok    {name:<15}{check()}", flush=True)
                except AssertionError as error:
                    failures += 1
                    print(f"FAIL  {name:<15}{error}", flush=True)
        sizes = f"{image.size / 1e6:.0f} MB (base {image.base_size / 1e6:.0f} MB, {image.base.image})"
        print(f"{connector.image}: {sizes}\n")
    print(f"{total - failures}/{total} checks passed in {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
