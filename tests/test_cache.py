"""The experiment cache is never stale: a change to code a cached result depends on
makes the next call (and the next build) recompute it; anything else is a hit."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from conftest import ROOT
from lstmgrad import cache

PROBE = '''\
from lstmgrad.cache import cached
from lstmgrad.rnn import bptt_steps


@cached
def chain(W_h: float, steps: int = 3) -> float:
    """dh_T/dh_0 of the scalar RNN on 1, 2, ..., steps."""
    return bptt_steps(list(range(1, steps + 1)), W_h=W_h, W_x=0.1)[0]["cumulative"]
'''

# appended to a copy of rnn.py: bptt_steps looks local_factors up at call time
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


def test_a_changed_config_misses_and_the_same_config_hits(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LSTMGRAD_CACHE_DIR", str(tmp_path))
    calls = []

    def cube(n: int, offset: float = 0.0) -> float:
        calls.append((n, offset))
        return n**3 + offset

    f = cache.cached(cube)
    assert f(2) == 8 and f(3) == 27 and f(2, offset=0.5) == 8.5
    assert f(3) == 27 and f(2, 0.0) == 8  # defaults are bound: f(2) and f(2, 0.0) are one call
    assert calls == [(2, 0.0), (3, 0.0), (2, 0.5)]


def test_key_covers_config_defaults_sources_and_versions(package_copy: Path, monkeypatch):
    monkeypatch.syspath_prepend(str(package_copy))
    for name in [m for m in sys.modules if m == "lstmgrad" or m.startswith("lstmgrad.")]:
        monkeypatch.delitem(sys.modules, name)
    probe = importlib.import_module("lstmgrad._probe")
    monkeypatch.setitem(sys.modules, "lstmgrad._probe", probe)  # removed again on undo
    key = cache.cache_key(probe.chain, 0.5)
    # defaults are bound, so spelling a default out is the same call
    assert cache.cache_key(probe.chain, 0.5, steps=3) == key
    assert cache.cache_key(probe.chain, 0.5, steps=4) != key
    assert cache.cache_key(probe.chain, 0.25) != key
    # closure: the probe reaches rnn and checks through imports, never tables
    closure = cache.import_closure("lstmgrad._probe")
    assert {"lstmgrad", "lstmgrad._probe", "lstmgrad.rnn", "lstmgrad.checks", "lstmgrad.cache"} <= set(
        closure
    )
    assert "lstmgrad.tables" not in closure and "lstmgrad._unrelated" not in closure
    with open(package_copy / "lstmgrad" / "checks.py", "a") as f:
        f.write("\n# an edited comment still counts: the key is the bytes\n")
    assert cache.cache_key(probe.chain, 0.5) != key


def test_numpy_version_is_in_the_key(monkeypatch):
    from lstmgrad.rnn import bptt_steps

    key = cache.cache_key(bptt_steps, [1.0], 0.5, 0.1)
    monkeypatch.setattr(cache.np, "__version__", "0.0.0")
    assert cache.cache_key(bptt_steps, [1.0], 0.5, 0.1) != key


def test_no_cache_switch_and_atomic_files(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LSTMGRAD_CACHE_DIR", str(tmp_path))
    calls = []

    def square(n: int) -> int:
        calls.append(n)
        return n * n

    f = cache.cached(square)
    assert f(3) == 9 and f(3) == 9 and calls == [3]
    files = list(tmp_path.rglob("*"))
    assert [p.suffix for p in files if p.is_file()] == [".pkl"], "a temporary file was left behind"
    monkeypatch.setenv("LSTMGRAD_NO_CACHE", "1")
    assert f(3) == 9 and calls == [3, 3]


def test_arguments_must_be_json(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LSTMGRAD_CACHE_DIR", str(tmp_path))
    f = cache.cached(lambda x: x)
    with pytest.raises(TypeError):
        f(object())


def test_a_process_running_edited_code_neither_reads_nor_writes(tmp_path: Path, monkeypatch):
    # mkdocs serve keeps the modules it imported: after an edit on disk the running code
    # is the old one, so a key from the new files must not be used
    pkg = tmp_path / "probepkg_cache_guard"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helper.py").write_text("def scale():\n    return 2\n")
    (pkg / "exp.py").write_text(
        textwrap.dedent(
            """\
            from lstmgrad.cache import cached
            from probepkg_cache_guard.helper import scale

            @cached
            def run(n: int) -> int:
                return scale() * n
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("LSTMGRAD_CACHE_DIR", str(tmp_path / "cache"))
    exp = importlib.import_module("probepkg_cache_guard.exp")
    before = dict(cache.stats)
    assert exp.run(5) == 10 and exp.run(5) == 10
    assert cache.stats["hits"] == before["hits"] + 1
    (pkg / "helper.py").write_text("def scale():\n    return 3\n")
    assert exp.run(5) == 10  # still the imported code
    assert cache.stats["bypassed"] == before["bypassed"] + 1
    assert len(list((tmp_path / "cache").rglob("*.pkl"))) == 1


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
    with open(package_copy / "lstmgrad" / "rnn.py", "a") as f:
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
            abs_src_path = str(ROOT / "docs" / "notebooks" / "bptt_playground.py")

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


SITE_CONFIG = """\
site_name: probe
theme: mkdocs
plugins:
  - markdown-exec
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: ["."]
      check_paths: true
"""


def build_probe_site(project: Path, pkg: Path, cache_dir: Path) -> float:
    """Build the one-page probe site and return the number its snippet printed."""
    env = dict(os.environ, PYTHONPATH=str(pkg), LSTMGRAD_CACHE_DIR=str(cache_dir), NO_MKDOCS_2_WARNING="1")
    env.pop("LSTMGRAD_NO_CACHE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "site"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    html = (project / "site" / "index.html").read_text()
    return float(re.search(r"chain = ([0-9.e+-]+)", html)[1])


def test_editing_a_function_a_snippet_uses_changes_the_next_build(package_copy: Path, tmp_path: Path):
    project, cache_dir = tmp_path / "project", tmp_path / "cache"
    (project / "docs").mkdir(parents=True)
    (project / "snippets").mkdir()
    (project / "mkdocs.yml").write_text(SITE_CONFIG)
    (project / "snippets" / "probe.py").write_text(
        "from lstmgrad._probe import chain\n\nprint(f'chain = {chain(0.5)!r}')\n"
    )
    (project / "docs" / "index.md").write_text(
        '# Probe\n\n```python exec="on" title="snippets/probe.py"\n--8<-- "snippets/probe.py"\n```\n'
    )
    first = build_probe_site(project, package_copy, cache_dir)
    assert build_probe_site(project, package_copy, cache_dir) == first
    assert len(list(cache_dir.rglob("*.pkl"))) == 1  # the second build read the first one's result
    # an edit to a module the experiment does not import keeps its cached result
    (package_copy / "lstmgrad" / "_unrelated.py").write_text("X = 2\n")
    assert build_probe_site(project, package_copy, cache_dir) == first
    assert len(list(cache_dir.rglob("*.pkl"))) == 1
    # an edit two imports away (probe -> rnn.bptt_steps -> rnn.local_factors) re-runs it
    with open(package_copy / "lstmgrad" / "rnn.py", "a") as f:
        f.write(DOUBLED_LOCAL)
    # three steps, each local factor doubled
    assert build_probe_site(project, package_copy, cache_dir) == pytest.approx(8 * first, rel=1e-12)
    assert len(list(cache_dir.rglob("*.pkl"))) == 2
