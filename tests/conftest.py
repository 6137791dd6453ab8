from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]

# Tests run every experiment fresh: the session gets an empty lstmgrad cache of its
# own, shared by the strict build and the snippet subprocesses so each runs once.
os.environ["LSTMGRAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="lstmgrad-test-cache-")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["NO_MKDOCS_2_WARNING"] = "1"


def mkdocs_build(config: Path, site_dir: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` with the result and its log returned, never raised."""
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=1200,
    )


# ------------------------------------------------------------ work done once, in the background
#
# The expensive checks (the strict build, the reader's venv and its snippet runs, the notebooks in a
# kernel, the second build, mypy) are each done once per session. Each starts in a thread of its own
# as soon as what it needs exists: at the start of the session, or the moment the strict build has
# succeeded. Meanwhile the tests that need neither run in the main thread. The fixture named like the
# job waits for its result (``job_result``) and re-raises its error, so a failure is reported by the
# tests that use it. A job starts only if a selected test uses its fixture.

_JOBS: dict[str, tuple[bool, bool, Callable[..., Any]]] = {}  # fixture -> (needs the site, low, function)
#: The nice value of a ``low`` job's thread, which the processes it starts inherit (Linux): they take
#: the CPU that the main thread and the jobs most tests wait for (the reader's runs, the browser
#: visits) leave.
LOW = 10


def background(
    fixture: str, *, site: bool = False, low: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the work behind the session fixture ``fixture``: ``fn()``, or ``fn(site, url)`` with
    ``site=True`` (the built site and the URL it is served at); ``low=True`` runs it at lower priority."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _JOBS[fixture] = (site, low, fn)
        return fn

    return register


class _Session:
    """The session's build, its server, and the futures of the background jobs."""

    def __init__(self) -> None:
        self.futures: dict[str, Future[Any]] = {}
        self.served = threading.Event()
        self.url = ""
        self.stack = ExitStack()
        self.build: tuple[subprocess.Popen[str], Path, Path] | None = None
        self.began = time.monotonic()
        self.spans: dict[str, tuple[float, float]] = {}  # job -> (start, end), seconds into the session

    def start(self, name: str, *args: Any) -> None:
        """Run job ``name`` in a thread of its own; its result or error goes to its future."""
        _, low, fn = _JOBS[name]
        future: Future[Any] = Future()

        def run() -> None:
            if low and hasattr(os, "setpriority"):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOW)
            begun = time.monotonic()
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # a failed assert or a pytest.skip: re-raised by job_result
                future.set_exception(exc)
            finally:
                self.spans[name] = (begun - self.began, time.monotonic() - self.began)

        self.futures[name] = future
        threading.Thread(target=run, name=f"job {name}", daemon=True).start()


_STATE = _Session()  # one test session per process


def _built(session: _Session) -> tuple[Path, str]:
    """Wait for the strict build, check it, serve it; (site, url). Raises if it failed."""
    assert session.build is not None
    proc, site, log = session.build
    proc.wait(timeout=1200)
    stderr = log.read_text()
    assert proc.returncode == 0, f"strict build failed:\n{stderr[-6000:]}"
    # MkDocs' own log lines; the notebook kernel's "[IPKernelApp] WARNING | ...TCP" note is not one.
    assert not re.search(r"^WARNING\b", stderr, re.M), f"strict build printed warnings:\n{stderr}"
    return site, session.url


def _after_build(session: _Session, wanted: list[str]) -> None:
    """The watcher thread: when the build has succeeded, serve it and start the site jobs."""
    from sitecheck import serve

    proc, site, _ = session.build  # type: ignore[misc]
    proc.wait(timeout=1200)
    session.spans["strict build"] = (0.0, time.monotonic() - session.began)
    try:
        if proc.returncode == 0:
            session.url = session.stack.enter_context(serve(site))
            for name in wanted:
                session.start(name, site, session.url)
    finally:
        session.served.set()  # only once the url is set and the jobs are started


@pytest.hookimpl(trylast=True)  # after -k/-m have deselected what will not run
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Start the strict build and the background jobs, and run the tests that need the site last.

    The build is one process on one core; the tests that need no site (gradient checks, the
    retrained sample, the CLI) run meanwhile on the other.
    """
    state = _STATE
    state.began = time.monotonic()
    items.sort(key=lambda item: "built_site" in getattr(item, "fixturenames", ()))  # stable
    if config.option.collectonly:  # nothing will run: start nothing
        return
    used = {name for item in items for name in getattr(item, "fixturenames", ())}
    for name, (needs_site, _, _) in _JOBS.items():
        if name in used and not needs_site:
            state.start(name)
    if "built_site" not in used:
        return
    work = Path(tempfile.mkdtemp(prefix="lstmgrad-site-"))
    log = work / "build.log"
    with open(log, "w") as stderr:
        proc = subprocess.Popen(
            [*MKDOCS, "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(work / "site")],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
        )
    state.build = (proc, work / "site", log)
    wanted = [name for name, (needs_site, _, _) in _JOBS.items() if needs_site and name in used]
    threading.Thread(target=_after_build, args=(state, wanted), daemon=True).start()


def job_result(name: str) -> Any:
    """The result of the background job behind fixture ``name`` (started now if it was not)."""
    state = _STATE
    needs_site, _, fn = _JOBS[name]
    if needs_site:
        site, _ = _built(state)
        state.served.wait(timeout=1200)  # the watcher serves the site, then starts the jobs it knows
    if name not in state.futures:
        if not needs_site:
            return fn()
        state.start(name, site, state.url)
    return state.futures[name].result()


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The whole site, built once per test session with ``--strict`` and an empty cache (started
    in the background when the session began)."""
    return _built(_STATE)[0]


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> str:
    """The built site served over http on 127.0.0.1 (search and instant navigation need http)."""
    _STATE.served.wait(timeout=1200)
    return _STATE.url


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the whole session, driven by Playwright."""
    from sitecheck import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@background("site_visits", site=True)
def visit_every_page(site: Path, url: str) -> dict:
    """One cold visit of every page of the built site that collects all the browser tests judge
    (sitecheck.site_visit), two pages at a time, with a screenshot in tests/artifacts/ (the first
    screen; LSTMGRAD_FULL_PAGE_SHOTS=1 captures whole pages). Its own Chromium, in the job's thread."""
    from playwright.sync_api import sync_playwright
    from sitecheck import CHROMIUM_ARGS, chromium_path, site_pages, visit_site

    shots = ROOT / "tests" / "artifacts"
    shots.mkdir(exist_ok=True)
    executable = chromium_path()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            return visit_site(chromium, url, site_pages(site), shots, site)
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def site_visits(built_site: Path) -> dict:
    return job_result("site_visits")


def pytest_terminal_summary(terminalreporter) -> None:
    """When each background job ran, in seconds from the start of the tests (`pytest -v` shows it)."""
    if _STATE.spans and terminalreporter.config.getoption("verbose") > 0:
        terminalreporter.section("background jobs")
        for name, (start, end) in sorted(_STATE.spans.items(), key=lambda kv: kv[1]):
            terminalreporter.write_line(f"{name:16} {start:6.1f} s to {end:6.1f} s ({end - start:5.1f} s)")
        end = time.monotonic() - _STATE.began
        terminalreporter.write_line(f"{'main thread':16} {0:6.1f} s to {end:6.1f} s")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop a background build that no test waited for (a run cut short by -x or ^C), and the server."""
    state = _STATE
    if state.build is not None and state.build[0].poll() is None:
        state.build[0].kill()
        state.build[0].wait()
    state.stack.close()
