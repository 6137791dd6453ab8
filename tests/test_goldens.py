"""Pin 2: every snippet's stdout, from a fresh interpreter, equals its reviewed golden copy."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from snippets import describe_differences, golden_path, run_snippet, snippet_paths


@pytest.fixture(scope="module")
def outputs():
    """Every snippet's stdout, each from its own fresh interpreter, run one per core at a time."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {p.name: pool.submit(run_snippet, p) for p in snippet_paths()}
    return futures


@pytest.mark.parametrize("snippet", snippet_paths(), ids=lambda p: p.name)
def test_snippet_output_matches_golden(snippet, outputs):
    golden = golden_path(snippet)
    assert golden.exists(), f"{golden} is missing: run `make goldens` and review the diff"
    output = outputs[snippet.name].result()  # re-raises the snippet's own error, naming the file
    problems = describe_differences(f"snippets/{snippet.name}", golden.read_text(), output)
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
