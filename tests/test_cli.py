"""The ``lstmgrad`` command line: the article's table for the anchor, the same tables as the site,
exact JSON, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lstmgrad import cli, rnn, tables

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
    assert out == tables.sweep_table(tables.ANCHOR_SEQUENCE, [float(w) for w in W_hs.split(",")], W_x=0.01)
    assert out == (GOLDENS / "sensitivity_sweep.txt").read_text().strip()


def test_cli_lstm_is_the_sites_lstm_table():
    # snippets/lstm_path_table.py: anchor, every gate 0.01 on x_t and 0.5 on h_(t-1), b_f = 2
    out = cli.run(["lstm", "--lstm-wx", "0.01", "--lstm-wh", "0.5", "--bf", "2"])
    assert out == tables.lstm_path_table(tables.ANCHOR_SEQUENCE, lstm_w_x=0.01, lstm_w_h=0.5, b_f=2.0)
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
    assert steps[0]["cell_path"] == pytest.approx(tables.lstm_path_rows()[0]["cell_path"], rel=0)


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
