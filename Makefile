# Plan Atlas: `make app` starts the app on the committed atlas, `make test` runs the tests.
# Both create the virtualenv in .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: app test lint build bench clean

$(STAMP): pyproject.toml requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

app: $(STAMP)
	$(VENV)/bin/streamlit run streamlit_app.py

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

build: $(STAMP)
	$(VENV)/bin/atlas build ../shared/plans --out layers

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
