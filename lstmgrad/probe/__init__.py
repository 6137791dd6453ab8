"""lstmgrad.probe: per-step gradients of your own PyTorch recurrent model, in the site's tables.

An optional extra: ``pip install 'lstmgrad[torch]'``. ``probe(model, x, loss_fn)`` returns a
`Probe`; ``probe_table(p)`` and ``probe_plot(p)`` print it as the site does. See ``docs/probe.md``.
Nothing else in lstmgrad imports this package.

torch is imported on first use of `probe` (PEP 562), so ``lstmgrad.probe.study``, which loads the
committed results of the chapter's trained runs, imports without torch: the site builds without it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Probe", "ProbeError", "State", "probe", "probe_plot", "probe_table"]


def __getattr__(name: str) -> Any:
    if name in ("probe_table", "probe_plot"):
        from lstmgrad.probe import report

        return getattr(report, name)
    if name in __all__:
        from lstmgrad.probe import core

        return getattr(core, name)
    raise AttributeError(f"module 'lstmgrad.probe' has no attribute {name!r}")
