# Two commands for a newcomer: `make chat` (talk to the bot, no token, no network) and `make test`.
# Installs come from requirements.lock (every package pinned with its hashes): a fresh clone gets
# exactly what CI tested. `make lock` refreshes the lock after a change to pyproject.toml.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
LOCK := requirements.lock

.PHONY: setup chat web test test-fast catalogs bench bench-check lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --only-binary :all: -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

setup: $(VENV)/.installed

chat: setup
	$(BIN)/python -m bot chat

# The public web site on the local SQLite database: http://127.0.0.1:8080
web: setup
	$(BIN)/python -m bot web

# Tests keep their compiled modules (__pycache__, ignored by git) even where PYTHONDONTWRITEBYTECODE is set, as it
# is on the CI machines: compiling the project and rewriting the tests' asserts again takes each process about 4 s.
TEST_ENV := PYTHONDONTWRITEBYTECODE=

test: setup
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The in-process tests only (no bot processes, browser, fake HTTP Bot API or benchmarks; see README), on two
# pytest-xdist workers, each with a database of its own (tests/conftest.py). A file's tests stay on one worker
# (--dist loadfile), so a module's bot and fixtures are built once. `make test` (CI) stays in one process.
TEST_FAST_WORKERS ?= 2
test-fast: setup
	$(TEST_ENV) $(BIN)/python -m pytest -m "not slow" -n $(TEST_FAST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Pin every direct and transitive dependency (all platforms, Python 3.11) with hashes.
# To upgrade one package: make lock LOCK_ARGS="--upgrade-package aiogram"; all of them: LOCK_ARGS=--upgrade.
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev --universal --python-version 3.11 \
		--generate-hashes --quiet $(LOCK_ARGS) -o $(LOCK)

bench: setup
	$(BIN)/python benchmarks/run.py

# The benchmark script still runs and reports every figure (tiny sizes, no timing checked); not in `make test`.
bench-check: setup
	$(BIN)/python -m pytest benchmarks/test_quick.py $(PYTEST_ARGS)

# Refresh the catalogs after changing user-facing text (see README, "Languages").
catalogs: setup
	$(BIN)/pybabel extract -F babel.cfg -k __ -k lazy_gettext --no-location --sort-output \
		--project=insop-bot --copyright-holder="FAO INSOP" -o bot/i18n/messages.pot .
	$(BIN)/pybabel update -i bot/i18n/messages.pot -d bot/i18n/locales -D messages --ignore-obsolete --no-fuzzy-matching --width 76
	$(BIN)/pybabel compile -d bot/i18n/locales -D messages --statistics
