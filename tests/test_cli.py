"""The ``lstmgrad`` command line: the article's table for the anchor, the same tables as the site,
exact JSON, and one-line errors with exit status 2."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lstmgrad import cli
from lstmgrad.models import rnn
from lstmgrad.present import tables
from lstmgrad.studies.article import lstm_path_rows
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

ROOT = Path(__file__).resolve().parent.parent
GOLDENS = ROOT / "tests" / "goldens"
ANCHOR = ["--sequence", "100,102,105,103,108", "--wh", "0.5", "--wx", "0.01"]

# Article, "Code" (and "The Vanishing Gradient in RNNs (BPTT)"): t, local, cumulative
ARTICLE_BPTT = [
    ("5", "0.0854", "0.085421"),
    ("4", "0.0934", "0.007974"),
    ("3", "0.0915", "0.000730"),
    ("2", "0.1079", "0.000079"),
    ("1", "0.2100", "0.000017"),
]
# Article, "Vanilla RNN: What It Does": z_t and h_t for t = 1..5
ARTICLE_Z = ["1.0000", "1.4008", "1.4928", "1.4819", "1.5309"]
ARTICLE_H = ["0.7616", "0.8855", "0.9038", "0.9018", "0.9106"]


def rows(markdown: str) -> list[list[str]]:
    """Cells of a Markdown table's body rows."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]


def test_cli_reproduces_the_articles_bptt_table():
    body = rows(cli.run(["bptt", *ANCHOR]))
    assert [(r[0], r[4], r[5]) for r in body] == ARTICLE_BPTT
    assert [r[2] for r in reversed(body)] == ARTICLE_Z
    assert [r[3] for r in reversed(body)] == ARTICLE_H


def test_cli_bptt_columns_equal_the_sites_bptt_table():
    # the site's table is tables.bptt_table (snippets/bptt_table.py, pinned by its golden copy)
    ours = {r[0]: (r[4], r[5]) for r in rows(cli.run(["bptt", *ANCHOR]))}
    for source in (tables.bptt_table(), (GOLDENS / "bptt_table.txt").read_text()):
        site = {r[0]: (r[1], r[2]) for r in rows(source)}
        assert ours == site


def test_cli_sweep_is_the_sites_sweep_table():
    W_hs = "0.1,0.3,0.5,0.7,0.9,1.2,1.5,2.0"
    out = cli.run(["sweep", "--wh", W_hs])
    assert out == tables.sweep_table(ANCHOR_SEQUENCE, [float(w) for w in W_hs.split(",")], W_x=0.01)
    assert out == (GOLDENS / "sensitivity_sweep.txt").read_text().strip()


def test_cli_lstm_is_the_sites_lstm_table():
    # snippets/lstm_path_table.py: anchor, every gate 0.01 on x_t and 0.5 on h_(t-1), b_f = 2
    out = cli.run(["lstm", "--lstm-wx", "0.01", "--lstm-wh", "0.5", "--bf", "2"])
    assert out == tables.lstm_path_table(ANCHOR_SEQUENCE, lstm_w_x=0.01, lstm_w_h=0.5, b_f=2.0)
    assert out == (GOLDENS / "lstm_path_table.txt").read_text().strip()


def test_cli_lstm_lags():
    out = cli.run(["lstm", "--lags", "1,5"])
    assert [r[0] for r in rows(out)] == ["1", "5"]


