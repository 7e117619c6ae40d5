#!/usr/bin/env bash
# The whole test suite, as the README and .ci/run call it (`npm test`):
# installs what the tests need from Debian when missing, checks formatting and lint (the module
# boundaries of ARCHITECTURE.md included), type-checks src and test, runs Vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-registry.sh
npx prettier --check . --log-level warn
npx eslint .
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
