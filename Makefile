# Everyday tasks. Every target builds its own virtualenv first, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The package alone, without the dev tools: all `make demo` (and serve, sandbox) need.
RUNTIME := $(VENV)/.installed-runtime
# The suite runs on this many workers, each test file on one (most of its time is waiting on servers).
TEST_WORKERS ?= 2

.PHONY: demo test external-clients package dist serve sandbox lint format typecheck snapshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUNTIME)

# Up to date when either install is: the dev install holds the package too.
$(RUNTIME): pyproject.toml | $(BIN)/python
	@if [ -f $(STAMP) ] && [ $(STAMP) -nt pyproject.toml ]; then touch $(RUNTIME); \
	else $(BIN)/python -m pip install --quiet -e . && touch $(RUNTIME); fi

demo: $(RUNTIME)          ## a scripted agent session on the embedded sandbox, printed
	$(BIN)/calendly-mcp demo

test: $(STAMP) external-clients package  ## lint, type-check and run every test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/pyright
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

external-clients:         ## the MCP Inspector CLI and the conformance suite (npm, pinned) for tests/external
	sh tests/external/setup.sh

package: $(STAMP)         ## build the sdist and the wheel into a temporary folder, twine check --strict them
	@out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && \
	$(BIN)/python -m build --outdir "$$out" . >"$$out/build.log" 2>&1 || { cat "$$out/build.log"; exit 1; }; \
	$(BIN)/twine check --strict "$$out"/*.tar.gz "$$out"/*.whl

dist: $(STAMP) external-clients  ## the release files in dist/: sdist, wheel, .mcpb (docs/distribution.md)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*.tar.gz dist/*.whl
	rm -rf build/mcpb
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/distribution.py stage build/mcpb
	$$(cat tests/external/node_modules/.node-path) tests/external/node_modules/@anthropic-ai/mcpb/dist/cli/cli.js \
	    pack build/mcpb dist/calendly-mcp-server-$$($(BIN)/python -c 'import calendly_mcp; print(calendly_mcp.__version__)').mcpb
	cd dist && sha256sum * >SHA256SUMS && cat SHA256SUMS

serve: $(RUNTIME)         ## the MCP server on stdio (real Calendly: set MATON_API_KEY or CALENDLY_API_TOKEN)
	$(BIN)/calendly-mcp serve

sandbox: $(RUNTIME)       ## the simulated Calendly + Maton alone, on port 8765
	$(BIN)/calendly-mcp sandbox

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/pyright

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

snapshots: $(STAMP)       ## rewrite the tool manifest, docs/tools.md, server.json and mcpb/manifest.json after a deliberate change
	$(BIN)/python -m calendly_mcp.tools._manifest docs/tools.md
	$(BIN)/python scripts/distribution.py write

bench: $(STAMP)           ## cold start, tokens per tool and per-call overhead, printed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
