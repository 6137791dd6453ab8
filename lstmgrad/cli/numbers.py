"""How the CLI reads numbers: one number, a comma-separated list, or a list from a file or stdin.

A list argument is ``1,2,3``, ``@prices.txt`` (a text file) or ``-`` (standard input); a file
holds one number per line or comma-separated numbers, or both. Every problem is one line that
names the argument, and the file and line where there is one.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

ANCHOR = ",".join(f"{x:g}" for x in ANCHOR_SEQUENCE)
#: The most a list file (or stdin) may hold: 10^6 numbers of up to 64 characters each.
MAX_FILE_BYTES = 64 * 10**6

# A value that argparse would take for an option because of its leading minus: -1.5,2,3  -.5  -inf
_NEGATIVE_VALUE = re.compile(r"-(\d|\.\d|inf|nan)", re.IGNORECASE)


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """``--opt -1.5,2`` -> ``--opt=-1.5,2``, so a list or number may start with a minus.

    argparse reads any token that starts with ``-`` and is not a plain negative number
    (``-1.5,2,3`` is not) as an option, and then says the option expected an argument.
    """
    out: list[str] = []
    for token in argv:
        if out and out[-1].startswith("--") and "=" not in out[-1] and _NEGATIVE_VALUE.match(token):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


def number(token: str) -> float:
    """One finite float from ``token``, or a one-line error saying what is wrong."""
    token = token.strip()
    if not token:
        raise argparse.ArgumentTypeError("has an empty entry (two commas in a row?)")
    try:
        value = float(token)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be numbers, got {token!r}") from None
    if math.isnan(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {token!r}")
    if math.isinf(value):
        if token.lstrip("+-").lower() in ("inf", "infinity"):
            raise argparse.ArgumentTypeError(f"must be finite, got {token!r}")
        raise argparse.ArgumentTypeError(f"{token!r} overflows a 64-bit float (max ~1.8e308)")
    return value


def number_type(what: str) -> Any:
    def parse(text: str) -> float:
        return number(text)

    parse.__name__ = what  # argparse names the type in its messages
    return parse


def _read_text(text: str) -> tuple[str, str]:
    """The text behind ``@path`` or ``-`` (stdin), and how to name it in an error."""
    where = "stdin" if text == "-" else text
    try:
        if text == "-":
            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if hasattr(sys.stdin, "buffer") else None
            data = raw if raw is not None else sys.stdin.read(MAX_FILE_BYTES + 1).encode()
        else:
            with Path(text[1:]).open("rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise argparse.ArgumentTypeError(f"{where}: cannot read it: {err.strerror or err}") from None
    if len(data) > MAX_FILE_BYTES:
        raise argparse.ArgumentTypeError(
            f"{where} is over {MAX_FILE_BYTES // 10**6} MB; a list holds at most 10^6 numbers"
        )
    try:
        return data.decode("utf-8-sig"), where
    except UnicodeDecodeError:
        raise argparse.ArgumentTypeError(f"{where} is not a text file of numbers (not UTF-8)") from None


def _file_numbers(text: str) -> list[float]:
    """The numbers in the file (or stdin) ``text`` names: one per line, or comma-separated."""
    content, where = _read_text(text)
    values: list[float] = []
    for line_no, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue  # blank lines (a trailing newline) hold nothing
        for token in line.split(","):
            try:
                values.append(number(token))
            except argparse.ArgumentTypeError as err:
                raise argparse.ArgumentTypeError(f"{where}, line {line_no}: {err}") from None
    if not values:
        raise argparse.ArgumentTypeError(f"{where} holds no numbers: give one per line or comma-separated")
    return values


def list_type(what: str) -> Any:
    def parse(text: str) -> list[float]:
        if text == "-" or text.startswith("@"):
            return _file_numbers(text)
        if not text.strip():
            raise argparse.ArgumentTypeError(
                f"is empty: give comma-separated numbers, e.g. {ANCHOR}, or @file, or - for stdin"
            )
        return [number(token) for token in text.split(",")]

    parse.__name__ = what
    return parse


def int_list_type(what: str) -> Any:
    def parse(text: str) -> list[int]:
        values = list_type(what)(text)
        if any(v != int(v) for v in values):
            raise argparse.ArgumentTypeError(f"must be whole numbers, got {text!r}")
        return [int(v) for v in values]

    parse.__name__ = what
    return parse
