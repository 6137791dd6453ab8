"""lstmgrad: the numbers behind "why RNN gradients vanish and how LSTM fixes it".

Every table on the lstmgrad site is returned by a function in this package and
printed by a snippet in ``snippets/``.
"""

import hashlib
from pathlib import Path

__all__ = ["__version__", "code_digest"]

# The one place the version is written: pyproject.toml reads it (dynamic version), the CLI's
# --version prints it, and the site's footer and install line are built from it.
__version__ = "0.1.0"


def code_digest() -> str:
    """12 hex digits of the SHA-256 of the package's own files, as a wheel ships them.

    Every ``.py`` module and every ``results/*.json`` file under the package, by path
    relative to it, in sorted order. The site's footer prints the digest of the code that
    built it, and ``lstmgrad --version`` prints the digest of the installed code, so a
    reader can see that the two are the same.
    """
    root = Path(__file__).resolve().parent
    files = sorted([*root.rglob("*.py"), *root.glob("results/*.json")])
    sha = hashlib.sha256()
    for path in files:
        if "__pycache__" in path.parts:
            continue
        sha.update(path.relative_to(root).as_posix().encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()[:12]
