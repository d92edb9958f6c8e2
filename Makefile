# Two commands for a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PORTAL_ENV ?= development

.PHONY: run test lint unit e2e bench clean translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	PORTAL_DEV_IDP=true $(BIN)/portal db upgrade
	PORTAL_DEV_IDP=true $(BIN)/portal demo --if-empty
	PORTAL_DEV_IDP=true $(BIN)/portal serve --host 127.0.0.1 --port 5000

# Installs what the tests need (Debian packages too), starts a throwaway PostgreSQL,
# runs lint, the suite on SQLite, the suite on PostgreSQL, and the browser tests.
test:
	bash .ci/system-packages
	$(MAKE) $(STAMP)
	$(MAKE) lint
	bash .ci/with-postgres $(MAKE) unit e2e

lint: $(STAMP)
	$(BIN)/ruff check portal tests e2e bench
	$(BIN)/mypy
	$(BIN)/bandit -q -r portal -c pyproject.toml

unit: $(STAMP)
	PORTAL_TEST_DATABASE_URL= $(BIN)/pytest -q -p no:cacheprovider tests
	@if [ -n "$$PORTAL_TEST_POSTGRES_URL" ]; then \
	  PORTAL_TEST_DATABASE_URL=$$PORTAL_TEST_POSTGRES_URL $(BIN)/pytest -q -p no:cacheprovider tests; fi

e2e: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider e2e

bench: $(STAMP)
	bash .ci/with-postgres $(BIN)/python -m bench

# After changing strings: extract, merge into the Swedish catalog, translate the new entries, compile (commit both).
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --omit-header \
	  -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -l sv \
	  --ignore-obsolete --width 120
	$(BIN)/pybabel compile -d portal/translations
	rm portal/translations/messages.pot

clean:
	rm -rf $(VENV) instance
