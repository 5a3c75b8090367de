#!/usr/bin/env bash
# Issue 17, point 8: the README's two commands on a fresh clone, one after the other, under
# /usr/bin/time -v. Target: both within 10 minutes on a 2-core machine. The clone has an empty
# target directory; the crates registry is the machine's (downloads are not timed apart).
#
#   bench/fresh-clone.sh [WORKDIR]      (default /tmp/tariff-fresh; the clone is made there)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/tariff-fresh}
rm -rf "$WORK" && mkdir -p "$WORK"
git clone -q . "$WORK/tariff"
[ -d ../shared ] && ln -s "$(cd ../shared && pwd)" "$WORK/shared"
cd "$WORK/tariff"
run() {
    local name=$1; shift
    /usr/bin/time -v "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || { tail -20 "$WORK/$name.err"; exit 1; }
    awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/$name.err"
}
main=$(run main cargo run --release -p tariff-cli -- quote --hts 8703.23.01.90 --origin KR --date 2025-05-20 --value 30000)
tests=$(run tests cargo test --workspace --release)
echo "commit $(git rev-parse --short HEAD), $(nproc) cores"
printf 'main job  %6.0f s\ntests     %6.0f s\ntotal     %6.0f s (target: 600 s)\n' "$main" "$tests" "$(echo "$main + $tests" | bc)"
