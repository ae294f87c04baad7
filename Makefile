# Two commands do all set-up on a fresh machine (python3, pip and gcc only):
#   make demo   - create .venv, install graphc, run the main example
#   make test   - create or update .venv, install with the test extras, run the tests
#   make bench  - install the peers too and run benchmarks/ (writes benchmarks/RESULTS.md)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

demo: $(VENV)/.installed
	$(PY) examples/seed_function.py

test: $(VENV)/.installed-test
	$(PY) -m pytest -q

# The peers (JAX, PyTorch 2.13 CPU, CasADi, SciPy) are installed into .venv; every
# workload runs each system in its own process and writes benchmarks/RESULTS.md.
bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
