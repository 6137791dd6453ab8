"""The build's snippet pool (overrides/hooks/snippet_runs.py) gives what markdown-exec gives in-process,
and the stream writes a kernel would send; a block that raises gives no result, so the page reruns
it in-process and the strict build names the file (tests/test_site.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runs():
    spec = importlib.util.spec_from_file_location(
        "snippet_runs_under_test", ROOT / "overrides" / "hooks" / "snippet_runs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BLOCKS = {
    "table": (ROOT / "snippets" / "bptt_table.py").read_text(encoding="utf-8"),
    "streams": (
        "import sys\nprint('a', 1, sep='-')\nsys.stderr.write('progress\\n')\n"
        "print('to stderr', file=sys.stderr)\nsys.stdout.write('direct\\n')\nprint('b', end='')"
    ),
}


def test_the_pool_prints_what_markdown_exec_prints_in_process(runs) -> None:
    from markdown_exec._internal.formatters.python import _run_python

    runs.start([(name, code) for name, code in BLOCKS.items()], workers=2)
    for name, code in BLOCKS.items():
        ran = runs.result(code)
        assert ran is not None, f"the pool gave no result for the {name} block"
        assert ran["output"] == _run_python(code, title=name), f"{name}: the pool printed otherwise"
    # markdown-exec's print ignores sep and file; the streams are what a kernel receives
    merged: list[list[str]] = []
    for stream, text in runs.result(BLOCKS["streams"])["streams"]:
        if merged and merged[-1][0] == stream:
            merged[-1][1] += text
        else:
            merged.append([stream, text])
    assert merged == [["stdout", "a-1\n"], ["stderr", "progress\nto stderr\n"], ["stdout", "direct\nb"]]


def test_a_block_that_raises_gives_no_result(runs) -> None:
    code = "print('before')\nraise ValueError('bad')"
    runs.start([("raises", code)], workers=1)
    assert runs.started(code)
    assert runs.result(code) is None
    assert runs.result("print('never started')") is None
