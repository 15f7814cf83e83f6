# Two commands do all the set-up: `make run` and `make test`.
# Both create or reuse .venv and install only when pyproject.toml changed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test lint typecheck pytest browser install install-dev migration clean

run: $(VENV)/.installed
	$(BIN)/weiai init
	$(BIN)/weiai serve

test: $(VENV)/.installed-dev browser lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# The web page is tested in headless Chromium from Debian's packages. Where
# apt-get is not usable (not root, not Debian) the browser tests are skipped.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    apt-get update -qq && apt-get install -y -qq chromium chromium-driver \
	    >/dev/null; } || echo "chromium not installed: browser tests will be skipped"

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -q -p no:cacheprovider

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is installed first and pinned: any other spec pulls a CUDA build.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[local]"
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e ".[local,dev]"
	touch $@

# Regenerate the initial Alembic revision from the models (development only,
# while no deployment exists).
migration: $(VENV)/.installed-dev
	$(BIN)/python -m tools.db.regen_initial

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache
