# Newsroom: the commands a newcomer needs. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
# Dummy secrets for checking the production settings; never used to serve.
DEPLOY_CHECK_ENV := DJANGO_SETTINGS_MODULE=newsroom.settings.production SECRET_KEY=deploy-check-only-$(shell printf '%064d' 0)

.DEFAULT_GOAL := help
.PHONY: help run setup serve test lint format check pytest seed bench lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

run: setup serve ## Set everything up on the embedded defaults, then serve the site, worker and beat

setup: $(STAMP) ## Install, migrate, create the site root, a superuser and the demo newsroom; serve nothing
	@# The cache table first: data migrations and signal handlers may already use the cache.
	$(MANAGE) createcachetable
	$(MANAGE) migrate --noinput
	$(MANAGE) bootstrap_site
	$(MANAGE) setup_newsroom
	$(MANAGE) seed_demo --if-empty

serve: $(STAMP) ## Serve http://127.0.0.1:8000/ with a Celery worker and beat (Ctrl-C stops all)
	$(MANAGE) rundev 127.0.0.1:8000

lint: $(STAMP) ## ruff, ruff format --check, djhtml --check, the import layers (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	find templates -name '*.html' -print0 | xargs -0 $(BIN)/djhtml --check
	$(BIN)/lint-imports

format: $(STAMP) ## Apply ruff fixes, ruff format and djhtml
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	find templates -name '*.html' -print0 | xargs -0 $(BIN)/djhtml

check: $(STAMP) ## Django system checks, missing migrations, check --deploy on production settings
	DJANGO_SETTINGS_MODULE=newsroom.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=newsroom.settings.test $(MANAGE) makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(MANAGE) check --deploy --fail-level WARNING

pytest: $(STAMP) ## The test suite only
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint check pytest ## Everything CI runs: lint, checks, then the tests

seed: $(STAMP) ## Load (or top up) the demo newsroom: make seed ARTICLES=300
	$(MANAGE) seed_demo --articles $(or $(ARTICLES),300)

bench: $(STAMP) ## Benchmarks on PostgreSQL + Redis (50,000 articles): pages, beacon, trending, search, scheduling
	cd bench && ../$(BIN)/python run.py

lock: ## Re-resolve requirements.in into requirements.lock
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/python -m pip install --quiet --upgrade pip
	$(VENV).lock/bin/python -m pip install --quiet -r requirements.in
	{ echo "# Exact pins resolved from requirements.in by \`make lock\` on Python 3.11."; \
	  echo "# make setup, the Dockerfile and CI install this file."; \
	  $(VENV).lock/bin/python -m pip freeze; } > requirements.lock
	rm -rf $(VENV).lock

clean: ## Remove the virtualenv and everything under var/ (database, media, broker)
	rm -rf $(VENV) var
