#!/usr/bin/env bash
# What `cargo test --workspace` would rebuild after `cargo run -p tariff-cli`: the shared
# dependencies whose features differ between the binary's build and the tests' (the
# dev-dependencies switch features on). crates/tariff-workspace-hack switches them on for both;
# after a dependency update, this prints what it must add (nothing when it is complete).
#
#   bench/feature-diff.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tree() { cargo tree "$@" --format "{p} {f}" --prefix none --no-dedupe 2>/dev/null | sort -u; }
python3 - <(tree -p tariff-cli -e normal,build) <(tree --workspace -e normal,build,dev) <<'PY'
import sys
def load(path):
    out = {}
    for line in open(path):
        parts = line.split()
        if len(parts) < 2:
            continue
        feats = set(parts[2].split(",")) if len(parts) > 2 and not parts[2].startswith("(") else set()
        out.setdefault(f"{parts[0]} {parts[1]}", set()).update(feats)
    return out
binary, tests = load(sys.argv[1]), load(sys.argv[2])
differ = 0
for pkg, feats in sorted(tests.items()):
    if pkg in binary and feats != binary[pkg]:
        print(f"{pkg}: the tests also switch on {', '.join(sorted(feats - binary[pkg]))}")
        differ += 1
print(f"{differ} shared dependencies differ in features")
sys.exit(1 if differ else 0)
PY
