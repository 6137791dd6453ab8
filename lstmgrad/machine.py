"""The machine a trained result ran on (BLAS kernel, CPU), and how the training workers keep memory.

Recorded in every results file's provenance by `lstmgrad.store`, because OpenBLAS picks its
kernel from the CPU and the last bit of a matrix product, which training amplifies, follows it.
"""

from __future__ import annotations

import platform
from pathlib import Path


def blas() -> str:
    """The BLAS library numpy calls, its version and the kernel it picked for this CPU."""
    try:
        from threadpoolctl import threadpool_info

        for lib in threadpool_info():
            if lib.get("user_api") == "blas":
                return f"{lib['internal_api']} {lib['version']} ({lib.get('architecture')} kernel)"
    except ImportError:
        pass
    return "BLAS unknown (install threadpoolctl)"


def cpu() -> str:
    """The CPU's model name."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory, not return it to the OS (False if not glibc): every
    update frees and reallocates the same few-MB trace arrays, which glibc would unmap, so numpy
    faults fresh pages in each time (millions per LSTM cell). ``GLIBC_TUNABLES``' mmap and trim
    thresholds, set from inside the worker; bit-identical (``tests/test_training_speed.py``)."""
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    most = ctypes.c_int(2**31 - 1)
    return bool(mallopt(-1, most)) and bool(mallopt(-3, most))  # M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
