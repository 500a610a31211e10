# Two commands for a newcomer: `make chat` (talk to the bot, no token, no network) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup chat test catalogs bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

chat: setup
	$(BIN)/python -m bot chat

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Refresh the catalogs after changing user-facing text (see README, "Languages").
catalogs: setup
	$(BIN)/pybabel extract -F babel.cfg -k __ -k lazy_gettext --no-location --sort-output \
		--project=insop-bot --copyright-holder="FAO INSOP" -o bot/i18n/messages.pot .
	$(BIN)/pybabel update -i bot/i18n/messages.pot -d bot/i18n/locales -D messages --ignore-obsolete --no-fuzzy-matching --width 76
	$(BIN)/pybabel compile -d bot/i18n/locales -D messages --statistics
