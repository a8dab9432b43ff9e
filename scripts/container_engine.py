"""The engine that builds and runs the connector's image: Docker when its daemon answers, else podman.

    engine = find()        # the engine this machine has; NoEngine (saying why) if it has none
    engine = require()     # the same, installing podman from Debian's packages (as root) if there is none
    engine = engine.able_to_run(image)   # podman: this host's settings if its defaults cannot run it
    engine("images")       # -> CompletedProcess of `docker images` / `podman images`

Docker needs nothing from us. podman's defaults can fail where the host limits containers: crun refuses a
kernel with hybrid (v1 + v2) cgroups, and a runtime without CAP_SYS_RESOURCE cannot raise rlimits to
podman's defaults. Then a containers.conf in `.tools/` selects runc and explicit limits (`able_to_run`).
podman builds also see the host's CA certificates, so a build behind a TLS-inspecting proxy trusts what
the host trusts (Docker builds have no build-time volumes; its daemon has its own proxy settings), and
run without podman's layer cache, which would reuse a stale final stage (see `find`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOST_CONF = REPO / ".tools" / "containers.conf"
# Written only when podman's defaults cannot start a container (see `Engine.able_to_run`).
HOST_CONF_TEXT = """\
# Written by scripts/container_engine.py: podman's defaults could not start a container on this host.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
"""
HOST_CA_CERTIFICATES = Path("/etc/ssl/certs/ca-certificates.crt")


class NoEngine(Exception):
    """No container engine can build and run the image here; the message says why."""


@dataclass(frozen=True)
class Engine:
    name: str  # "docker" or "podman": the command
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    build_flags: tuple[str, ...] = ()

    def __call__(
        self, *args: str, timeout: float = 600, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.name, *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def has_image(self, image: str) -> bool:
        return self("image", "inspect", image, timeout=60).returncode == 0

    def able_to_run(self, image: str) -> Engine:
        """This engine if it can start a container of `image`; else podman with this host's settings."""
        probe = self("run", "--rm", image, "true", timeout=120)
        if probe.returncode == 0:
            return self
        if self.name == "podman" and shutil.which("runc"):
            HOST_CONF.parent.mkdir(parents=True, exist_ok=True)
            HOST_CONF.write_text(HOST_CONF_TEXT)
            tuned = replace(self, env={**self.env, "CONTAINERS_CONF": str(HOST_CONF)})
            retried = tuned("run", "--rm", image, "true", timeout=120)
            if retried.returncode == 0:
                return tuned
            raise RuntimeError(
                f"podman cannot start a container, with runc either: {last_line(retried.stderr)}"
            )
        hint = " (podman may need runc here: apt-get install runc)" if self.name == "podman" else ""
        raise RuntimeError(f"{self.name} cannot start a container{hint}: {last_line(probe.stderr)}")


def find() -> Engine:
    """Docker if its daemon answers, else podman; NoEngine with what was found of each otherwise."""
    found: list[str] = []
    if shutil.which("docker"):
        info = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if info.returncode == 0:
            return Engine("docker")
        found.append(f"the docker command is here but no Docker daemon answers ({last_line(info.stderr)})")
    else:
        found.append("no docker command")
    if shutil.which("podman"):
        # podman's layer cache keys `RUN --mount=type=bind,from=builder` without the mounted content, so it
        # would reuse a final stage installed from an older wheel (seen with podman 4.3): no layer cache
        # (`--layers=false` also keeps no intermediate images).
        flags = ["--layers=false"]
        if HOST_CA_CERTIFICATES.is_file():
            flags += ["-v", "/etc/ssl/certs:/etc/ssl/certs:ro"]
        return Engine("podman", build_flags=tuple(flags))
    found.append("no podman command")
    raise NoEngine("; ".join(found))


def require() -> Engine:
    """`find()`, or else install podman (and runc) from Debian's packages; NoEngine if neither works."""
    try:
        return find()
    except NoEngine as missing:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise NoEngine(f"{missing}; podman cannot be installed here (needs root and apt-get)") from None
        print("no container engine: installing podman and runc (Debian packages)", flush=True)
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "podman", "runc"]):
            done = subprocess.run(
                command,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            if done.returncode:
                raise NoEngine(f"{missing}; `{' '.join(command)}` failed: {last_line(done.stderr)}") from None
        try:
            return find()
        except NoEngine as still:
            raise NoEngine(
                f"podman was installed (Debian packages) but is still not found: {still}"
            ) from None


def last_line(text: str) -> str:
    """The last non-blank line of a command's output: where engines put the reason they failed."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


if __name__ == "__main__":
    # `.ci/run`: find (or install) the engine before the test suite, and fail at once if there is none.
    try:
        print(f"container engine: {require().name}")
    except NoEngine as error:
        raise SystemExit(f"no container engine for the image tests: {error}") from None
