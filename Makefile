# Styrning: `make demo` and `make test` work on a fresh clone with Python >= 3.12 and make.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint format check serve worker clean bench

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) uv.lock pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check "uv>=0.9"
	$(UV) sync --frozen --inexact --python $(PY)
	touch $(STAMP)

setup: $(STAMP)

demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: setup
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py demo
	@echo "Styrning körs på http://127.0.0.1:$(PORT)/ (avsluta med Ctrl+C)"
	@echo "Bakgrundsjobben (pdf:er för publicerade versioner, påminnelser) körs vid sidan av."
	DEBUG=$${DEBUG:-1} $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: setup
	SECRET_KEY=$${SECRET_KEY:-test-secret-key-not-for-production} $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The benchmark of issue 9 (README: Prestandamätning): BENCH_SCALE (default 1), BENCH_SEED
# (default 1), BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/styrning_bench_<scale>).
bench: setup
	$(PY) -m bench.run

worker: setup
	$(PY) manage.py db_worker

clean:
	rm -rf $(VENV) var/
