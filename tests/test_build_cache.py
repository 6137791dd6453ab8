"""The snippet cache (overrides/hooks/build_cache.py) is never stale: its key moves with the
block's code, every lstmgrad module the code reaches and the committed results it reads, and
only those; a block that raises or shares a session is never stored."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_DIGESTS = """
import sys
from lstmgrad.cache import source_digest
for code in sys.argv[1:]:
    print(source_digest(code.encode()))
"""
ARTICLE = "from lstmgrad.studies.article import bptt_table\nprint(bptt_table())"
TRAINED = "from lstmgrad.studies.experiments import lag_records\nprint(lag_records)"


def _digests(package_root: Path) -> list[str]:
    """The digests of ARTICLE and TRAINED, computed against the package copy in ``package_root``."""
    proc = subprocess.run(
        [sys.executable, "-c", _DIGESTS, ARTICLE, TRAINED],
        cwd=package_root,
        env={"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_the_key_moves_with_the_code_a_block_reaches_and_only_with_it(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "lstmgrad", tmp_path / "lstmgrad", ignore=shutil.ignore_patterns("__pycache__"))
    package = tmp_path / "lstmgrad"
    before = _digests(tmp_path)

    # the CLI is reached by neither block: editing it keeps both keys
    cli = package / "cli" / "__init__.py"
    cli.write_text(cli.read_text() + "\n# an edit\n")
    assert _digests(tmp_path) == before, (
        "editing lstmgrad/cli/__init__.py moved the key of code that never imports it"
    )

    # the article's studies are reached by the first block: its key moves
    article = package / "studies" / "article.py"
    article.write_text(article.read_text() + "\n# an edit\n")
    after = _digests(tmp_path)
    assert after[0] != before[0], (
        "editing lstmgrad/studies/article.py left the key of a block importing it unchanged"
    )

    # a retrained result moves the key of a block that reads results, and not of one that does not
    result = next((package / "results").glob("*.json"))
    result.write_text(result.read_text() + " ")
    again = _digests(tmp_path)
    assert again[1] != after[1], f"editing {result.name} left the key of a block reading results unchanged"
    assert again[0] == after[0], f"editing {result.name} moved the key of a block that reads no results"


@pytest.fixture
def hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LSTMGRAD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LSTMGRAD_NO_CACHE", raising=False)
    spec = importlib.util.spec_from_file_location(
        "build_cache", ROOT / "overrides" / "hooks" / "build_cache.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    from markdown_exec._internal.formatters import python

    python._run_python = module._run_python


def test_a_cached_block_prints_what_a_fresh_run_prints(hook, tmp_path: Path) -> None:
    code = "import random\nprint(random.random())"  # a different output on every real run
    first = hook._cached_run_python(code)
    assert hook._cached_run_python(code) == first, "the second run of a block was not served from the cache"
    assert list((tmp_path / "snippets").glob("*.txt")), "no cache entry was written"
    assert hook._run_python(code) != first, "a fresh run of the random block repeated its output"


def test_blocks_that_raise_or_share_a_session_are_not_stored(hook, tmp_path: Path) -> None:
    from markdown_exec._internal.formatters.base import ExecutionError

    with pytest.raises(ExecutionError):
        hook._cached_run_python("raise ValueError('bad')")
    hook._cached_run_python("import random\nprint(random.random())", session="s")
    assert not list(tmp_path.glob("snippets/*.txt")), "a raising or session block was cached"


def test_no_cache_turns_it_off(hook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSTMGRAD_NO_CACHE", "1")
    code = "import random\nprint(random.random())"
    assert hook._cached_run_python(code) != hook._cached_run_python(code)
    assert not list(tmp_path.glob("snippets/*.txt"))
