#!/usr/bin/env bash
# Benchmark of issue 6: the daily effective-tariff-rate series from 2025-01-01 to 2026-09-30
# (past the schedule's horizon, 2026-06-29, through the law after June 2026), over the whole 2024 import basket (Census HTS-10 × partner and HS-2 ×
# partner, about 290,000 priced rows), with the SVG plot. Reports wall time and peak RSS
# (GNU time -v). Targets: ≤ 60 s, ≤ 2 GB.
#
#   bench/etr-series.sh [WORKDIR]     (default /tmp/tariff-etr)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/tariff-etr}
mkdir -p "$WORK"
cargo build --release -q -p tariff-cli
/usr/bin/time -v target/release/tariff etr --from 2025-01-01 --to 2026-09-30 --step day --csv \
    --plot "$WORK/etr-series.svg" > "$WORK/etr-series.csv" 2> "$WORK/time.txt"
grep -E '^series|^wrote' "$WORK/time.txt"
wall=$(grep 'Elapsed (wall clock)' "$WORK/time.txt" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$WORK/time.txt" | awk '{print $NF}')
echo "points: $(($(wc -l < "$WORK/etr-series.csv") - 1)) days; wall ${wall}; peak RSS $((rss / 1024)) MB; $(nproc) cores"
echo "first and last: $(sed -n 2p "$WORK/etr-series.csv") ... $(tail -1 "$WORK/etr-series.csv")"
