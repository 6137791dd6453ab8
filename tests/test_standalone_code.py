"""The code chapter's snippet needs nothing but numpy, and prints what lstmgrad prints.

snippets/code_standalone.py is what a reader pastes into a bare Python. We run it in a
fresh interpreter that can import numpy and nothing of this project, and compare every
number it prints with lstmgrad's ``bptt_table`` run in another fresh interpreter, for the
anchor and for inputs where the numbers are large enough to show at 6 decimals.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT

STANDALONE = ROOT / "snippets" / "code_standalone.py"

# Runs a script with the standard library and numpy's install dir on sys.path and nothing
# else: -S skips site-packages' .pth files, and with them the editable lstmgrad install.
BARE_RUNNER = """
import importlib.util, runpy, sys
sys.path.append({numpy_dir!r})
assert importlib.util.find_spec("lstmgrad") is None, "lstmgrad is importable: not a bare Python"
runpy.run_path("code_standalone.py", run_name="__main__")
"""

PARAMS = {
    # the article's anchor ("Code" section)
    "anchor": ([100, 102, 105, 103, 108], 0.5, 0.01, 0.0, 0.0),
    # small input scale at W_h = 1.5: factors above 1, the product grows
    "growing": ([100, 102, 105, 103, 108], 1.5, 0.0001, 0.0, 0.0),
    # a longer, signed sequence with a bias and a non-zero start
    "signed": ([0.5, -1.0, 2.0, 0.0, -0.3, 1.2, 0.7], 0.9, 0.8, 0.1, -0.2),
}


def standalone_source(sequence, W_h, W_x, b, h_0) -> str:
    """The snippet's source with its inputs swapped for ours (the two assignment lines)."""
    source = STANDALONE.read_text()
    source, n_seq = re.subn(r"^sequence = \[.*?\]", f"sequence = {sequence!r}", source, flags=re.M)
    source, n_w = re.subn(
        r"^W_h, W_x, b, h_0 = .*$", f"W_h, W_x, b, h_0 = {W_h}, {W_x}, {b}, {h_0}", source, flags=re.M
    )
    assert n_seq == n_w == 1, "code_standalone.py no longer has its two input lines"
    return source


def run_bare(source: str, tmp_path: Path) -> str:
    (tmp_path / "code_standalone.py").write_text(source)
    runner = tmp_path / "runner.py"
    runner.write_text(BARE_RUNNER.format(numpy_dir=str(Path(np.__file__).parent.parent)))
    proc = subprocess.run(
        [sys.executable, "-I", "-S", str(runner)], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def run_lstmgrad(sequence, W_h, W_x, b, h_0) -> str:
    code = (
        "from lstmgrad.present.tables import bptt_table\n"
        f"print(bptt_table({sequence!r}, W_h={W_h}, W_x={W_x}, b={b}, h_0={h_0}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def table_rows(text: str) -> list[list[str]]:
    """Body rows of the Markdown table in ``text``, as cells (header and rule dropped)."""
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|")
    ]
    return rows[2:]


def test_standalone_imports_only_numpy():
    imported = set()
    for node in ast.walk(ast.parse(STANDALONE.read_text())):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported == {"numpy"}


@pytest.mark.parametrize("case", PARAMS)
def test_standalone_prints_the_same_numbers_as_lstmgrad(case, tmp_path):
    bare = table_rows(run_bare(standalone_source(*PARAMS[case]), tmp_path))
    ours = table_rows(run_lstmgrad(*PARAMS[case]))
    assert len(bare) == len(ours) == len(PARAMS[case][0])
    for a, b in zip(bare, ours, strict=True):
        assert a == b, f"{case}: standalone row {a} differs from lstmgrad row {b}"
    if case == "growing":
        assert float(bare[-1][2]) > 1.0  # the comparison is not just zeros at 6 decimals


def test_unedited_standalone_prints_the_articles_table(tmp_path):
    # Article, "Code": t=5..1, local to 4 decimals, cumulative to 6
    rows = table_rows(run_bare(STANDALONE.read_text(), tmp_path))
    assert rows == [
        ["5", "0.0854", "0.085421"],
        ["4", "0.0934", "0.007974"],
        ["3", "0.0915", "0.000730"],
        ["2", "0.1079", "0.000079"],
        ["1", "0.2100", "0.000017"],
    ]


def test_bare_runner_really_hides_lstmgrad(tmp_path):
    # the check inside the runner must be able to fail: a script that imports lstmgrad dies
    proc_source = "import lstmgrad\n"
    (tmp_path / "code_standalone.py").write_text(proc_source)
    runner = tmp_path / "runner.py"
    runner.write_text(BARE_RUNNER.format(numpy_dir=str(Path(np.__file__).parent.parent)))
    proc = subprocess.run(
        [sys.executable, "-I", "-S", str(runner)], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode != 0 and "No module named 'lstmgrad'" in proc.stderr
