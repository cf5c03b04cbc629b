#!/usr/bin/env bash
# Conformance suite: Microsoft's Azure SDK for JavaScript against azure-emulator.
# Usage: tests/conformance/run.sh <path/to/azure-emulator> [test-name-substring...]
# Installs the pinned SDKs (npm ci) when node_modules is missing or older than
# package-lock.json, then hands over to run.mjs, which owns the emulator process.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 ]]; then
  echo "usage: $0 <azure-emulator binary> [test filter...]" >&2
  exit 2
fi
emulator="$1"
shift
# The runner works from this directory; keep a relative binary path meaningful.
[[ "$emulator" = /* ]] || emulator="$PWD/$emulator"

if ! command -v node >/dev/null 2>&1; then
  echo "conformance: node is not installed" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if (( major < 20 )); then
  echo "conformance: Node.js >= 20 is required, found $(node --version)" >&2
  exit 1
fi

cd "$here"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "conformance: installing the pinned Azure SDKs (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

exec node "$here/run.mjs" "$emulator" "$@"
