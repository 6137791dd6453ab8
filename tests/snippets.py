"""Run snippets the way a reader would, and compare their output with golden copies.

``python tests/snippets.py`` (what ``make goldens`` runs) rewrites every golden
copy from a fresh run; review the diff with ``git diff tests/goldens`` before
committing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
GOLDENS = Path(__file__).resolve().parent / "goldens"


def snippet_paths() -> list[Path]:
    """Every snippet file, sorted by name."""
    return sorted(SNIPPETS.glob("*.py"))


def golden_path(snippet: Path) -> Path:
    return GOLDENS / (snippet.stem + ".txt")


def run_snippet(snippet: Path) -> str:
    """Run ``snippet`` in a fresh interpreter from the project root and return its stdout."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, str(snippet)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{snippet.relative_to(ROOT)} exited with {proc.returncode}:\n{proc.stderr}")
    return proc.stdout


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_rule(line: str) -> bool:
    return set(line.replace("|", "").strip()) <= set("-: ") and "-" in line


def describe_differences(name: str, golden: str, output: str) -> list[str]:
    """Name each difference between ``golden`` and ``output``.

    Markdown table cells are reported by table, row (its first cell) and column
    (its header); other lines by line number.
    """
    old_lines, new_lines = golden.splitlines(), output.splitlines()
    problems = []
    table, header = 0, []
    for i, (old, new) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        is_row = old.lstrip().startswith("|") and new.lstrip().startswith("|")
        if is_row and not header:
            table += 1
            header = _cells(old)
        if not old.lstrip().startswith("|"):
            header = []
        if old == new:
            continue
        old_cells, new_cells = _cells(old), _cells(new)
        if is_row and not _is_rule(old) and len(old_cells) == len(new_cells) == len(header):
            for column, a, b in zip(header, old_cells, new_cells, strict=True):
                if a != b:
                    problems.append(
                        f"{name}: table {table}, row {header[0]}={old_cells[0]}, column {column}: "
                        f"golden {a!r}, now {b!r}"
                    )
        else:
            problems.append(f"{name}: line {i}: golden {old!r}, now {new!r}")
    if len(old_lines) != len(new_lines):
        problems.append(f"{name}: golden has {len(old_lines)} lines, output has {len(new_lines)}")
    return problems


def regenerate(names: list[str] | None = None) -> None:
    """Rewrite the golden copies of the snippets named (default: all) from fresh runs."""
    GOLDENS.mkdir(exist_ok=True)
    for snippet in snippet_paths():
        if names and snippet.stem not in names and snippet.name not in names:
            continue
        golden_path(snippet).write_text(run_snippet(snippet))
        print(f"wrote {golden_path(snippet).relative_to(ROOT)}")
    stale = {p.stem for p in GOLDENS.glob("*.txt")} - {s.stem for s in snippet_paths()}
    for stem in sorted(stale):
        print(f"note: tests/goldens/{stem}.txt has no snippet any more; delete it if that is intended")


if __name__ == "__main__":
    regenerate(sys.argv[1:])
