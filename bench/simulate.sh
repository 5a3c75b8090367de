#!/usr/bin/env bash
# Benchmark of issue 8: one scenario over the whole 2024 basket (Census 2024 imports, HTS-10 ×
# partner and HS-2 × partner split over main lines: about 290,000 flows), wall time and peak
# RSS of the whole `tariff simulate` process, with /usr/bin/time -v. Target: ≤ 5 s.
#
#   bench/simulate.sh [SCENARIO...]     (default: every file in scenarios/)
#
# Each run prices every flow under the baseline and (for the origins the scenario touches)
# under the scenario with the duty engine, then runs the model; `no-ieepa.yaml` touches every
# origin, so it is the slowest. Three runs per scenario; the median wall time is reported, with
# the CPU time (user + system) of that run: on a shared machine the wall time depends on the
# load, the CPU time much less (on 2 idle cores the wall time is a bit over half of it). The
# load average at the end says how busy the machine was.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p tariff-cli
if [ $# -eq 0 ]; then set -- scenarios/*.yaml; fi
printf '%-36s %9s %9s %9s %12s\n' scenario "median s" "max s" "cpu s" "peak RSS MB"
for f in "$@"; do
    walls=()
    cpus=()
    peak=0
    for _ in 1 2 3; do
        out=$( { /usr/bin/time -v target/release/tariff simulate --scenario "$f" --json >/dev/null; } 2>&1 )
        w=$(echo "$out" | awk -F': ' '/Elapsed \(wall clock\)/ {print $2}')
        # m:ss.cc → seconds
        s=$(echo "$w" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
        walls+=("$s")
        u=$(echo "$out" | awk -F': ' '/User time/ {print $2}')
        y=$(echo "$out" | awk -F': ' '/System time/ {print $2}')
        cpus+=("$s $(echo "$u $y" | awk '{print $1 + $2}')")
        kb=$(echo "$out" | awk -F': ' '/Maximum resident set size/ {print $2}')
        if [ "$kb" -gt "$peak" ]; then peak=$kb; fi
    done
    sorted=$(printf '%s\n' "${cpus[@]}" | sort -n)
    median=$(echo "$sorted" | sed -n 2p | cut -d' ' -f1)
    cpu=$(echo "$sorted" | sed -n 2p | cut -d' ' -f2)
    max=$(echo "$sorted" | tail -1 | cut -d' ' -f1)
    printf '%-36s %9s %9s %9s %12d\n' "$(basename "$f")" "$median" "$max" "$cpu" $((peak / 1024))
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

