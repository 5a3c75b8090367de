#!/usr/bin/env bash
# Whole-process timings of the `tariff` binary: each command run N times (default 20);
# prints the median and maximum wall time and the peak RSS (from /usr/bin/time -v).
# Usage: bench/process-time.sh [N]    (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20}"
cargo build --release -q -p tariff-cli
bin=target/release/tariff
commands=(
  "hts 8703.23.01 --date 2025-05-20 --json"
  "search passenger motor vehicles spark ignition --date 2025-05-20 --json"
  "quote --hts 8703.23.01.90 --origin KR --date 2025-05-20 --value 30000 --json"
  "quote --hts 6109.10.00.04 --origin CN --date 2025-04-10 --value 10000 --mode vessel --json"
)
printf "%-80s %10s %10s %10s\n" "command" "median ms" "max ms" "peak KB"
for c in "${commands[@]}"; do
  times=()
  peak=0
  for _ in $(seq "$n"); do
    out=$( { /usr/bin/time -f "%e %M" $bin $c > /dev/null; } 2>&1 | tail -1)
    t=$(awk '{printf "%d", $1*1000}' <<<"$out")
    m=$(awk '{print $2}' <<<"$out")
    times+=("$t")
    (( m > peak )) && peak=$m
  done
  sorted=($(printf "%s\n" "${times[@]}" | sort -n))
  median=${sorted[$(( n / 2 ))]}
  max=${sorted[$(( n - 1 ))]}
  printf "%-80s %10s %10s %10s\n" "tariff $c" "$median" "$max" "$peak"
done
