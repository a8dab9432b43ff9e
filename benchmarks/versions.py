"""Another version of the connector, measured by this checkout's benchmarks: `--ref <commit>`.

The version's `source_aroflo` and `aroflo-client` are exported from git (`git archive`, as
scripts/compare_records.py's baseline) into a temporary folder and put first on PYTHONPATH; everything else
(the Python environment, the sandbox, the measuring code) is this checkout's, so a before/after table
differs by the connector alone. Its command is `python -c RUN <args>`, which is what the `source-aroflo`
script runs (`source_aroflo.run:run`); the working tree's own version is `.venv/bin/source-aroflo` itself.

    with exported("84c59f7") as folder:
        command, env = connector(folder)  # [python, "-c", RUN], PYTHONPATH <folder>:<folder>/aroflo-client
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = str(Path(sys.executable).with_name("source-aroflo"))
RUN = "import sys; from source_aroflo.run import run; sys.argv[0] = 'source-aroflo'; run()"


@contextmanager
def exported(ref: str) -> Iterator[Path]:
    """The connector's code at `ref` (any commit-ish), in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix=f"aroflo-{ref.replace('/', '-')}-") as temporary:
        archive = subprocess.run(
            ["git", "archive", ref, "source_aroflo", "aroflo-client"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", temporary], input=archive, check=True)
        # Compiled, as `make install` compiles the working tree's: both versions start from bytecode.
        subprocess.run([sys.executable, "-m", "compileall", "-q", temporary], capture_output=True, check=True)
        yield Path(temporary)


def connector(folder: Path | None) -> tuple[list[str], dict[str, str]]:
    """The command running the connector exported to `folder` (None: this checkout's), and its environment."""
    if folder is None:
        return [SCRIPT], dict(os.environ)
    path = os.pathsep.join([str(folder), str(folder / "aroflo-client"), os.environ.get("PYTHONPATH", "")])
    return [sys.executable, "-c", RUN], {**os.environ, "PYTHONPATH": path.rstrip(os.pathsep)}


def describe(ref: str) -> str:
    """`ref` as a short commit (what the results record)."""
    done = subprocess.run(["git", "rev-parse", "--short", ref], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or ref
