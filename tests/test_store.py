"""Trained results are never stale: a result whose code changed, whose cells changed, that is
missing or that was edited by hand is refused, by name, with the command that regenerates it."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from lstmgrad import store


@pytest.fixture
def probe(tmp_path: Path, monkeypatch):
    """A results folder of its own and an experiment whose cell function lives in a module we can edit."""
    monkeypatch.setattr(store, "RESULTS", tmp_path / "results")
    module = tmp_path / "probe_cells.py"
    module.write_text("def cell(seeds, scale=2.0):\n    return {'accuracy': [scale * s for s in seeds]}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("probe_cells", None)
    fn = importlib.import_module("probe_cells").cell
    exp = store.Experiment("probe", (store.Cell(fn, {"seeds": [0, 1]}),), "2 seeds", "x.md", "a table")
    done = {c.key: (c.fn(**c.kwargs), 0.1) for c in exp.cells}
    store.write(exp, done, wall=0.1, jobs=1)
    yield exp, module
    sys.modules.pop("probe_cells", None)


def test_a_written_result_loads_with_its_provenance(probe):
    exp, _ = probe
    assert store.problem(exp) is None
    assert store.load(exp)[exp.cells[0].key] == {"accuracy": [0.0, 2.0]}
    record = json.loads(exp.path.read_text())
    assert set(record["provenance"]) >= {"date", "numpy", "blas", "cpu", "cell_seconds", "run_wall_seconds"}
    assert record["cells"][0]["key"] == exp.cells[0].key and '"seeds": [0, 1]' in exp.cells[0].key


def test_a_hand_edited_result_is_refused(probe):
    exp, _ = probe
    exp.path.write_text(exp.path.read_text().replace("2.0", "2.5"))
    with pytest.raises(
        store.StaleResult, match=r"probe.json was edited by hand.*make experiments ONLY=probe"
    ):
        store.load(exp)


def test_a_result_whose_code_changed_is_stale_and_names_the_module(probe):
    exp, module = probe
    module.write_text(module.read_text().replace("scale * s", "scale * s + 0"))
    with pytest.raises(store.StaleResult, match=r"probe.json is stale: the code .* changed in probe_cells"):
        store.load(exp)


def test_a_result_whose_cells_changed_is_stale(probe):
    exp, _ = probe
    more = store.Experiment("probe", (exp.cells[0].with_seeds([0, 1, 2]),), "3 seeds", "x.md", "a table")
    assert "cells (settings, seeds or budgets) changed" in store.problem(more)
    # a default spelled out is the same cell
    same = store.Experiment(
        "probe", (store.Cell(exp.cells[0].fn, {"seeds": [0, 1], "scale": 2.0}),), "", "", ""
    )
    assert store.problem(same) is None


def test_a_missing_result_names_the_command(probe):
    exp, _ = probe
    exp.path.unlink()
    assert store.problem(exp) == f"{exp.path} is missing: regenerate it with `make experiments ONLY=probe`"


def test_the_build_hook_names_every_stale_result(probe, monkeypatch):
    from mkdocs.exceptions import PluginError

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "overrides" / "hooks"))
    try:
        import results as hook
    finally:
        sys.path.pop(0)
    exp, module = probe
    other = store.Experiment("other", exp.cells, "", "x.md", "")
    store.write(other, {c.key: ({"accuracy": [0.0, 2.0]}, 0.1) for c in exp.cells}, wall=0.1, jobs=1)
    monkeypatch.setattr(hook, "all_experiments", lambda: {"probe": exp, "other": other})
    hook.on_pre_build(config=None)  # both fresh: no error
    module.write_text(module.read_text() + "\n# one line\n")
    with pytest.raises(PluginError) as err:
        hook.on_pre_build(config=None)
    assert "probe.json is stale" in str(err.value) and "other.json is stale" in str(err.value)


def test_every_committed_result_matches_the_code():
    problems = [p for exp in store.all_experiments().values() if (p := store.problem(exp))]
    assert not problems, "\n".join(problems)


def test_equal_cells_of_two_experiments_train_once():
    from lstmgrad.studies import beyond
    from lstmgrad.studies import experiments as E

    shared = {c.key for c in E.MAIN_RUNS.cells} & {c.key for c in beyond.CRASH_COMPARISON.cells}
    assert len(shared) == 4  # RNN and LSTM (b_f = 1) at lags 20 and 90


#: What a trained result may depend on: the models, the training, the tasks, the checks, and the
#: module of its cell function. Not the studies that declare and read experiments, not the
#: presentation, the store or the CLI: editing those retrains nothing.
MATH = ("lstmgrad.models", "lstmgrad.train", "lstmgrad.tasks", "lstmgrad.checks")


def _beyond_the_math(modules, cell_modules=()) -> list[str]:
    inside = (*MATH, *cell_modules)
    return sorted(m for m in modules if not any(m == p or m.startswith(p + ".") for p in inside))


def test_results_depend_on_the_math_not_on_tables_or_plots():
    """Editing a table header or a plot colour retrains nothing: no study that reads results and
    no presentation module is in a digest."""
    from lstmgrad.cache import import_closure

    for exp in store.all_experiments().values():
        code = exp.code()
        fns = {c.fn.__module__ for c in exp.cells}
        assert fns <= set(code) and "lstmgrad.models.readout" in code, exp.name
        assert not _beyond_the_math(code, fns), (exp.name, _beyond_the_math(code, fns))
        for module in fns:
            closure = set(import_closure(module)) - {"lstmgrad"}  # the package's __init__: its version
            assert not _beyond_the_math(closure, fns), (module, _beyond_the_math(closure, fns))
    # the check sees presentation and the studies where they are: a snippet's closure reaches them
    reached = _beyond_the_math(import_closure("lstmgrad.present.experiments"))
    assert {"lstmgrad.present.experiments", "lstmgrad.studies.experiments", "lstmgrad.store"} <= set(reached)


def test_a_study_loads_its_cells_from_the_fewest_experiments(probe, monkeypatch):
    from lstmgrad.studies import records

    exp, _ = probe
    cell = exp.cells[0]
    more = store.Experiment("more", (cell, cell.with_seeds([5])), "", "x.md", "")
    store.write(more, {c.key: (c.fn(**c.kwargs), 0.1) for c in more.cells}, wall=0.1, jobs=1)
    monkeypatch.setattr(records, "all_experiments", lambda: {"probe": exp, "more": more})
    both = records.load_cells([({"s": 0}, cell), ({"s": 5}, cell.with_seeds([5]))])
    assert [e.name for e in both.sources] == ["more"]  # one experiment holds both cells
    assert both.get(s=5)["accuracy"] == [10.0] and both.values("s") == [0, 5]
    one = records.load_cells([({"s": 0}, cell)])
    assert [e.name for e in one.sources] == ["probe"]  # a tie goes to the first declared


def test_a_setting_never_trained_is_refused_by_name(probe, monkeypatch):
    from lstmgrad.studies import records

    exp, _ = probe
    monkeypatch.setattr(records, "all_experiments", lambda: {"probe": exp})
    asked = exp.cells[0].with_seeds([0, 1, 2])
    with pytest.raises(
        records.NotTrained, match=r"cell\(seeds=\[0, 1, 2\]\) was never trained.*seeds=\[0, 1\]"
    ):
        records.load_cells([({}, asked)])
    assert records.load_cells([({}, asked)], missing_ok=True).rows == ()


@pytest.mark.parametrize("module", ["experiments", "beyond", "exploding"])
def test_every_study_names_the_page_that_shows_it(module):
    import importlib
    import inspect
    import re

    study = importlib.import_module(f"lstmgrad.studies.{module}")
    page = re.compile(r"docs/[\w-]+\.md")
    assert page.search(study.__doc__ or ""), study.__name__
    for name, fn in vars(study).items():
        if inspect.isfunction(fn) and fn.__module__ == study.__name__ and not name.startswith("_"):
            assert page.search(fn.__doc__ or ""), f"{study.__name__}.{name} names no docs/*.md page"
