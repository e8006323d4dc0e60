#!/usr/bin/env bash
# Every test: typecheck, manifest, OpenAPI document and browser guards in sync, node tests (unit, sandbox, proxy over HTTP, both ledgers), browser tests of
# the widgets in Chromium, end-to-end tests of the demo, and the size report.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Chromium is missing: installing Debian's chromium (about a minute)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing. Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
fi

step() { printf '\n=== %s\n' "$1"; }

step "PostgreSQL for the ledger tests"
bash scripts/postgres-setup.sh

step "typecheck"
npx tsc --noEmit -p .
step "custom-elements.json"
npx tsx scripts/cem-check.ts
step "openapi.json"
npx tsx scripts/openapi-check.ts
step "browser guards (generated from the contract)"
npx tsx scripts/guards.ts --check
step "node tests"
npm run -s test:node
step "browser tests"
npm run -s test:browser
step "end-to-end tests"
npm run -s test:e2e
step "bundle size"
# Budgets (issue 13): each element's first load at most 12 KB gzip, all three at most 15 KB.
npx tsx scripts/size.ts --enforce
