"""Refuse to build pages from trained results that no longer match the code.

The trained tables and plots are drawn from ``lstmgrad/results/*.json``, which
``make experiments`` writes (see ``lstmgrad.store``). Before any page is built, this hook
checks every results file against the code on disk and fails the build with one line per
missing, unreadable (truncated, not JSON, not a mapping, binary), stale or hand-edited file,
each naming the file and the command that regenerates it (``lstmgrad.store.problem``). (A
snippet that loads a stale result would fail on its own too, but only this check names
every stale result at once.)
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from lstmgrad.store import all_experiments, problem


def on_pre_build(config):  # type: ignore[no-untyped-def]
    problems = [p for exp in all_experiments().values() if (p := problem(exp)) is not None]
    if problems:
        raise PluginError("trained results do not match the code:\n  " + "\n  ".join(problems))
