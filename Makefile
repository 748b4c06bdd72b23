# One command per job. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check lint fmt bench bench-full clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/omnicontacts quickstart

lint: $(STAMP)
	$(VENV)/bin/ruff check omnicontacts tests bench
	$(VENV)/bin/ruff format --check omnicontacts tests bench
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format omnicontacts tests bench
	$(VENV)/bin/ruff check --fix omnicontacts tests bench

# The benchmark generator's compiled part (bench/_documents.pyx, Cython), built in place; the
# bench smoke test runs the generator.
BENCH_EXT := bench/_documents$(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')

$(BENCH_EXT): bench/_documents.pyx $(STAMP)
	$(VENV)/bin/cythonize -i -3 -q bench/_documents.pyx

test: lint $(BENCH_EXT)
	$(VENV)/bin/pytest -n 2 -p no:cacheprovider

check: test

BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP) $(BENCH_EXT)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) -m bench.run --quick

bench-full: $(BENCH_STAMP)
	$(PY) -m bench.run --full

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache build bench/_documents.c bench/_documents.*.so
