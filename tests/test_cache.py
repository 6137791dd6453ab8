"""Code digests are never stale: a change to any lstmgrad module a notebook (or a trained
result, see test_store.py) can reach changes its digest; a change to anything else does not."""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import sys
import types
from pathlib import Path

import pytest

from conftest import ROOT
from lstmgrad import cache

PROBE = '''\
from lstmgrad.models.rnn import bptt_steps


def chain(W_h: float, steps: int = 3) -> float:
    """dh_T/dh_0 of the scalar RNN on 1, 2, ..., steps."""
    return bptt_steps(list(range(1, steps + 1)), W_h=W_h, W_x=0.1)[0]["cumulative"]
'''

# appended to a copy of models/rnn.py: bptt_steps looks local_factors up at call time
DOUBLED_LOCAL = """

def local_factors(trace):
    return 2.0 * trace.W_h * (1.0 - trace.h**2)
"""


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the lstmgrad package with a cached probe experiment and an unrelated module."""
    shutil.copytree(
        ROOT / "lstmgrad", tmp_path / "pkg" / "lstmgrad", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "pkg" / "lstmgrad" / "_probe.py").write_text(PROBE)
    (tmp_path / "pkg" / "lstmgrad" / "_unrelated.py").write_text("X = 1\n")
    return tmp_path / "pkg"


def _use_package_copy(package_copy: Path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(package_copy))
    for name in [m for m in sys.modules if m == "lstmgrad" or m.startswith("lstmgrad.")]:
        monkeypatch.delitem(sys.modules, name)


def test_a_notebooks_digest_follows_its_lstmgrad_imports(package_copy: Path, tmp_path: Path, monkeypatch):
    _use_package_copy(package_copy, monkeypatch)
    notebook = tmp_path / "playground.py"
    notebook.write_text("# %%\nfrom lstmgrad._probe import chain\n\n# %%\nprint(chain(0.5))\n")
    before = cache.file_digest(notebook)
    (package_copy / "lstmgrad" / "_unrelated.py").write_text("X = 2\n")
    assert cache.file_digest(notebook) == before
    with open(package_copy / "lstmgrad" / "models" / "rnn.py", "a") as f:
        f.write(DOUBLED_LOCAL)
    assert cache.file_digest(notebook) != before


def test_notebook_hook_keys_mkdocs_jupyters_cache_on_the_digest(tmp_path: Path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "notebook_cache", ROOT / "overrides/hooks/notebook_cache.py"
    )
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)

    class Plugin:
        config = {"cache": False, "cache_dir": ".cache/mkdocs-jupyter"}

        def should_include(self, file):
            return True

    class Page:
        class file:
            abs_src_path = str(ROOT / "docs" / "notebooks" / "rnn_vs_lstm.py")

    config = types.SimpleNamespace(plugins={"mkdocs-jupyter": Plugin()})
    monkeypatch.setenv("LSTMGRAD_CACHE_DIR", str(tmp_path))
    hook.on_pre_page(Page, config, None)
    plugin_config = config.plugins["mkdocs-jupyter"].config
    assert plugin_config["cache"] is True
    assert Path(plugin_config["cache_dir"]).parent.parent == tmp_path / "notebooks"
    assert Path(plugin_config["cache_dir"]).name == cache.file_digest(Page.file.abs_src_path)[:32]
    monkeypatch.setenv("LSTMGRAD_NO_CACHE", "1")
    hook.on_pre_page(Page, config, None)
    assert plugin_config["cache"] is False
