# Plan Atlas: `make app` starts the app on the committed atlas, `make test` runs the tests.
# `make test-fast` is the quick loop while developing (no browser, no slow marks; tests spread
# over the cores with pytest-xdist).
# All of them create the virtualenv in .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: app test test-fast lint build bench clean assets

$(STAMP): pyproject.toml requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

# Leaflet for the maps, from the npm registry (served locally: no CDN at run time)
ASSETS := static/vendor/.installed
$(ASSETS): atlas/assets.py | $(STAMP)
	$(PY) -m atlas.assets
	touch $(ASSETS)

assets: $(ASSETS)

app: $(STAMP) $(ASSETS)
	$(VENV)/bin/streamlit run streamlit_app.py

test: $(STAMP) $(ASSETS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q -n auto --maxprocesses 4 --dist loadfile -m "not browser and not slow"

build: $(STAMP)
	$(VENV)/bin/atlas build ../shared/plans --out layers --force

bench: $(STAMP)
	$(PY) -m bench
	$(PY) -m bench.stages

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
