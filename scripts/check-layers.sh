#!/usr/bin/env bash
# Checks the layering invariants written in ARCHITECTURE.md. Each rule is a
# crate that must not reach another, directly or through its dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
# forbid CRATE DEP REASON: CRATE's normal dependency tree must not contain DEP.
forbid() {
  local crate=$1 dep=$2 why=$3
  if cargo tree --offline -q -p "$crate" -e normal --prefix none 2>/dev/null | awk '{print $1}' | grep -qx "$dep"; then
    echo "LAYERING: $crate depends on $dep ($why)" >&2
    fail=1
  fi
}

for dep in sqlx axum hyper tokio reqwest tower clap anyhow; do
  forbid tolbooth-domain "$dep" "the domain has no I/O, no HTTP, no SQL and no async runtime"
done
for dep in sqlx axum hyper reqwest tower clap anyhow; do
  forbid tolbooth-core "$dep" "use cases know neither HTTP nor SQL"
done
for dep in axum hyper reqwest tower clap anyhow; do
  forbid tolbooth-store "$dep" "the store knows SQL, not HTTP"
done
for dep in sqlx axum hyper tokio reqwest tower clap anyhow tolbooth-store tolbooth-core; do
  forbid tolbooth-redact "$dep" "the redaction engine is a pure library: text in, findings out"
done
for dep in sqlx axum hyper tokio reqwest ureq hf-hub tower clap anyhow tolbooth-store tolbooth-core; do
  forbid tolbooth-bot "$dep" "the chatbot library reads files and answers questions: no SQL, no HTTP, no runtime"
done
for dep in sqlx clap anyhow; do
  forbid tolbooth-web "$dep" "HTTP reaches the store only through the ports"
done

# anyhow only at the edge: no library declares it.
for manifest in crates/*/Cargo.toml; do
  crate=$(basename "$(dirname "$manifest")")
  # Binaries at the edge: the server and the load generator.
  [ "$crate" = tolbooth ] && continue
  [ "$crate" = tolbooth-bench ] && continue
  if grep -Eq '^anyhow' "$manifest"; then
    echo "LAYERING: $crate declares anyhow (thiserror in libraries, anyhow only in the binary)" >&2
    fail=1
  fi
done

if [ "$fail" -ne 0 ]; then
  exit 1
fi
echo "layering: all invariants hold"
