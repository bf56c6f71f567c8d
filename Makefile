# Everyday tasks. Every target builds its own virtualenv first, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test external-clients serve sandbox lint format typecheck snapshots bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)            ## a scripted agent session on the embedded sandbox, printed
	$(BIN)/calendly-mcp demo

test: $(STAMP) external-clients  ## lint, type-check and run every test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pyright
	$(BIN)/pytest

external-clients:         ## the MCP Inspector CLI and the conformance suite (npm, pinned) for tests/external
	sh tests/external/setup.sh

serve: $(STAMP)           ## the MCP server on stdio (real Calendly: set MATON_API_KEY or CALENDLY_API_TOKEN)
	$(BIN)/calendly-mcp serve

sandbox: $(STAMP)         ## the simulated Calendly + Maton alone, on port 8765
	$(BIN)/calendly-mcp sandbox

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pyright

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

snapshots: $(STAMP)       ## rewrite the tool manifest (tools/manifest.json) and docs/tools.md after a deliberate change
	$(BIN)/python -m calendly_mcp.tools._manifest docs/tools.md

bench: $(STAMP)           ## cold start, tokens per tool and per-call overhead, printed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
