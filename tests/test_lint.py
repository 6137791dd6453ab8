"""The code passes ruff and mypy (configured in pyproject.toml), checked as part of the suite."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_is_clean():
    proc = run("ruff", "check", "--no-cache", "lstmgrad", "tests", "snippets")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean():
    # files = ["lstmgrad"] in pyproject.toml
    proc = run("mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr
