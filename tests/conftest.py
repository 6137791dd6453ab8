from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]

# Tests run every experiment fresh: the session gets an empty lstmgrad cache of its
# own, shared by the strict build and the snippet subprocesses so each runs once.
os.environ["LSTMGRAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="lstmgrad-test-cache-")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["NO_MKDOCS_2_WARNING"] = "1"


def mkdocs_build(config: Path, site_dir: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` with the result and its log returned, never raised."""
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=1200,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test session with ``--strict`` and no cache."""
    site = tmp_path_factory.mktemp("site")
    proc = mkdocs_build(ROOT / "mkdocs.yml", site)
    assert proc.returncode == 0, f"strict build failed:\n{proc.stderr[-6000:]}"
    assert "WARNING" not in proc.stderr, f"strict build printed warnings:\n{proc.stderr}"
    return site
