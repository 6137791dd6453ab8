"""MkDocs hook: the site ships the wheel of the very code that built its pages, and one line installs it.

- ``on_config`` starts building ``lstmgrad-<version>-py3-none-any.whl``, in a background thread
  while the pages render, with the standard frontend, ``python -m build --no-isolation`` (an
  sdist first, then the wheel from the unpacked sdist, so nothing stale in ``build/`` can slip
  into it), and puts the version, the code digest (`lstmgrad.code_digest`, which
  ``lstmgrad --version`` prints too) and the install line in ``config.extra.lstmgrad`` for the
  footer (``overrides/partials/copyright.html``), with the addresses of the licence files and
  CITATION.cff it links. One build of the project's wheel runs at a time (a lock).
- ``on_page_markdown`` fills ``{{ lstmgrad.install }}``, ``{{ lstmgrad.version }}`` and
  ``{{ lstmgrad.digest }}`` in a page's Markdown, and fails the build on any other ``{{ lstmgrad.``.
- ``on_post_build`` waits for the wheel (a failed wheel build fails the site build) and copies
  it to the root of the built site, where the install line's URL (``site_url`` + the wheel's
  name) points.

The wheel is kept under ``$LSTMGRAD_CACHE_DIR/wheels/<key>/``, the key a SHA-256 of every file that
goes into it and of the build tools' versions, so a rebuild with no change reuses it (the build
takes a few seconds). ``LSTMGRAD_NO_CACHE=1`` builds it afresh each time. ``SOURCE_DATE_EPOCH`` is
fixed, so the same code gives the same wheel, byte for byte.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from mkdocs.exceptions import PluginError

from lstmgrad import code_digest
from lstmgrad.cache import cache_dir, cache_enabled

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "lstmgrad"
# Everything outside the package that the sdist and the wheel are made from.
BUILD_INPUTS = (
    "pyproject.toml",
    "README.md",
    "MANIFEST.in",
    "LICENSE",
    "LICENSE-CONTENT",
    "CITATION.cff",
)
_PLACEHOLDER = re.compile(r"\{\{\s*lstmgrad\.(\w+)\s*\}\}")
_VERSION = re.compile(r'^__version__ = "([^"]+)"$', re.M)

_state: dict[str, object] = {}


def _version() -> str:
    # Read from the file, not the imported module: `mkdocs serve` keeps the module it imported first.
    found = _VERSION.search((PACKAGE / "__init__.py").read_text())
    if found is None:
        raise PluginError('wheel hook: no `__version__ = "..."` line in lstmgrad/__init__.py')
    return found[1]


def _build_key() -> str:
    sha = hashlib.sha256()
    for name in ("setuptools", "build"):
        sha.update(f"{name}=={importlib.metadata.version(name)}\0".encode())
    inputs = [ROOT / name for name in BUILD_INPUTS if (ROOT / name).exists()]
    inputs += sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in inputs:
        sha.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:32]


def _build_wheel(outdir: Path) -> Path:
    """``python -m build --no-isolation`` into ``outdir``; the wheel's path."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="315532800")  # 1980-01-01, the earliest a zip can say
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(ROOT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise PluginError(
            f"wheel hook: `python -m build --no-isolation` failed (run `make install`?):\n{tail}"
        )
    wheels = sorted(outdir.glob("lstmgrad-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise PluginError(f"wheel hook: expected one lstmgrad wheel in {outdir}, found {wheels}")
    return wheels[0]


def _wheel(version: str) -> Path:
    name = f"lstmgrad-{version}-py3-none-any.whl"
    if not cache_enabled():
        with _project_lock():
            return _build_wheel(Path(tempfile.mkdtemp(prefix="lstmgrad-wheel-")))
    home = cache_dir() / "wheels" / _build_key()
    if (home / name).is_file():
        return home / name
    with _project_lock():
        if (home / name).is_file():  # another build made it while this one waited
            return home / name
        home.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="lstmgrad-wheel-", dir=home.parent))
        built = _build_wheel(scratch)
        if built.name != name:
            raise PluginError(f"wheel hook: built {built.name}, expected {name}")
        try:
            os.replace(scratch, home)  # atomic: a reader of the cache sees the whole directory or none
        except OSError:  # another build put it there first
            shutil.rmtree(scratch, ignore_errors=True)
    return home / name


@contextlib.contextmanager
def _project_lock() -> Iterator[None]:
    """One wheel build of this project at a time: `python -m build` writes ``lstmgrad.egg-info/``
    and ``build/`` in the project itself, so two builds at once (the tests' site and a test's own
    one-page project) would trip over each other's files."""
    key = hashlib.sha256(str(ROOT).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"lstmgrad-wheel-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_in_background(version: str) -> None:
    """Build (or find) the wheel while the pages render; on_post_build waits for it."""

    def work() -> None:
        try:
            _state["path"] = _wheel(version)
        except BaseException as exc:  # re-raised on MkDocs' thread, in on_post_build
            _state["error"] = exc

    thread = threading.Thread(target=work, name="lstmgrad-wheel", daemon=True)
    thread.start()
    _state["thread"] = thread


def on_config(config):  # type: ignore[no-untyped-def]
    version = _version()
    _state.clear()
    _build_in_background(version)
    wheel = f"lstmgrad-{version}-py3-none-any.whl"  # what the build makes (`_wheel` checks it)
    url = config.site_url.rstrip("/") + "/" + wheel
    repo = (config.repo_url or "").rstrip("/")
    info = {
        "version": version,
        "digest": code_digest(),  # reads the files now, so `mkdocs serve` sees edits
        "wheel": wheel,
        "url": url,
        "install": f"pip install {url}",
        # the footer's licences and "cite this page" line (overrides/partials/copyright.html)
        "licence_url": f"{repo}/blob/main/LICENSE",
        "content_licence_url": f"{repo}/blob/main/LICENSE-CONTENT",
        "citation_url": f"{repo}/blob/main/CITATION.cff",
    }
    _state.update(info)
    config.extra["lstmgrad"] = info
    return config


def on_page_markdown(markdown, page, config, files):  # type: ignore[no-untyped-def]
    info = config.extra["lstmgrad"]

    def fill(match: re.Match[str]) -> str:
        if match[1] not in info:
            raise PluginError(f"{page.file.src_uri}: unknown placeholder {match[0]} (known: {sorted(info)})")
        return str(info[match[1]])

    return _PLACEHOLDER.sub(fill, markdown)


def on_post_build(config):  # type: ignore[no-untyped-def]
    _state["thread"].join()  # type: ignore[attr-defined]
    if "error" in _state:
        error = _state["error"]
        raise error if isinstance(error, PluginError) else PluginError(f"wheel hook: {error!r}")
    shutil.copyfile(str(_state["path"]), Path(config.site_dir) / str(_state["wheel"]))
