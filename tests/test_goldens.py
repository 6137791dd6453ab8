"""Pin 2: every snippet's stdout equals its reviewed golden copy.

The output is the reader's: ``tests/test_copy_paste.py`` runs each snippet, as its page shows it, in a
fresh interpreter of a fresh venv holding only what the install line installs, and checks that it
prints what the page shows. Pinning that same run here means each snippet runs once for both checks.
``make goldens`` (``tests/snippets.py``) rewrites the copies from runs in the source tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_copy_paste import install_line, reader_runs, reader_venv  # noqa: F401  (fixtures)

from snippets import describe_differences, golden_path, snippet_paths


@pytest.fixture(scope="module")
def outputs(reader_runs):  # noqa: F811
    """snippet file name -> (page, block, run): the reader's fresh run of it, from its first page."""
    found = {}
    for (page, title), (block, run) in sorted(reader_runs.items()):
        found.setdefault(Path(title).name, (page, block, run))
    return found


@pytest.mark.parametrize("snippet", snippet_paths(), ids=lambda p: p.name)
def test_snippet_output_matches_golden(snippet, outputs):
    golden = golden_path(snippet)
    assert golden.exists(), f"{golden} is missing: run `make goldens` and review the diff"
    assert snippet.name in outputs, f"snippets/{snippet.name} is on no page, so no reader run pins it"
    page, block, run = outputs[snippet.name]
    assert block.source.strip() == snippet.read_text().strip(), (
        f"{page} shows other code than snippets/{snippet.name}"
    )
    assert run.returncode == 0, f"snippets/{snippet.name} (as {page} shows it) failed:\n{run.stderr[-4000:]}"
    problems = describe_differences(f"snippets/{snippet.name}", golden.read_text(), run.stdout)
    assert not problems, "\n".join(problems)


def test_difference_report_names_table_row_and_column():
    golden = "| t | z_t |\n|---:|---:|\n| 1 | 1.0000 |\n| 2 | 1.4008 |\n"
    drifted = golden.replace("1.4008", "1.4009")
    assert describe_differences("snippets/x.py", golden, drifted) == [
        "snippets/x.py: table 1, row t=2, column z_t: golden '1.4008', now '1.4009'"
    ]
    assert describe_differences("snippets/x.py", golden, golden) == []


def test_every_golden_has_a_snippet():
    from snippets import GOLDENS

    stems = {p.stem for p in snippet_paths()}
    orphans = [p.name for p in GOLDENS.glob("*.txt") if p.stem not in stems]
    assert not orphans, f"golden copies without a snippet: {orphans}"
