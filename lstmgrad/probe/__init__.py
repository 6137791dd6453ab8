"""lstmgrad.probe: per-step gradients of your own PyTorch recurrent model, in the site's tables.

An optional extra: ``pip install 'lstmgrad[torch]'``. ``probe(model, x, loss_fn)`` returns a
`Probe`; ``probe_table(p)`` and ``probe_plot(p)`` print it as the site does. See ``docs/probe.md``.
Nothing else in lstmgrad imports this package.

torch is imported on first use of `probe` (PEP 562), so ``lstmgrad.probe.study``, which loads the
committed results of the chapter's trained runs, imports without torch: the site builds without it.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Probe", "ProbeError", "State", "probe", "probe_plot", "probe_table"]


def __getattr__(name: str) -> Any:
    # Imported by name, not by an import statement: a trained result's digest follows import
    # statements (lstmgrad.cache.import_closure), and the runs' digest must not take in the tables.
    if name in ("probe_table", "probe_plot"):
        return getattr(importlib.import_module("lstmgrad.probe.report"), name)
    if name in __all__:
        return getattr(importlib.import_module("lstmgrad.probe.core"), name)
    raise AttributeError(f"module 'lstmgrad.probe' has no attribute {name!r}")
