from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

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


_BUILD = pytest.StashKey[tuple[subprocess.Popen[str], Path, Path]]()


@pytest.hookimpl(trylast=True)  # after -k/-m have deselected what will not run
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Start the strict build of the site in the background, and run the tests that need it last.

    The build is one process on one core; the tests that need no site (gradient checks, the
    snippets' golden copies, the retrained sample, the CLI) run meanwhile on the other.
    """
    items.sort(key=lambda item: "built_site" in getattr(item, "fixturenames", ()))  # stable
    if not any("built_site" in getattr(item, "fixturenames", ()) for item in items):
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
    config.stash[_BUILD] = (proc, work / "site", log)


@pytest.fixture(scope="session")
def built_site(pytestconfig: pytest.Config) -> Path:
    """The whole site, built once per test session with ``--strict`` and an empty cache (started
    in the background when the session began)."""
    proc, site, log = pytestconfig.stash[_BUILD]
    proc.wait(timeout=1200)
    stderr = log.read_text()
    assert proc.returncode == 0, f"strict build failed:\n{stderr[-6000:]}"
    # MkDocs' own log lines; the notebook kernel's "[IPKernelApp] WARNING | ...TCP" note is not one.
    assert not re.search(r"^WARNING\b", stderr, re.M), f"strict build printed warnings:\n{stderr}"
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """The built site served over http on 127.0.0.1 (search and instant navigation need http)."""
    from sitecheck import serve

    with serve(built_site) as url:
        yield url


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


@pytest.fixture(scope="session")
def site_visits(built_site: Path, site_url: str, browser):
    """One cold visit of every page of the built site that collects all the browser tests judge
    (sitecheck.site_visit), two pages at a time, with a screenshot in tests/artifacts/ (the first
    screen; LSTMGRAD_FULL_PAGE_SHOTS=1 captures whole pages)."""
    from sitecheck import site_pages, visit_site

    shots = ROOT / "tests" / "artifacts"
    shots.mkdir(exist_ok=True)
    return visit_site(browser, site_url, site_pages(built_site), shots, built_site)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop a background build that no test waited for (a run cut short by -x or ^C)."""
    started = session.config.stash.get(_BUILD, None)
    if started is not None and started[0].poll() is None:
        started[0].kill()
        started[0].wait()
