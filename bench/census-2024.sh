#!/usr/bin/env bash
# Real-world check of issue 5: the whole 2024 Census HTS-10 × country import table priced by
# `tariff batch` at one date, compared with the Census calculated duty for 2024, by partner.
#
#   bench/census-2024.sh [DATE] [WORKDIR]     (defaults: 2025-01-01, /tmp/tariff-census)
#
# On 2025-01-01 the regime is the base duty, Section 301 on China (with the 2024 review
# increases effective that day) and the 2018 Section 232 steel and aluminum duties:
# differences come from FTA and preference use (the engine prices column 1 general unless an
# SPI is claimed; the Census duty reflects actual claims), 301 exclusions and 232 quotas and
# exclusions (in the Census figure; here only when declared), specific rates (rejected: the
# table has no quantities) and the EU aggregate priced as Germany.
set -euo pipefail
cd "$(dirname "$0")/.."
DATE=${1:-2025-01-01}
WORK=${2:-/tmp/tariff-census}
mkdir -p "$WORK"
cargo build --release -q -p tariff-batch --examples
cargo build --release -q -p tariff-cli
target/release/examples/census_table "$WORK/census-$DATE.csv" "$DATE"
/usr/bin/time -f "%e s, %M KB peak" target/release/tariff batch --input "$WORK/census-$DATE.csv" \
    --output "$WORK/priced-$DATE.csv" --rejects "$WORK/rejects-$DATE.csv" --allow-rejects --quiet
python3 - "$WORK/priced-$DATE.csv" "$WORK/rejects-$DATE.csv" <<'PY'
import csv, sys
from decimal import Decimal
by = {}
for r in csv.DictReader(open(sys.argv[1])):
    k = r["origin"] if r["cty_code"] != "0003" else "EU (0003)"
    a = by.setdefault(k, [Decimal(0), Decimal(0), Decimal(0), 0])
    a[0] += Decimal(r["value"]); a[1] += Decimal(r["census_duty_2024"] or 0); a[2] += Decimal(r["total_duty"]); a[3] += 1
rej = sum(1 for _ in csv.reader(open(sys.argv[2]))) - 1
tot = [sum(v[i] for v in by.values()) for i in range(3)]
print(f"rows priced {sum(v[3] for v in by.values())}, rejected {rej} (mostly specific rates without quantity)")
print(f"{'partner':<10} {'value $bn':>10} {'census duty $bn':>16} {'tariff duty $bn':>16} {'census %':>9} {'tariff %':>9}")
for k, v in sorted(by.items(), key=lambda kv: -kv[1][0])[:25] + [("ALL", tot + [0])]:
    print(f"{k:<10} {v[0]/Decimal(1e9):>10.2f} {v[1]/Decimal(1e9):>16.3f} {v[2]/Decimal(1e9):>16.3f} {100*v[1]/v[0]:>9.2f} {100*v[2]/v[0]:>9.2f}")
PY
