"""The code passes ruff and mypy (configured in pyproject.toml), checked as part of the suite."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, background, job_result


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@background("mypy", low=True)
def run_mypy() -> subprocess.CompletedProcess[str]:
    """mypy over the package (``files = ["lstmgrad"]`` in pyproject.toml), started with the session."""
    return run("mypy")


@pytest.fixture(scope="session")
def mypy() -> subprocess.CompletedProcess[str]:
    return job_result("mypy")


def test_ruff_is_clean():
    proc = run("ruff", "check", "--no-cache", "lstmgrad", "tests", "snippets")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean(mypy):
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
