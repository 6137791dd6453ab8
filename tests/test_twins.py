"""The PyTorch twins of the core snippets print what their numpy snippets print, digit for digit;
the probe chapter's PyTorch snippets print their golden copies (``tests/goldens/torch/``, which the
page shows as their Result; ``python tests/test_twins.py`` rewrites them: review the diff).

``snippets/torch/<name>.py`` computes the table of ``snippets/<name>.py`` with plain PyTorch autograd
(``requires_grad``, ``backward()``); the page shows it in a second tab beside the numpy snippet. The
twins need torch, so the build never runs them: this test does, against the numpy snippet's golden
copy (``tests/test_copy_paste.py`` runs them again as a reader copies them).
Without torch it skips locally, and fails under CI=true.
"""

from __future__ import annotations

import os

import pytest

try:
    import torch  # noqa: F401
except ImportError:  # pragma: no cover - depends on the install
    if os.environ.get("CI"):
        pytest.fail(
            "torch is missing under CI: pip install -c constraints.txt -e '.[crosscheck]'", pytrace=False
        )
    pytest.skip("torch not installed: pip install -c constraints.txt -e '.[torch]'", allow_module_level=True)

if os.environ.get("CI") or os.environ.get("LSTMGRAD_TORCH_COPY_PASTE"):
    pytestmark = pytest.mark.usefixtures("built_site")  # torch_outputs then waits for the site: run last

from test_copy_paste import install_line, reader_runs, reader_venv, torch_reader, torch_runs  # noqa: F401

from conftest import ROOT
from snippets import golden_path, run_snippet

#: The core snippets with a PyTorch twin, and the page whose fence shows both.
TWINS = {"bptt_table": "bptt.md", "sensitivity_sweep": "sensitivity.md", "lstm_path_table": "lstm.md"}


def twin_paths() -> list[str]:
    return sorted(p.stem for p in (ROOT / "snippets" / "torch").glob("*.py") if p.stem in TWINS)


def test_every_twin_is_listed():
    assert twin_paths() == sorted(TWINS)


@pytest.fixture(scope="module")
def torch_outputs(request) -> dict[str, str]:
    """Every PyTorch snippet's stdout. Under CI, the runs of tests/test_copy_paste.py (each snippet as
    its page shows it, in the reader's venv with the [torch] extra), so each runs once; elsewhere,
    fresh runs with the torch of the test venv, in parallel (each pays for importing torch)."""
    if os.environ.get("CI") or os.environ.get("LSTMGRAD_TORCH_COPY_PASTE"):
        runs = request.getfixturevalue("torch_runs")
        outs = {}
        for (page, title), (block, run) in runs.items():
            path = ROOT / title
            assert block.source.strip() == path.read_text().strip(), f"{page} shows other code than {title}"
            assert run.returncode == 0, f"{title} (as {page} shows it) failed:\n{run.stderr[-4000:]}"
            outs[path.stem] = run.stdout
        return outs
    from concurrent.futures import ThreadPoolExecutor

    names = sorted(p.stem for p in (ROOT / "snippets" / "torch").glob("*.py"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        outs = pool.map(lambda n: run_snippet(ROOT / "snippets" / "torch" / f"{n}.py"), names)
    return dict(zip(names, outs, strict=True))


@pytest.mark.parametrize("name", sorted(TWINS))
def test_twin_prints_the_numpy_snippets_table(name, torch_outputs):
    # the numpy snippet's golden copy, which tests/test_goldens.py keeps equal to a fresh run of it
    golden = golden_path(ROOT / "snippets" / f"{name}.py").read_text()
    assert torch_outputs[name] == golden, (
        f"snippets/torch/{name}.py prints something else than snippets/{name}.py"
    )


@pytest.mark.parametrize("name", sorted(TWINS))
def test_twin_is_plain_autograd_and_shown_beside_its_snippet(name):
    source = (ROOT / "snippets" / "torch" / f"{name}.py").read_text()
    assert "import torch" in source and "lstmgrad" not in source, "a twin is plain PyTorch"
    assert "backward(" in source and "requires_grad" in source
    page = (ROOT / "docs" / TWINS[name]).read_text()
    assert f'--8<-- "snippets/torch/{name}.py"' in page, f"docs/{TWINS[name]} does not show the twin"


def chapter_snippets() -> list[str]:
    """The PyTorch snippets that are not twins: their page shows a golden copy as the Result."""
    return sorted(p.stem for p in (ROOT / "snippets" / "torch").glob("*.py") if p.stem not in TWINS)


@pytest.mark.parametrize("name", chapter_snippets())
def test_torch_snippet_prints_its_golden_copy(name, torch_outputs):
    golden = ROOT / "tests" / "goldens" / "torch" / f"{name}.txt"
    assert golden.is_file(), f"no golden copy for snippets/torch/{name}.py: run python tests/test_twins.py"
    assert torch_outputs[name] == golden.read_text(), f"snippets/torch/{name}.py: python tests/test_twins.py"


if __name__ == "__main__":
    for name in chapter_snippets():
        out = ROOT / "tests" / "goldens" / "torch" / f"{name}.txt"
        out.write_text(run_snippet(ROOT / "snippets" / "torch" / f"{name}.py"))
        print(f"wrote {out.relative_to(ROOT)}")
