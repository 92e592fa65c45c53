VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install index bot lint typecheck eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: this machine serves the CPU wheel from disk; a bare "torch" pulls CUDA.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	# the int8 ONNX export of the bundled model, once, into the shared cache (~/.cache/citebot)
	$(VENV)/bin/citebot prepare
	touch $(STAMP)

install: $(STAMP)

## Index seeds/ (incremental), then start the Discord bot if DISCORD_TOKEN is set, else a terminal session.
run: $(STAMP)
	$(VENV)/bin/citebot run

index: $(STAMP)
	$(VENV)/bin/citebot index

bot: $(STAMP)
	$(VENV)/bin/citebot bot

test: $(STAMP)
	$(VENV)/bin/ruff check retrieval bot citebot tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider

eval: $(STAMP)
	$(VENV)/bin/citebot eval beir ../shared/eval/scifact --split test
	$(VENV)/bin/citebot eval squad ../shared/eval/xquad/test.json

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf .citebot data .pytest_cache .mypy_cache .ruff_cache
