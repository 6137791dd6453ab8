# The reader's path is two commands: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export NO_MKDOCS_2_WARNING := 1
export MPLBACKEND := Agg

.PHONY: install docs serve test goldens experiments clean vendor-katex vendor-axe bench

# Recreate the install whenever the dependency pins change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[docs,test]'
	touch $(STAMP)

install: $(STAMP)

docs: install  ## build site/ with every snippet and notebook executed
	$(PY) -m mkdocs build --strict

serve: docs  ## build, then serve on 127.0.0.1:8000 (rebuilds on change)
	$(PY) -m mkdocs serve --strict --dev-addr 127.0.0.1:8000

test: install  ## the whole suite, including a strict build of the site
	$(PY) -m pytest

# Trained results are not computed by the build: this trains them (every core, a progress bar) and
# writes lstmgrad/results/<name>.json with their code digest and provenance. ONLY=main runs one
# experiment, STALE=1 only those whose code changed, JOBS=1 runs serially.
experiments: install  ## train every experiment -> lstmgrad/results/*.json (commit them)
	$(PY) -m lstmgrad.store $(ONLY) $(if $(STALE),--stale) $(if $(JOBS),--jobs $(JOBS))

goldens: install  ## rewrite tests/goldens/ from fresh snippet runs (ONLY="a b" for some); review with `git diff tests/goldens`
	$(PY) tests/snippets.py $(ONLY)

bench: install  ## benchmarks (crash-task training and layer steps vs torch, GEMM limit, sweeps, build and test times) -> bench/results.md
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[crosscheck]'
	$(PY) bench/bench.py

# KaTeX is committed under docs/vendor/katex/ so a reader needs no npm; this refreshes it.
# Only woff2 fonts are kept (every browser that runs KaTeX reads them), so the CSS drops the rest.
KATEX_VERSION := 0.19.1
KATEX_DIR := docs/vendor/katex
vendor-katex:  ## refresh the vendored KaTeX from npm (needs npm; the result is committed)
	rm -rf build/katex && mkdir -p build/katex
	cd build/katex && npm pack --silent katex@$(KATEX_VERSION) >/dev/null && tar xzf katex-$(KATEX_VERSION).tgz
	rm -rf $(KATEX_DIR) && mkdir -p $(KATEX_DIR)/contrib $(KATEX_DIR)/fonts
	cp build/katex/package/LICENSE build/katex/package/dist/katex.min.js $(KATEX_DIR)/
	cp build/katex/package/dist/contrib/auto-render.min.js $(KATEX_DIR)/contrib/
	cp build/katex/package/dist/fonts/*.woff2 $(KATEX_DIR)/fonts/
	sed -E 's/,url\(fonts\/[^)]*\.woff\) format\("woff"\),url\(fonts\/[^)]*\.ttf\) format\("truetype"\)//g' \
		build/katex/package/dist/katex.min.css > $(KATEX_DIR)/katex.min.css
	echo "katex@$(KATEX_VERSION) from npm; see 'make vendor-katex'" > $(KATEX_DIR)/VERSION

# axe-core (the accessibility audit tests/test_accessibility.py injects into every page) is committed
# under tests/vendor/axe-core/, so the tests need no npm and the site never loads it; this refreshes it.
AXE_VERSION := 4.14.1
AXE_DIR := tests/vendor/axe-core
vendor-axe:  ## refresh the vendored axe-core from npm (needs npm; the result is committed)
	rm -rf build/axe && mkdir -p build/axe
	cd build/axe && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz
	rm -rf $(AXE_DIR) && mkdir -p $(AXE_DIR)
	cp build/axe/package/LICENSE build/axe/package/axe.min.js $(AXE_DIR)/
	echo "axe-core@$(AXE_VERSION) from npm; see 'make vendor-axe'" > $(AXE_DIR)/VERSION

clean:
	rm -rf site .cache .pytest_cache
