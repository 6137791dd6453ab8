"""The ``lstmgrad`` command line: the site's numbers for a reader's own sequence and weights.

    lstmgrad bptt --sequence 100,102,105,103,108 [--wh 0.5] [--wx 0.01] [--b 0] [--h0 0] [--json]
    lstmgrad sweep --wh 0.1,0.3,0.5,0.7,0.9,1.2,1.5,2.0 [--sequence ...] [--wx 0.01] [--json]
    lstmgrad lstm [--sequence ...] [--bf 2] [--lags 1,5] [--json]
    lstmgrad --version

Lists may start with a minus: ``--sequence -1.5,2,3`` and ``--sequence=-1.5,2,3`` are the same.
A list may also come from a file, ``--sequence @prices.txt``, or from standard input,
``--sequence -``: one number per line, or comma-separated (`lstmgrad.cli.numbers`).

``python -m lstmgrad`` is the same program. Every table comes from the function that makes
the site's table (`lstmgrad.present.tables`). A bad argument prints one line and exits with
status 2. `run` returns the output as text (the docs page prints it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from lstmgrad import __version__, code_digest
from lstmgrad.cli.numbers import ANCHOR, int_list_type, join_negative_values, list_type, number_type
from lstmgrad.cli.progress import progress
from lstmgrad.models.rnn import bptt_steps, sweep_rows
from lstmgrad.present.tables import bptt_steps_table, lstm_path_table, sweep_table
from lstmgrad.studies.article import SWEEP_W_HS, lstm_path_rows
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

__all__ = ["CLIError", "main", "progress", "run", "transcript", "version_text"]


class CLIError(Exception):
    """A bad command line; its message is the one line the CLI prints."""


class _Help(Exception):
    """Raised instead of printing help, so `run` can return the text."""


class _Version(Exception):
    """Raised by ``--version`` instead of printing and exiting, so `run` can return the text."""


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings, dest, nargs=0, help="print the version and the code digest, then exit"
        )

    def __call__(
        self, parser: Any, namespace: Any, values: Any, option_string: str | None = None
    ) -> NoReturn:
        raise _Version(version_text())


def version_text() -> str:
    """``lstmgrad <version> (code <digest>)``: the site's footer shows the same two for its pages."""
    return f"lstmgrad {__version__} (code {code_digest()})"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{self.prog}: error: {message}")

    def print_help(self, file: Any = None) -> NoReturn:
        raise _Help(self.format_help())


def _formatter(prog: str) -> argparse.HelpFormatter:
    # a fixed width, so --help reads the same in any terminal and on the docs page
    return argparse.HelpFormatter(prog, width=88)