def test_bptt_json_is_exact():
    data = json.loads(cli.run(["bptt", *ANCHOR, "--json"]))
    assert list(data) == ["steps"]
    steps = rnn.bptt_steps([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01)
    assert [s["t"] for s in data["steps"]] == [1, 2, 3, 4, 5]
    for ours, reference in zip(data["steps"], steps, strict=True):
        assert {"t", "z", "h", "local", "cumulative"} <= set(ours)
        for key in ("z", "h", "local", "cumulative"):
            assert ours[key] == reference[key]  # full precision: bit-for-bit after the round trip


def test_sweep_and_lstm_json():
    sweep = json.loads(cli.run(["sweep", "--wh", "0.5,0.7", "--json"]))["rows"]
    assert [r["W_h"] for r in sweep] == [0.5, 0.7]
    steps = json.loads(cli.run(["lstm", "--json"]))["steps"]
    assert steps[0]["cell_path"] == pytest.approx(lstm_path_rows()[0]["cell_path"], rel=0)


def test_help_states_the_cumulative_convention():
    text = " ".join(cli.run(["bptt", "--help"]).split())
    assert "product of local from T down to t" in text
    assert "dh_T/dh_{t-1}" in text


BAD = {
    "empty-sequence": ["bptt", "--sequence", "", "--wh", "0.5", "--wx", "0.01"],
    "non-numeric": ["bptt", "--sequence", "100,abc", "--wh", "0.5", "--wx", "0.01"],
    "nan": ["bptt", "--sequence", "100,nan", "--wh", "0.5", "--wx", "0.01"],
    "inf": ["bptt", "--sequence", "100,inf", "--wh", "0.5", "--wx", "0.01"],
    "overflow": ["bptt", "--sequence", "100,1e400", "--wh", "0.5", "--wx", "0.01"],
    "missing-sequence": ["bptt", "--wh", "0.5", "--wx", "0.01"],
    "empty-entry": ["bptt", "--sequence", "1,,2", "--wh", "0.5", "--wx", "0.01"],
    "wh-overflow": ["bptt", "--sequence", "1,2", "--wh", "1e400", "--wx", "0.01"],
    "sweep-bad-wh": ["sweep", "--wh", "0.1,x"],
    "lag-beyond-T": ["lstm", "--lags", "9"],
    "no-command": [],
    "unknown-option": ["bptt", *ANCHOR, "--bogus"],
}


@pytest.mark.parametrize("argv", BAD.values(), ids=BAD.keys())
def test_bad_arguments_print_one_line_and_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lstmgrad")
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "command",
    [[str(Path(sys.executable).parent / "lstmgrad")], [sys.executable, "-m", "lstmgrad"]],
    ids=["console-script", "python-m"],
)
def test_entry_points(command):
    ok = subprocess.run([*command, "bptt", *ANCHOR], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert ok.returncode == 0 and ok.stdout.strip() == cli.run(["bptt", *ANCHOR])
    bad = subprocess.run(
        [*command, "bptt", "--sequence", "1,1e400", "--wh", "0.5", "--wx", "0.01"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_underflow_is_reported_as_one_warning_line(capsys):
    # 400 steps of |local| <= 0.1: the true chain is below float64's range, so the CLI says so
    argv = ["bptt", "--sequence", ",".join(["0"] * 400), "--wh", "0.1", "--wx", "0.01"]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [captured.err.strip()]
    assert captured.err.startswith("lstmgrad: warning:") and "underflowed" in captured.err


def test_transcript_shows_the_command_and_the_error():
    text = cli.transcript(["bptt", "--sequence", "1,1e400", "--wh", "0.5", "--wx", "0.01"])
    assert text.splitlines()[0] == "$ lstmgrad bptt --sequence 1,1e400 --wh 0.5 --wx 0.01"
    assert "overflows" in text and text.endswith("(exit status 2)")


# A list or a number may start with a minus, with or without '=' (argparse alone takes
# "-1.5,2,3" for an option and says --sequence expected one argument).
NEGATIVE = {
    "space": ["bptt", "--sequence", "-1.5,2,3", "--json"],
    "equals": ["bptt", "--sequence=-1.5,2,3", "--json"],
    "abbreviated": ["bptt", "--seq", "-1.5,2,3", "--json"],
    "weights": ["bptt", "--sequence", "-1.5,2,3", "--wh", "-0.5", "--wx", "-.01", "--b", "-1e-3", "--json"],
}


@pytest.mark.parametrize("argv", NEGATIVE.values(), ids=NEGATIVE.keys())
def test_negative_values_are_values(argv):
    steps = json.loads(cli.run(argv))["steps"]
    assert [s["x"] for s in steps] == [-1.5, 2.0, 3.0]


def test_negative_weights_reach_the_model():
    argv = ["bptt", "--sequence", "-1.5,2,3", "--wh", "-0.5", "--wx", "-.01", "--b", "-1e-3", "--json"]
    steps = json.loads(cli.run(argv))["steps"]
    assert steps == rnn.bptt_steps([-1.5, 2, 3], W_h=-0.5, W_x=-0.01, b=-1e-3)


def test_the_issue_example_prints_three_steps(capsys):
    # issue 15: `lstmgrad bptt --sequence -1.5,2,3 --json` prints three steps (W_h, W_x: the anchor's)
    assert cli.main(["bptt", "--sequence", "-1.5,2,3", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["t"] for s in steps] == [1, 2, 3]
    assert steps == rnn.bptt_steps([-1.5, 2, 3], W_h=0.5, W_x=0.01)


NEGATIVE_BAD = {
    "minus-inf": ["bptt", "--sequence", "-inf,1"],
    "minus-nan": ["bptt", "--sequence", "1,2", "--wh", "-nan"],
    "minus-overflow": ["sweep", "--wh", "-1e400"],
    "minus-text": ["bptt", "--sequence", "-1,x"],
    "flag-with-value": ["bptt", "--sequence", "1,2", "--json", "-1"],
}


@pytest.mark.parametrize("argv", NEGATIVE_BAD.values(), ids=NEGATIVE_BAD.keys())
def test_bad_negative_values_print_one_line_and_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1
    assert captured.err.startswith("lstmgrad") and "Traceback" not in captured.err


def test_version_prints_the_version_and_code_digest(capsys):
    import lstmgrad

    assert cli.main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out == f"lstmgrad {lstmgrad.__version__} (code {lstmgrad.code_digest()})\n"
    assert re.fullmatch(r"[0-9a-f]{12}", lstmgrad.code_digest())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_appears_on_work_longer_than_the_delay_and_is_cleared():
    stream = _Terminal()
    with cli.progress("lstmgrad lstm", delay=0.2, stream=stream):
        time.sleep(0.6)
    shown = stream.getvalue()
    assert "lstmgrad lstm: 00:00 elapsed" in shown
    assert shown.endswith("\r"), "the line should be cleared when the work ends"


def test_progress_stays_silent_on_short_work_and_off_a_terminal():
    quick = _Terminal()
    with cli.progress("lstmgrad bptt", delay=1.0, stream=quick):
        pass
    pipe = io.StringIO()
    with cli.progress("lstmgrad bptt", delay=0.0, stream=pipe):
        time.sleep(0.3)
    assert quick.getvalue() == "" and pipe.getvalue() == ""


def test_main_shows_progress_on_a_terminal(monkeypatch, capsys):
    # main wraps the work in progress(); a slow run on a terminal shows the bar on stderr
    slow = cli.run

    def run(argv):
        time.sleep(1.4)
        return slow(argv)

    monkeypatch.setattr(cli, "run", run)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["bptt", *ANCHOR]) == 0
    assert "lstmgrad bptt: 00:01 elapsed" in terminal.getvalue()
    assert capsys.readouterr().out.strip() == cli.run(["bptt", *ANCHOR])


def test_a_closed_pipe_is_not_a_traceback():
    # `lstmgrad ... | head -c 10`: the reader stops reading; the command ends quietly
    sequence = ",".join(["0.5"] * 4000)
    proc = subprocess.run(
        f"{Path(sys.executable).parent / 'lstmgrad'} bptt --sequence {sequence} | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout == "| t | x_t "
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
