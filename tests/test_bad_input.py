"""Bad input never crashes, hangs or lies (issue 24): a table of bad or extreme inputs across
the command line, the functions the snippets call and the results files.

Each case pins the error type and the words its one-line message must contain (the argument
or file first), and runs under a time limit of its own, so a case that hangs fails as a hang.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lstmgrad import store
from lstmgrad.cli import CLIError, run
from lstmgrad.models import lstm
from lstmgrad.models.rnn import bptt_steps
from lstmgrad.models.sweeps import scalar_sweep
from lstmgrad.present.errata import hand_product_table
from lstmgrad.present.floats import flush_to_zero_table, underflow_table
from lstmgrad.present.plots import decay_plot
from lstmgrad.present.tables import constant_factor_table, forward_table, lag_table, sweep_table
from lstmgrad.studies.crash_runs import crash_cell
from lstmgrad.tasks.anchor import repeated_sequence
from lstmgrad.tasks.crash import crash_batch
from lstmgrad.tasks.future import future_batch
from lstmgrad.train.loop import fit
from lstmgrad.train.loss import logistic_loss
from lstmgrad.train.optim import Adam
from lstmgrad.train.params import init_params

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 20  # per case; every case takes well under a second on an idle machine


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail the case (not the session) if it runs longer than ``seconds``."""

    def hang(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cli(*argv: str) -> Callable[[], Any]:
    return lambda: run(list(argv))


rng = np.random.default_rng(0)
GATES = {"W_x": np.full((4, 1), 1e200), "W_h": np.zeros((4, 1)), "b": np.zeros(4)}

# (id, call, error type, words its message must contain)
CASES: list[tuple[str, Callable[[], Any], type[BaseException], list[str]]] = [
    # ---- the command line: `run` raises CLIError with the one line `lstmgrad` prints
    ("cli-empty-sequence", cli("bptt", "--sequence", ""), CLIError, ["--sequence", "is empty"]),
    ("cli-two-commas", cli("bptt", "--sequence", "1,,2"), CLIError, ["--sequence", "empty entry"]),
    ("cli-not-a-number", cli("bptt", "--sequence", "1,abc"), CLIError, ["--sequence", "'abc'"]),
    ("cli-nan", cli("bptt", "--sequence", "1,nan"), CLIError, ["--sequence", "finite"]),
    ("cli-1e400", cli("bptt", "--sequence", "1,1e400"), CLIError, ["--sequence", "overflows"]),
    ("cli-wh-inf", cli("bptt", "--sequence", "1", "--wh", "inf"), CLIError, ["--wh", "finite"]),
    (
        "cli-z-overflows",
        cli("bptt", "--sequence", "1e200,1e200", "--wx", "1e200"),
        CLIError,
        ["z_1", "W_x = 1e+200", "overflows a 64-bit float"],
    ),
    (
        "cli-chain-overflows",
        cli("bptt", "--sequence", "0,0,0,0", "--wh", "1e200", "--json"),
        CLIError,
        ["dh_T/dh_(t-1)", "overflows", "t = 3", "W_h"],
    ),
    ("cli-missing-sequence", cli("bptt", "--wh", "0.5"), CLIError, ["required", "--sequence"]),
    ("cli-extra-argument", cli("bptt", "--sequence", "1", "extra"), CLIError, ["unrecognized", "extra"]),
    ("cli-version-extra", cli("--version", "extra"), CLIError, ["--version", "no other arguments", "extra"]),
    ("cli-no-command", cli("plot"), CLIError, ["invalid choice", "plot"]),
    ("cli-lag-beyond-T", cli("lstm", "--lags", "9"), CLIError, ["lags[0]", "1 to 5", "T = 5"]),
    ("cli-lag-fraction", cli("lstm", "--lags", "1.5"), CLIError, ["--lags", "whole numbers"]),
    ("cli-sweep-empty-wh", cli("sweep", "--wh", ""), CLIError, ["--wh", "is empty"]),
    (
        "cli-lstm-overflow",
        cli("lstm", "--sequence", "1e200", "--lstm-wx", "1e200"),
        CLIError,
        ["W_x x_t + b overflows", "t = 1"],
    ),
    ("api-run-a-string", lambda: run("bptt --sequence 1,2"), TypeError, ["argv", "the string", "'bptt'"]),
    ("api-run-not-strings", lambda: run(["bptt", "--sequence", 1]), TypeError, ["argv", "strings"]),
    # ---- the functions the snippets call
    (
        "constant-factor-huge-T",
        lambda: constant_factor_table(steps=[10**7]),
        ValueError,
        ["steps[0]", "from 1 to 1,989", "10,000,000", "overflows a 64-bit float"],
    ),
    ("constant-factor-negative-T", lambda: constant_factor_table(steps=[-5]), ValueError, ["steps[0]", "-5"]),
    ("constant-factor-not-a-list", lambda: constant_factor_table(steps=5), ValueError, ["steps", "list"]),
    ("constant-factor-zero", lambda: constant_factor_table(factor=0), ValueError, ["factor", "nonzero"]),
    (
        "underflow-negative-steps",
        lambda: underflow_table(max_steps=-1),
        ValueError,
        ["max_steps", "from 1 to 1,000,000", "-1"],
    ),
    (
        "underflow-huge-steps",
        lambda: underflow_table(max_steps=10**8),
        ValueError,
        ["max_steps", "1,000,000", "per million"],
    ),
    ("flush-zero-steps", lambda: flush_to_zero_table(max_steps=0), ValueError, ["max_steps", "got 0"]),
    ("lag-table-negative-days", lambda: lag_table(days=-1), ValueError, ["days", "at least 1", "-1"]),
    ("lag-table-fraction-days", lambda: lag_table(days=2.5), ValueError, ["days", "2.5"]),
    ("lag-table-lag-zero", lambda: lag_table(lags=[0]), ValueError, ["lags[0]", "from 1 to 90"]),
    ("repeated-sequence-zero", lambda: repeated_sequence(0), ValueError, ["days", "got 0"]),
    ("hand-product-none", lambda: hand_product_table([None, 1]), ValueError, ["sequence", "item 0 is None"]),
    ("bptt-a-string", lambda: bptt_steps("1,2", 0.5, 0.01), ValueError, ["sequence", "the string '1,2'"]),
    (
        "bptt-too-long",
        lambda: bptt_steps(np.ones(10**6 + 1), 0.5, 0.01),
        ValueError,
        ["1,000,001 steps", "at most 1,000,000", "scalar_forward"],
    ),
    ("forward-overflow", lambda: forward_table([1e200], W_x=1e200), ValueError, ["z_1", "overflows"]),
    ("sweep-a-string", lambda: sweep_table(W_hs="0.5"), ValueError, ["W_hs", "string"]),
    ("sweep-lengths-zero", lambda: scalar_sweep([1.0], [0.0], [0]), ValueError, ["T[0]", "got 0"]),
    (
        "decay-plot-too-long",
        lambda: decay_plot(np.ones(10**6 + 1)),
        ValueError,
        ["1,000,001 steps", "at most 1,000,000"],
    ),
    (
        "decay-plot-reference-overflows",
        lambda: decay_plot(np.ones(3000), reference=1.5),
        ValueError,
        ["lag", "1,750", "overflows"],
    ),
    (
        "lstm-input-overflow",
        lambda: lstm.forward(np.full((1, 2, 1), 1e200), **GATES),
        ValueError,
        ["W_x x_t"],
    ),
    # ---- training
    (
        "loss-mask-keeps-nothing",
        lambda: logistic_loss(np.zeros((2, 3)), np.zeros((2, 3)), np.array([[1, 0, 0], [0, 0, 0]])),
        ValueError,
        ["mask", "model 1"],
    ),
    (
        "loss-mask-wrong-shape",
        lambda: logistic_loss(np.zeros((2, 3)), np.zeros((2, 3)), np.ones((2, 1))),
        ValueError,
        ["mask", "shape", "(2, 1)"],
    ),
    (
        "fit-zero-steps",
        lambda: fit("rnn", init_params("rnn", 2, 1, [0]), None, None, 0, 0.01),  # type: ignore[arg-type]
        ValueError,
        ["steps", "got 0"],
    ),
    ("adam-negative-lr", lambda: Adam({"w": np.zeros(2)}, lr=-1.0), ValueError, ["lr", "positive"]),
    ("adam-beta-one", lambda: Adam({"w": np.zeros(2)}, betas=(1.0, 0.999)), ValueError, ["betas", "[0, 1)"]),
    ("crash-cell-budget-below-B", lambda: crash_cell("rnn", 5, [0], budget=10), ValueError, ["budget", "32"]),
    ("crash-batch-negative-lag", lambda: crash_batch(rng, 4, -1), ValueError, ["L", "-1"]),
    ("future-batch-no-sequences", lambda: future_batch(rng, 0, 1), ValueError, ["B", "got 0"]),
    ("init-chrono-short-T", lambda: init_params("lstm", 2, b_f="chrono", T=1), ValueError, ["T", "chrono"]),
    ("init-forget-bias-word", lambda: init_params("lstm", 2, b_f="big"), ValueError, ["b_f", "'big'"]),
]


@pytest.mark.parametrize(("call", "error", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.filterwarnings("ignore::lstmgrad.checks.UnderflowWarning")
def test_bad_input_gets_one_line_naming_what_is_wrong(call, error, words):
    with time_limit(SECONDS), pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert "\n" not in message, f"not one line: {message!r}"
    missing = [w for w in words if w not in message]
    assert not missing, f"{missing} not in {message!r}"


# ------------------------------------------------------------------------- lists from files


@pytest.fixture
def files(tmp_path):
    out = {
        "bad": "100\nabc\n102\n",
        "empty": "",
        "blank": "\n\n",
    }
    for name, text in out.items():
        (tmp_path / f"{name}.txt").write_text(text)
    (tmp_path / "binary.txt").write_bytes(bytes(range(128, 256)))
    (tmp_path / "long.txt").write_text("0\n" * (10**6 + 1))
    return tmp_path


FILE_CASES = [
    ("missing", "nope.txt", ["nope.txt", "cannot read", "No such file"]),
    ("bad", "bad.txt", ["bad.txt, line 2", "'abc'"]),
    ("empty", "empty.txt", ["empty.txt holds no numbers"]),
    ("blank-lines", "blank.txt", ["blank.txt holds no numbers"]),
    ("binary", "binary.txt", ["binary.txt is not a text file"]),
    ("over-the-limit", "long.txt", ["1,000,001 steps", "at most 1,000,000"]),
]


@pytest.mark.parametrize(("name", "words"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_a_list_file_that_cannot_be_used_is_named(files, name, words):
    with time_limit(SECONDS), pytest.raises(CLIError) as info:
        run(["bptt", "--sequence", f"@{files / name}"])
    message = str(info.value)
    assert "\n" not in message and all(w in message for w in words), (words, message)


def test_empty_stdin_is_named(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with time_limit(SECONDS), pytest.raises(CLIError, match=r"--sequence: stdin holds no numbers"):
        run(["bptt", "--sequence", "-"])


def test_a_sequence_from_a_file_or_stdin_gives_the_same_table(tmp_path, monkeypatch):
    inline = run(["bptt", "--sequence", "100,102,105,103,108"])
    (tmp_path / "lines.txt").write_text("100\n102\n105\n103\n108\n")
    (tmp_path / "mixed.txt").write_text("\ufeff100, 102\n105,103\n\n108")
    assert run(["bptt", "--sequence", f"@{tmp_path / 'lines.txt'}"]) == inline
    assert run(["bptt", "--sequence", f"@{tmp_path / 'mixed.txt'}"]) == inline
    monkeypatch.setattr(sys, "stdin", io.StringIO("100\n102\n105\n103\n108\n"))
    assert run(["bptt", "--sequence", "-"]) == inline


@pytest.mark.filterwarnings("ignore::lstmgrad.checks.UnderflowWarning")
def test_bptt_reads_100_000_values_from_a_file(tmp_path):
    values = 100 + np.cumsum(np.random.default_rng(1).normal(size=10**5))
    path = tmp_path / "prices.txt"
    path.write_text("\n".join(f"{v:.4f}" for v in values))
    with time_limit(60):
        out = json.loads(run(["bptt", "--sequence", f"@{path}", "--json"]))
    steps = out["steps"]
    assert len(steps) == 10**5, len(steps)
    assert steps[-1]["x"] == float(f"{values[-1]:.4f}"), steps[-1]


def test_the_command_exits_2_with_one_line_and_no_traceback():
    for argv in (["--version", "extra"], ["bptt", "--sequence", "1e200", "--wx", "1e200"]):
        proc = subprocess.run(
            [sys.executable, "-m", "lstmgrad", *argv], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert proc.returncode == 2, (argv, proc.returncode, proc.stderr)
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and "error" in lines[0] and "Traceback" not in proc.stderr, (argv, proc.stderr)
        assert proc.stdout == "", (argv, proc.stdout)


# -------------------------------------------------------------------------------- results files

RESULT_CASES = [
    ("truncated", b'{"cells": [{"key": "a", "res', ["not valid JSON", "line 1 column", "truncated"]),
    ("empty", b"", ["not valid JSON"]),
    ("a-list", b"[1, 2, 3]", ["a JSON list", "without cells"]),
    ("a-number", b"7", ["a JSON int"]),
    ("binary", bytes(range(256)) * 4, ["not UTF-8"]),
    ("no-cells", b'{"code": {}, "provenance": {}}', ["a results file without cells"]),
    ("cells-not-a-list", b'{"cells": 5, "code": {}, "provenance": {}}', ["without cells"]),
    ("a-cell-without-result", b'{"cells": [{"key": "a"}], "code": {}, "provenance": {}}', ["without cells"]),
    ("nan-inside", b'{"cells": [], "code": {}, "provenance": {"x": NaN}, "digest": "0"}', ["edited by hand"]),
]


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "RESULTS", tmp_path)
    return store.all_experiments()["clipping"]


@pytest.mark.parametrize(
    ("content", "words"), [c[1:] for c in RESULT_CASES], ids=[c[0] for c in RESULT_CASES]
)
def test_a_results_file_that_cannot_be_read_is_named_with_its_command(results, content, words):
    results.path.write_bytes(content)
    words = ["clipping.json", *words, "make experiments ONLY=clipping"]
    with time_limit(SECONDS):
        why = store.problem(results)
        assert why is not None and "\n" not in why and all(w in why for w in words), (words, why)
        loaders = [store.load] + ([store.committed, store.provenance] if "edited" not in why else [])
        for loader in loaders:
            with pytest.raises(store.StaleResult) as info:
                loader(results)
            assert all(w in str(info.value) for w in words[:1] + words[-1:]), (loader.__name__, info.value)


def test_the_strict_build_names_an_unreadable_results_file(results, monkeypatch):
    from mkdocs.exceptions import PluginError

    sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
    try:
        import results as hook
    finally:
        sys.path.pop(0)
    results.path.write_text('{"cells": [')
    monkeypatch.setattr(hook, "all_experiments", lambda: {"clipping": results})
    with time_limit(SECONDS), pytest.raises(PluginError) as info:
        hook.on_pre_build(config=None)
    assert "clipping.json cannot be read" in str(info.value), info.value
    assert "make experiments ONLY=clipping" in str(info.value), info.value


def test_there_are_at_least_40_cases():
    total = len(CASES) + len(FILE_CASES) + len(RESULT_CASES)
    assert total >= 40, f"{total} bad-input cases"


# ------------------------------------------------------------------------------ long sequences


@pytest.mark.filterwarnings("ignore::lstmgrad.checks.UnderflowWarning")
def test_a_long_decay_plot_thins_its_ticks_and_points():
    """`decay_plot` once asked for one tick per step: at 10^6 steps it ran 495 s into a MemoryError.
    Now it draws at most 1000 lags with about ten ticks, so its time and size are bounded."""
    import re

    T = 200_000
    with time_limit(SECONDS):
        svg = decay_plot(np.ones(T))
    ticks = len(re.findall(r'<g id="xtick_\d+">', svg))
    assert 3 <= ticks <= 12, f"{ticks} x ticks for T = {T}"
    assert len(svg) < 150_000, f"the SVG is {len(svg):,} bytes for T = {T}"
    assert f"k = 1 to {T:,} (drawn at 1,000 evenly spaced lags)" in svg, (
        "the alt text says the plot is thinned"
    )
    short = decay_plot([100, 102, 105, 103, 108])
    assert len(re.findall(r'<g id="xtick_\d+">', short)) == 5, "a short plot keeps a tick per step"


def test_scalar_forward_is_the_plain_numpy_loop_bit_for_bit():
    """`scalar_forward` does its sums in Python floats (fast enough for 10^6 steps); they are the
    same IEEE operations as numpy's scalars, so every digit the pages print is unchanged."""
    from lstmgrad.models.rnn import scalar_forward

    gen = np.random.default_rng(7)
    for trial in range(10):
        x = gen.normal(size=2000) * 10 ** gen.uniform(-3, 3)
        W_h, W_x, b, h_0 = (float(v) for v in gen.normal(size=4) * [2, 1, 1, 1])
        z, h, h_prev = np.empty_like(x), np.empty_like(x), h_0
        for t, x_t in enumerate(x):
            z[t] = W_h * h_prev + W_x * x_t + b
            h[t] = np.tanh(z[t])
            h_prev = h[t]
        trace = scalar_forward(x, W_h, W_x, b, h_0)
        np.testing.assert_array_equal(trace.z, z, err_msg=f"trial {trial}: z_t")
        np.testing.assert_array_equal(trace.h, h, err_msg=f"trial {trial}: h_t")
