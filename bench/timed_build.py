"""``mkdocs build`` with the time spent on each page recorded (used by bench/bench.py).

    python bench/timed_build.py SITE_DIR OUT.json

Wraps mkdocs's per-page step (read, plugins, Markdown rendering, so every snippet the
page executes and every notebook it runs) with a timer, builds in this process, and
writes the page times, the total and the lstmgrad cache's hit/miss counts to OUT.json.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config

page_seconds: dict[str, float] = {}
_populate_page = mkdocs_build._populate_page


def _timed_populate_page(page, config, files, dirty=False):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        return _populate_page(page, config, files, dirty)
    finally:
        page_seconds[page.file.src_uri] = time.perf_counter() - start


class _NotebookCacheLog(logging.Handler):
    """Which notebooks mkdocs-jupyter read from its cache and which it executed."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.hits: list[str] = []
        self.runs: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        name = Path(str(record.args[0] if record.args else "")).name
        if message.startswith("Cache hit"):
            self.hits.append(name)
        elif message.startswith("Cache miss"):
            self.runs.append(name)


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def main() -> None:
    site_dir, out = sys.argv[1], Path(sys.argv[2])
    logging.basicConfig(format="%(levelname)-7s -  %(message)s", level=logging.WARNING)
    warnings = _WarningCounter()
    logging.getLogger("mkdocs").addHandler(warnings)
    notebooks = _NotebookCacheLog()
    jupyter_log = logging.getLogger("mkdocs.plugins.mkdocs_jupyter")
    jupyter_log.addHandler(notebooks)
    jupyter_log.setLevel(logging.INFO)
    jupyter_log.propagate = False  # its INFO lines are counted, not printed
    mkdocs_build._populate_page = _timed_populate_page
    start = time.perf_counter()
    # not strict: a page another author is halfway through should not stop the timing; the
    # warnings are counted and reported instead
    config = load_config(config_file="mkdocs.yml", site_dir=site_dir, strict=False)
    mkdocs_build.build(config)
    total = time.perf_counter() - start
    out.write_text(
        json.dumps(
            {
                "pages": page_seconds,
                "build_seconds": total,
                "notebooks": {"cached": notebooks.hits, "executed": notebooks.runs},
                "warnings": warnings.count,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
