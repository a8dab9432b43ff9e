"""`make demo`: PyAirbyte runs the local connector and syncs every stream into DuckDB.

The demo runs in its own environment (`.venv-demo/`, PyAirbyte pinned by scripts/pyairbyte/uv.lock;
`make test` creates it), never in the connector's `.venv/`. It is run here on a tenth of the sandbox's
default data (the same 42 zones and the documents of 12 of them, 59 calls instead of 154) to keep CI short,
once with `--files` for both the sync of every stream and the files saved (each PyAirbyte run costs some
20 CPU seconds).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import requires
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO_PYTHON = ROOT / ".venv-demo" / "bin" / "python"
ROW = re.compile(r"^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)(\s+<-- MISMATCH)?$")

pytestmark = [pytest.mark.timeout(900), pytest.mark.runs_for(90)]


@pytest.fixture(scope="module")
def demo_python() -> Path:
    if not DEMO_PYTHON.exists():
        subprocess.run(["make", "-s", "demo-env"], cwd=ROOT, check=True)
    return DEMO_PYTHON


def run_demo(demo_python: Path, cache_root: Path, *args: str, code: str | None = None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AIRBYTE_CACHE_ROOT": str(cache_root)}
    command = [str(demo_python), "-c", code] if code else [str(demo_python), "scripts/demo.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


@dataclass
class Demo:
    process: subprocess.CompletedProcess[str]
    cache_root: Path
    files: Path


@pytest.fixture(scope="module")
def demo(demo_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """`make demo DEMO_ARGS="--scale 0.1 --files DIR"`: every stream into DuckDB, then the files."""
    cache_root = tmp_path_factory.mktemp("demo")
    files = cache_root / "files"
    return Demo(run_demo(demo_python, cache_root, "--scale", "0.1", "--files", str(files)), cache_root, files)


def test_pyairbyte_is_not_a_dependency_of_the_connector() -> None:
    assert not any(req.split()[0] == "airbyte" for req in requires("source-aroflo") or [])
    probe = subprocess.run([sys.executable, "-c", "import airbyte"], capture_output=True)
    assert probe.returncode != 0, "PyAirbyte must not be importable from the connector's environment"


def test_demo_syncs_every_stream_into_duckdb_and_matches_the_sandbox(demo: Demo) -> None:
    process = demo.process
    output = process.stdout + process.stderr
    assert process.returncode == 0, output[-6000:]

    rows = {m.group(1): m for line in process.stdout.splitlines() if (m := ROW.match(line.strip()))}
    total = rows.pop("total")
    assert len(rows) == 54, sorted(rows)  # 42 zones, and the documents attached in 12 of them
    for stream, row in rows.items():
        records, truth, calls = int(row.group(2)), int(row.group(3)), int(row.group(4))
        assert records == truth > 0, stream
        assert calls >= 1, stream
        assert not row.group(6), stream
    assert int(total.group(2)) == int(total.group(3)) == sum(int(r.group(2)) for r in rows.values())
    budget = re.search(r"daily budget: ([\d,]+) of 2,000 calls used, ([\d,]+) left", process.stdout)
    assert budget, process.stdout[-2000:]
    used, left = (int(value.replace(",", "")) for value in budget.groups())
    assert used + left == 2000 and used == int(total.group(5))
    assert int(rows["last_update"].group(5)) == 0, "LastUpdate calls must not count against the day"
    assert (demo.cache_root / "default_cache" / "default_cache.duckdb").is_file()


def test_demo_fails_when_a_count_differs_from_the_sandbox(demo_python: Path, tmp_path: Path) -> None:
    """The exit code is the check: a lying truth endpoint must make the demo fail."""
    code = (
        "import sys\n"
        "import scripts.demo as demo\n"
        "real = demo.SandboxClient.truth\n"
        "def lying(client, zone, join=''):\n"
        "    return [*real(client, zone, join), {}]\n"
        "demo.SandboxClient.truth = lying\n"
        "sys.exit(demo.main(['--scale', '0.05', '--streams', 'business_units']))\n"
    )
    process = run_demo(demo_python, tmp_path, code=code)
    assert process.returncode == 1, (process.stdout + process.stderr)[-4000:]
    assert "<-- MISMATCH" in process.stdout and "business_units" in process.stdout


def test_demo_saves_the_documents_and_the_task_photos_by_job_number(demo: Demo) -> None:
    """`--files DIR`: every file of the Document Directory and every task photo in DIR, the photos in folders
    by job number; the count and bytes it reports are those in DIR."""
    process, folder = demo.process, demo.files
    assert process.returncode == 0, (process.stdout + process.stderr)[-4000:]
    assert "MISMATCH" not in process.stdout
    for title, stream in (
        ("Documents and photos", "documents_and_photos"),
        ("Task photos", "task_documents"),
    ):
        said = re.search(rf"{title}[^:]*: ([\d,]+) files, ([\d,]+) bytes written to (\S+)", process.stdout)
        assert said, process.stdout[-2000:]
        files, size = (int(value.replace(",", "")) for value in said.groups()[:2])
        written = [path for path in (folder / stream).rglob("*") if path.is_file()]
        assert Path(said.group(3)).parent == folder.resolve() / stream
        assert (len(written), sum(path.stat().st_size for path in written)) == (files, size)
        assert files >= 10, stream
        if stream == "task_documents":  # task_documents/<job number>/<documentid>-<name>
            assert all(path.parent.name.isdigit() for path in written)