def _parser() -> _Parser:
    parser = _Parser(
        prog="lstmgrad",
        formatter_class=_formatter,
        description="Why RNN gradients vanish: the BPTT numbers for your own sequence and weights.",
        epilog=(
            "Numbers are comma-separated and may be negative, e.g. --sequence -1.5,2,3. A list may "
            "also be read from a file, --sequence @prices.txt, or from stdin, --sequence - "
            "(one number per line, or comma-separated)."
        ),
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{bptt,sweep,lstm}")

    bptt = commands.add_parser(
        "bptt",
        formatter_class=_formatter,
        help="per-step forward pass and BPTT product of the scalar tanh RNN",
        description=(
            "Run h_t = tanh(z_t), z_t = W_h h_{t-1} + W_x x_t + b over the sequence and print, per step: "
            "t, x, z, h, local = W_h * tanh'(z_t) = dh_t/dh_{t-1}, and cumulative at t = the product of "
            "local from T down to t (local_T * ... * local_t) = dh_T/dh_{t-1}; the row t = 1 is the whole "
            "chain dh_T/dh_0. The table is printed from t = T back to 1, the order BPTT visits the steps."
        ),
    )
    bptt.add_argument(
        "--sequence",
        required=True,
        type=list_type("--sequence"),
        help=f"inputs x_1..x_T, e.g. {ANCHOR}, @file or - (stdin)",
    )
    bptt.add_argument(
        "--wh",
        default=0.5,
        type=number_type("--wh"),
        help="recurrent weight W_h (default 0.5, the anchor's)",
    )
    bptt.add_argument(
        "--wx", default=0.01, type=number_type("--wx"), help="input weight W_x (default 0.01, the anchor's)"
    )
    bptt.add_argument("--b", default=0.0, type=number_type("--b"), help="bias b (default 0)")
    bptt.add_argument("--h0", default=0.0, type=number_type("--h0"), help="initial state h_0 (default 0)")
    bptt.add_argument(
        "--json",
        action="store_true",
        help='print {"steps": [{"t": 1, "x": ..., "z": ..., "h": ..., "local": ..., "cumulative": ...}, '
        "...]} with full float precision",
    )

    sweep = commands.add_parser(
        "sweep",
        formatter_class=_formatter,
        help="sensitivity to W_h: the whole chain dh_T/dh_0 and h_T for each W_h",
        description=(
            "For each W_h: the cumulative gradient at t = 1 (the product of all T local factors, "
            "dh_T/dh_0) and the last state h_T, as on the site's 'Sensitivity to W_h' page."
        ),
    )
    sweep.add_argument(
        "--wh",
        required=True,
        type=list_type("--wh"),
        help=f"recurrent weights, e.g. {','.join(map(str, SWEEP_W_HS))}",
    )
    sweep.add_argument(
        "--sequence", default=list(ANCHOR_SEQUENCE), type=list_type("--sequence"), help=f"default {ANCHOR}"
    )
    sweep.add_argument("--wx", default=0.01, type=number_type("--wx"), help="input weight W_x (default 0.01)")
    sweep.add_argument(
        "--json", action="store_true", help='print {"rows": [{"W_h": ..., "cumulative": ..., "h_T": ...}]}'
    )

    lstm = commands.add_parser(
        "lstm",
        formatter_class=_formatter,
        help="per step: the RNN's chain beside a one-unit LSTM's cell-state path",
        description=(
            "Per step t: the RNN's local factor and chain dh_T/dh_{t-1}, beside a one-unit LSTM (every gate "
            "with input weight --lstm-wx and recurrent weight --lstm-wh, biases --bi --bf --bg --bo): its "
            "forget gate f_t, the cell path dC_T/dC_{t-1} = f_t * ... * f_T, and dC_T/dC_{t-1} with the "
            "paths through h and the gates included. Same table as the site's 'What LSTM solves' page."
        ),
    )
    lstm.add_argument(
        "--sequence", default=list(ANCHOR_SEQUENCE), type=list_type("--sequence"), help=f"default {ANCHOR}"
    )
    lstm.add_argument("--wh", default=0.5, type=number_type("--wh"), help="the RNN's W_h (default 0.5)")
    lstm.add_argument("--wx", default=0.01, type=number_type("--wx"), help="the RNN's W_x (default 0.01)")
    lstm.add_argument(
        "--lstm-wx", default=0.01, type=number_type("--lstm-wx"), help="LSTM input weight, every gate"
    )
    lstm.add_argument(
        "--lstm-wh", default=0.5, type=number_type("--lstm-wh"), help="LSTM recurrent weight, every gate"
    )
    lstm.add_argument("--bi", default=0.0, type=number_type("--bi"), help="input-gate bias (default 0)")
    lstm.add_argument("--bf", default=2.0, type=number_type("--bf"), help="forget-gate bias (default 2)")
    lstm.add_argument("--bg", default=0.0, type=number_type("--bg"), help="candidate bias (default 0)")
    lstm.add_argument("--bo", default=0.0, type=number_type("--bo"), help="output-gate bias (default 0)")
    lstm.add_argument(
        "--lags", type=int_list_type("--lags"), help="only these lags k (row t = T-k+1), e.g. 1,5"
    )
    lstm.add_argument(
        "--json", action="store_true", help='print {"steps": [{"t": 1, "f": ..., "cell_path": ...}]}'
    )
    return parser


def run(argv: Sequence[str]) -> str:
    """The CLI's output for ``argv`` (without the program name), as text.

    Raises `CLIError` with a one-line message for a bad command line; ``--help``
    returns the help text.
    """
    if isinstance(argv, (str, bytes)):
        raise TypeError(
            f"argv must be a list of arguments, e.g. {argv.split()!r} (shlex.split makes one), "
            f"got the string {argv!r}"
        )
    argv = list(argv)
    if any(not isinstance(a, str) for a in argv):
        bad = next(a for a in argv if not isinstance(a, str))
        raise TypeError(f"argv must hold strings only, got {bad!r}")
    if len(argv) > 1 and argv[0].startswith("--ver") and "--version".startswith(argv[0]):
        raise CLIError(f"lstmgrad: error: --version takes no other arguments, got {' '.join(argv[1:])!r}")
    try:
        args = _parser().parse_args(join_negative_values(argv))
    except _Help as help_text:
        return str(help_text).rstrip("\n")
    except _Version as version:
        return str(version)
    try:
        if args.command == "bptt":
            if args.json:
                steps = bptt_steps(args.sequence, W_h=args.wh, W_x=args.wx, b=args.b, h_0=args.h0)
                return json.dumps({"steps": steps})
            return bptt_steps_table(args.sequence, W_h=args.wh, W_x=args.wx, b=args.b, h_0=args.h0)
        if args.command == "sweep":
            if args.json:
                return json.dumps({"rows": sweep_rows(args.sequence, args.wh, W_x=args.wx)})
            return sweep_table(args.sequence, args.wh, W_x=args.wx)
        gates = {
            "W_h": args.wh,
            "W_x": args.wx,
            "lstm_w_x": args.lstm_wx,
            "lstm_w_h": args.lstm_wh,
            "b_i": args.bi,
            "b_f": args.bf,
            "b_g": args.bg,
            "b_o": args.bo,
        }
        if args.json:
            return json.dumps({"steps": lstm_path_rows(args.sequence, **gates)})
        return lstm_path_table(args.sequence, **gates, lags=args.lags)
    except ValueError as err:  # lstmgrad's own checks, e.g. a lag beyond T
        raise CLIError(f"lstmgrad {args.command}: error: {err}") from None


def transcript(argv: Sequence[str]) -> str:
    """What a terminal shows for ``lstmgrad <argv>``: the command, its output or its one-line
    error, and the exit status when it is not 0."""
    shown = " ".join(a if a and " " not in a else repr(a) for a in argv)
    try:
        return f"$ lstmgrad {shown}\n{run(argv)}"
    except CLIError as err:
        return f"$ lstmgrad {shown}\n{err}\n(exit status 2)"


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: print `run`'s output; on a bad argument print one line, return 2."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        argv = sys.argv[1:] if argv is None else argv
        try:
            with progress(f"lstmgrad {argv[0] if argv else ''}".strip()):
                out = run(argv)
        except CLIError as err:
            print(str(err).splitlines()[0] if str(err) else "lstmgrad: error", file=sys.stderr)
            return 2
    try:
        print(out, flush=True)
    except BrokenPipeError:  # `lstmgrad ... | head`: the reader has what they wanted; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python flushes stdout at exit
        return 1
    for w in caught:  # e.g. an underflowed product: one line each, after the numbers it qualifies
        print(f"lstmgrad: warning: {w.message}", file=sys.stderr)
    return 0
