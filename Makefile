# Two entry points for a fresh machine: `make run` (the dashboard) and `make test`.
# Each creates .venv/ and installs the pinned requirements first when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench chromium

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# extra streamlit options: make run ARGS="--server.address 0.0.0.0" (see README, Serving a classroom)
run: $(STAMP)
	$(BIN)/python -m pages.lab.serve $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# the browser test drives Debian's chromium (playwright cannot download browsers here)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser test"; \
	    $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "no chromium and no apt-get: the browser test will be skipped"; fi; }

test: lint chromium
	$(BIN)/python -m pytest

bench: $(STAMP) chromium
	$(BIN)/python bench/bench_train.py
	$(BIN)/python bench/bench_cost.py
	$(BIN)/python bench/bench_stop.py
	$(BIN)/python bench/bench_seeds.py
	$(BIN)/python bench/bench_evaluation.py
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_interrupt.py
	$(BIN)/python bench/bench_ui.py
	$(BIN)/python bench/bench_memory.py
	$(BIN)/python bench/bench_class.py 30
	$(BIN)/python bench/bench_board.py 30
