# Thin wrappers; the README says what each does.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Where `make run` listens: make run ADDR=0.0.0.0:8000 to serve the office network.
ADDR   ?= 127.0.0.1:8000

.PHONY: run test bench lint install attack

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

# The demo district is loaded only outside production mode (load_demo refuses there:
# its passwords are published); an empty production district starts with
# `manage.py create_first_admin` (README).
run: install
	$(PY) manage.py migrate --noinput
	$(if $(filter production,$(DJANGO_ENV)),,$(PY) manage.py load_demo)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py run_embedded $(ADDR)

test: install
	bash scripts/test.sh

# The load benchmark's generator is Debian's wrk (C, light on the 2 cores it shares with
# the server it measures), installed with apt when missing.
bench: install
	bash scripts/ensure_wrk.sh
	bash scripts/bench.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# sqlmap against every form and query parameter of a running instance (scripts/attack_sqlmap.py):
# 20 minutes and more on 2 cores, so it runs on demand and before a release, not in `make test`.
attack: install
	bash scripts/ensure_sqlmap.sh
	ZS_ATTACK=1 $(PY) -m pytest -q -p no:xdist -m attack zhaoshang/tests/test_attack.py
