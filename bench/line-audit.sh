#!/usr/bin/env bash
# The line audit (issue 25, point 6): the 2024 Census HTS-10 x partner rows of the partners that
# use few preferences, priced by the engine on DATE (default 2025-01-01), and the N (default 50)
# lines where the engine's duty differs most from the Census calculated duty, each with its
# explanation from docs/audit/explanations.yaml. Re-run after every data change:
#
#   bench/line-audit.sh [DATE] [N]
#
# writes docs/audit/line-audit-DATE.md; a line marked **unexplained** needs a fix in the engine or
# the data, or an entry in docs/audit/explanations.yaml (crates/tariff-analytics/tests/audit.rs
# fails on one among the 50 of 2025-01-01).
set -euo pipefail
cd "$(dirname "$0")/.."
date="${1:-2025-01-01}"
n="${2:-50}"
cargo build --release -q -p tariff-cli
out="docs/audit/line-audit-$date.md"
/usr/bin/time -f "%e s, %M KB" target/release/tariff etr --date "$date" --audit-lines "$n" \
    --partners EU,JP,VN,TW,IN,TH,CH,GB,MY,ID --explanations docs/audit/explanations.yaml > "$out"
tail -1 "$out"
echo "wrote $out"
