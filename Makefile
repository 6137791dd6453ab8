# The reader's path is two commands: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export NO_MKDOCS_2_WARNING := 1
export MPLBACKEND := Agg

.PHONY: install docs serve test goldens clean

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

goldens: install  ## rewrite tests/goldens/ from fresh snippet runs; review with `git diff tests/goldens`
	$(PY) tests/snippets.py

clean:
	rm -rf site .cache .pytest_cache
