"""The CLI's progress line: shown on a terminal once a command has run for a second."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def progress(desc: str, delay: float = 1.0, stream: Any = None) -> Iterator[None]:
    """A tqdm line on ``stream`` (stderr) with the time spent so far, once the work has taken
    ``delay`` seconds; cleared when it ends. Nothing at all when the stream is not a terminal
    (a pipe, a file, a page build), or when the work ends sooner."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield
        return
    from tqdm import tqdm

    bar = tqdm(desc=desc, bar_format="{desc}: {elapsed} elapsed", delay=delay, file=stream, leave=False)
    done, shown = threading.Event(), threading.Event()

    def tick() -> None:
        while not done.wait(0.1):
            if bar.format_dict["elapsed"] >= delay:
                bar.refresh()
                shown.set()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        if shown.is_set():
            bar.clear()  # tqdm's close() leaves a line it drew from this thread
        bar.close()
