#!/usr/bin/env bash
# Checks the layering written in ARCHITECTURE.md, and fails closed: a
# command that cannot run is a failure, never "all invariants hold".
#
# 1. Edges between Tolbooth's crates: every dependency of one workspace
#    crate on another (normal, dev or build) must be a row of the table
#    between the "edges:start" and "edges:end" markers in ARCHITECTURE.md,
#    and every row must still be a real edge.
# 2. Crates that must not be reached: each rule below is a crate whose
#    normal dependency tree must not contain another.
# 3. anyhow only at the edge: no library declares it.
#
# `check-layers.sh --self-test` shows that each check fails when it should:
# an edge missing from the table, a row that is no edge, a forbidden crate
# present, and a cargo command that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0

# The workspace's crate-to-crate edges as "from to kind" lines, from cargo
# metadata (which must succeed).
workspace_edges() {
  local json
  if ! json=$(cargo metadata --format-version 1 --no-deps --offline --locked 2>/tmp/check-layers-metadata.err); then
    echo "LAYERING: cargo metadata failed:" >&2
    cat /tmp/check-layers-metadata.err >&2
    return 1
  fi
  python3 -c '
import json, sys
meta = json.loads(sys.stdin.read())
members = {p["name"] for p in meta["packages"]}
edges = set()
for p in meta["packages"]:
    for d in p["dependencies"]:
        if d["name"] in members:
            edges.add((p["name"], d["name"], d["kind"] or "normal"))
for e in sorted(edges):
    print(*e)
' <<<"$json"
}

# The allowed edges as "from to kind" lines, from the table in $1.
allowed_edges() {
  local doc=$1
  python3 - "$doc" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<!-- edges:start -->(.*?)<!-- edges:end -->", text, re.S)
if not m:
    sys.exit(f"LAYERING: no edges table (<!-- edges:start --> ... <!-- edges:end -->) in {sys.argv[1]}")
rows = 0
for line in m.group(1).splitlines():
    cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
    if len(cells) < 4 or cells[0] in ("from", "") or set(cells[0]) <= set("-: "):
        continue
    frm, to, kind, why = cells[:4]
    if kind not in ("normal", "dev", "build"):
        sys.exit(f"LAYERING: edge {frm} -> {to}: kind must be normal, dev or build, not {kind!r}")
    if not why:
        sys.exit(f"LAYERING: edge {frm} -> {to} ({kind}) has no reason")
    print(frm, to, kind)
    rows += 1
if rows == 0:
    sys.exit("LAYERING: the edges table is empty")
PY
}

# check_edges ACTUAL ALLOWED: both are files of "from to kind" lines.
check_edges() {
  local actual=$1 allowed=$2 status=0 line
  while read -r line; do
    [ -z "$line" ] && continue
    if ! grep -qxF "$line" "$allowed"; then
      echo "LAYERING: edge not in ARCHITECTURE.md's table: ${line// / -> } (add it with its reason, or remove the dependency)" >&2
      status=1
    fi
  done <"$actual"
  while read -r line; do
    [ -z "$line" ] && continue
    if ! grep -qxF "$line" "$actual"; then
      echo "LAYERING: ARCHITECTURE.md lists an edge that no longer exists: ${line// / -> }" >&2
      status=1
    fi
  done <"$allowed"
  return $status
}

# The names in CRATE's normal dependency tree (the command must succeed).
tree_of() {
  local crate=$1 out
  if ! out=$(cargo tree --offline --locked -q -p "$crate" -e normal --prefix none 2>/tmp/check-layers-tree.err); then
    echo "LAYERING: cargo tree failed for $crate:" >&2
    cat /tmp/check-layers-tree.err >&2
    return 1
  fi
  awk '{print $1}' <<<"$out" | sort -u
}

# forbid CRATE REASON DEP...: CRATE's normal dependency tree must not
# contain any DEP.
forbid() {
  local crate=$1 why=$2 names dep status=0
  shift 2
  names=$(tree_of "$crate") || return 1
  for dep in "$@"; do
    if grep -qxF "$dep" <<<"$names"; then
      echo "LAYERING: $crate depends on $dep ($why)" >&2
      status=1
    fi
  done
  return $status
}

