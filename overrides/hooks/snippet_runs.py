"""Every snippet of the site run once per build, in a pool of ``os.cpu_count()`` worker processes.

Not a hook itself: ``build_cache.py`` starts the runs at ``on_config`` (before anything slow), its
markdown-exec runner takes a block's output from here, and ``notebook_download.py`` takes each
chapter's notebook cells from the same runs, so no snippet runs twice and no kernel starts.

- A worker is ``python overrides/hooks/snippet_runs.py --worker``: it reads one job per line on
  stdin (the block's code and title) and answers one line on a private pipe. It runs the block
  with markdown-exec's own runner (``_run_python``: the output the page shows), with ``print``
  also writing to the real ``sys.stdout`` and ``sys.stderr``, which are captured as the ordered
  stream writes a Jupyter kernel would send (the notebook cell's outputs: stdout, merged as the
  kernel merges them; stderr, such as progress bars, dropped).
- Jobs go out in page order, to the first free worker, so the first pages' blocks are ready first.
- A block that raises gives no result: the page then runs it in-process, and markdown-exec fails
  the strict build naming the file, as without the pool.
- Results are keyed by `lstmgrad.cache.source_digest` of the block's code, the key of the snippet
  cache, so a result is for exactly the code and the ``lstmgrad`` sources it ran with.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

WORKER = Path(__file__).resolve()
# an executed fence that embeds a snippet (tests/test_site.py's EXEC_FENCE)
FENCE = re.compile(
    r'^(?P<indent>[ \t]*)```python exec="on"(?P<opts>[^\n]*)\n(?P=indent)--8<-- "(?P<path>snippets/[^"]+)"\n',
    re.MULTILINE,
)
_runs: dict[str, Future[dict[str, Any] | None]] = {}  # digest -> the run's result (None: it raised)
_digests: dict[str, str] = {}  # code -> source_digest(code), for this build
stats = {"runs": 0, "workers": 0}


def digest(code: str) -> str:
    """``source_digest(code)``, computed once per build (it reads every module the code reaches)."""
    found = _digests.get(code)
    if found is None:
        from lstmgrad.cache import source_digest

        found = _digests[code] = source_digest(code.encode())
    return found


def entry(code: str) -> Path:
    """The snippet cache's entry for a block's output; ``.streams.json`` beside it: its stream writes."""
    from lstmgrad.cache import cache_dir

    return cache_dir() / "snippets" / f"{digest(code)}.txt"


def started(code: str) -> bool:
    return digest(code) in _runs


def new_build() -> None:
    """Forget the previous build's digests (sources may have changed) and finished runs."""
    _digests.clear()
    for key in [k for k, f in _runs.items() if f.done()]:
        del _runs[key]


def start(jobs: list[tuple[str, str]], workers: int | None = None) -> None:
    """Run each ``(title, code)`` in ``jobs`` in a pool of worker processes, in the background."""
    todo: queue.SimpleQueue[tuple[str, str, Future[dict[str, Any] | None]] | None] = queue.SimpleQueue()
    count = 0
    for title, code in jobs:
        key = digest(code)
        if key in _runs:
            continue
        future: Future[dict[str, Any] | None] = Future()
        _runs[key] = future
        todo.put((title, code, future))
        count += 1
    if not count:
        return
    n = max(1, min(workers or os.cpu_count() or 1, count))
    for _ in range(n):
        todo.put(None)  # one stop per worker
    stats["runs"] += count
    stats["workers"] += n
    for i in range(n):
        threading.Thread(target=_drive, args=(todo,), name=f"snippet-runs-{i}", daemon=True).start()


def result(code: str) -> dict[str, Any] | None:
    """The pool's run of ``code`` (waiting for it): {output, streams, seconds}; None if it raised
    or the pool was not asked to run it."""
    future = _runs.get(digest(code))
    return None if future is None else future.result()


def _drive(todo: queue.SimpleQueue) -> None:  # type: ignore[type-arg]
    """Feed jobs to one worker process until the stop sign; a worker that dies fails its job only."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), "--worker", str(write_fd)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        pass_fds=(write_fd,),
        text=True,
        cwd=os.getcwd(),
    )
    os.close(write_fd)
    answers = os.fdopen(read_fd, encoding="utf-8")
    assert proc.stdin is not None
    try:
        while (job := todo.get()) is not None:
            title, code, future = job
            try:
                proc.stdin.write(json.dumps({"title": title, "code": code}) + "\n")
                proc.stdin.flush()
                line = answers.readline()
                future.set_result(json.loads(line) if line else None)
            except BaseException as exc:  # noqa: BLE001 - a broken worker: this block runs in-process
                future.set_result(None)
                if not isinstance(exc, (OSError, ValueError)):
                    raise
    finally:
        answers.close()
        try:
            proc.stdin.close()
        except OSError:
            pass
        proc.wait()


# ---------------------------------------------------------------------------- the worker


class _Stream:
    """A text stream that records each write, in order, as ``[name, text]``."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, name: str, writes: list[list[str]]) -> None:
        self.name, self._writes = name, writes

    def write(self, text: str) -> int:
        if text:
            self._writes.append([self.name, text])
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


def _worker(answer_fd: int) -> None:
    from markdown_exec._internal.formatters import python as mx

    buffer_print = mx._buffer_print

    def tee_print(buffer, *texts, end="\n", **kwargs):  # type: ignore[no-untyped-def]
        buffer_print(buffer, *texts, end=end, **kwargs)  # what the page shows
        print(*texts, end=end, **kwargs)  # what a kernel's stdout (or stderr, for file=) gets

    mx._buffer_print = tee_print
    sys.path[0] = os.getcwd()  # as under `python -m mkdocs`: the project, not overrides/hooks/
    answers = os.fdopen(answer_fd, "w", encoding="utf-8")
    for line in sys.stdin:
        job = json.loads(line)
        writes: list[list[str]] = []
        stdout, stderr = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream("stdout", writes), _Stream("stderr", writes)
        start = time.perf_counter()
        try:
            output = mx._run_python(job["code"], title=job["title"])
        except Exception:  # noqa: BLE001 - the page reruns it in-process and reports it
            answer = None
        else:
            answer = {"output": output, "streams": writes, "seconds": time.perf_counter() - start}
        finally:
            sys.stdout, sys.stderr = stdout, stderr
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    _worker(int(sys.argv[2]))
