# The README's two set-up commands: `make demo` (the main job) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_DB := out/demo.db

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Until the simulator lands, the demo extracts the shipped example posts, stores them in a
# fresh demo store, and searches it the way an analyst would.
demo: $(STAMP)
	@mkdir -p out && rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@echo "== jingwang extract src/jingwang/examples/posts.jsonl --table"
	@$(BIN)/jingwang extract src/jingwang/examples/posts.jsonl --table
	@echo "== jingwang --db $(DEMO_DB) init / ingest text / search"
	@$(BIN)/jingwang --db $(DEMO_DB) init
	@$(BIN)/jingwang --db $(DEMO_DB) ingest text src/jingwang/examples/posts.jsonl --source demo-posts
	@$(BIN)/jingwang --db $(DEMO_DB) search "159 3728 1046"
	@$(BIN)/jingwang --db $(DEMO_DB) stats

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/extract.py

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