run_checks() {
  local status=0 actual allowed
  actual=$(mktemp)
  allowed=$(mktemp)
  workspace_edges >"$actual" || status=1
  allowed_edges ARCHITECTURE.md >"$allowed" || status=1
  if [ "$status" -eq 0 ]; then
    check_edges "$actual" "$allowed" || status=1
  fi
  rm -f "$actual" "$allowed"

  forbid tolbooth-domain "the domain has no I/O, no HTTP, no SQL and no async runtime" \
    sqlx axum hyper tokio reqwest tower clap anyhow || status=1
  forbid tolbooth-core "use cases know neither HTTP nor SQL" \
    sqlx axum hyper reqwest tower clap anyhow || status=1
  forbid tolbooth-store "the store knows SQL, not HTTP" \
    axum hyper reqwest tower clap anyhow || status=1
  forbid tolbooth-redact "the redaction engine is a pure library: text in, findings out" \
    sqlx axum hyper tokio reqwest tower clap anyhow tolbooth-store tolbooth-core || status=1
  forbid tolbooth-bot "the chatbot library reads files and answers questions: no SQL, no HTTP, no runtime" \
    sqlx axum hyper tokio reqwest ureq hf-hub tower clap anyhow tolbooth-store tolbooth-core || status=1
  forbid tolbooth-web "HTTP reaches the store only through the ports" \
    sqlx clap anyhow tolbooth-store || status=1
  forbid tolbooth-testkit "test support drives the application, not the command line" \
    clap anyhow || status=1

  # anyhow only at the edge: no library declares it.
  local manifest crate
  for manifest in crates/*/Cargo.toml; do
    crate=$(basename "$(dirname "$manifest")")
    # Binaries at the edge: the server and the load generator.
    [ "$crate" = tolbooth ] && continue
    [ "$crate" = tolbooth-bench ] && continue
    if grep -Eq '^anyhow' "$manifest"; then
      echo "LAYERING: $crate declares anyhow (thiserror in libraries, anyhow only in the binaries)" >&2
      status=1
    fi
  done
  return $status
}

# expect_failure WHAT COMMAND...: the command must fail.
expect_failure() {
  local what=$1
  shift
  if "$@" 2>/dev/null; then
    echo "LAYERING SELF-TEST: $what was not caught" >&2
    fail=1
  else
    echo "self-test: $what is caught"
  fi
}

self_test() {
  local actual allowed shortened invented
  actual=$(mktemp)
  allowed=$(mktemp)
  shortened=$(mktemp)
  invented=$(mktemp)
  workspace_edges >"$actual"
  allowed_edges ARCHITECTURE.md >"$allowed"
  check_edges "$actual" "$allowed" || { echo "LAYERING SELF-TEST: the real table does not pass" >&2; fail=1; }
  # An edge the table does not allow: the table without its first row.
  tail -n +2 "$allowed" >"$shortened"
  expect_failure "an edge missing from the table" check_edges "$actual" "$shortened"
  # A forbidden edge added: the web crate reaching the store directly.
  { cat "$actual"; echo "tolbooth-web tolbooth-store normal"; } >"$invented"
  expect_failure "a forbidden edge (tolbooth-web -> tolbooth-store)" check_edges "$invented" "$allowed"
  # A row that is no edge.
  { cat "$allowed"; echo "tolbooth-domain tolbooth-web normal"; } >"$shortened"
  expect_failure "a listed edge that does not exist" check_edges "$actual" "$shortened"
  # A forbidden crate present: the web crate does reach axum.
  expect_failure "a forbidden dependency (tolbooth-web -> axum)" forbid tolbooth-web "test" axum
  # A cargo command that fails is a failure, not a pass.
  expect_failure "a failing cargo tree" forbid no-such-crate "test" axum
  rm -f "$actual" "$allowed" "$shortened" "$invented"
}

if [ "${1:-}" = "--self-test" ]; then
  self_test
  if [ "$fail" -ne 0 ]; then
    exit 1
  fi
  echo "layering self-test: every check fails when it should"
  exit 0
fi

if ! run_checks; then
  exit 1
fi
echo "layering: all invariants hold"
