#!/usr/bin/env bash
# Benchmark of `tariff batch` (issue 5): LINES entry lines drawn from the 2024 Census
# HTS-10 × country import mix (see crates/tariff-batch/examples/gen_census.rs), quoted
# CSV→CSV and Parquet→Parquet under /usr/bin/time -v; prints lines/s and peak RSS.
#
#   bench/batch.sh [LINES] [WORKDIR]      (defaults: 5000000, /tmp/tariff-batch-bench)
#
# Each case runs REPEAT times (default 3), each on a fresh output file after the last run's
# output is deleted and written back (SETTLE seconds of pause, default 3); the median is the
# figure quoted.
#
# VERIFY=1 also prices the CSV input with the memo off (--memo-periods 0) and checks that the
# output and rejections are byte-identical to the memoized run.
#
# Uses `tariff batch` when the binary has the subcommand, else the stand-alone example
# binary built from the same module (crates/tariff-batch/examples/batch.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-5000000}
WORK=${2:-/tmp/tariff-batch-bench}
CENSUS=${CENSUS:-../shared/sources/census_imports_2024_hs10_by_country/imports_2024_hts10_by_country_top50_plus_eu.csv.gz}
THREADS=${THREADS:-}
REPEAT=${REPEAT:-3}
SETTLE=${SETTLE:-3}
mkdir -p "$WORK"
cargo build --release -q -p tariff-batch --examples
if cargo build --release -q -p tariff-cli 2>/dev/null && target/release/tariff batch --help >/dev/null 2>&1; then
    BATCH=(target/release/tariff batch)
else
    BATCH=(target/release/examples/batch)
fi
for ext in csv parquet; do
    if [ ! -s "$WORK/in-$LINES.$ext" ]; then
        target/release/examples/gen_census "$WORK/in-$LINES.$ext" "$LINES" 2024 "$CENSUS"
    fi
done
printf '%-18s %4s %10s %9s %12s %10s\n' case run lines seconds lines/s "peak RSS"
for ext in csv parquet; do
    in="$WORK/in-$LINES.$ext"; out="$WORK/out-$LINES.$ext"
    args=(--input "$in" --output "$out" --rejects "$WORK/rejects-$ext.csv" --allow-rejects)
    [ -n "$THREADS" ] && args+=(--threads "$THREADS")
    rates=()
    for run in $(seq "$REPEAT"); do
        # Each run starts on a quiet machine with a fresh output file: the last run's output
        # deleted (its blocks discarded) and every dirty page written back. Otherwise the
        # kernel's write-back of the last run's 1.3 GB and the discards compete with this
        # run for the two cores (measured: successive runs without this pause slow from
        # 5.0 s to 7.0 s, while the same runs writing to /dev/null stay at 4.8 s).
        rm -f "$out"
        sync
        sleep "$SETTLE"
        /usr/bin/time -v "${BATCH[@]}" "${args[@]}" 2> "$WORK/time-$ext.txt"
        secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time-$ext.txt")
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-$ext.txt")
        rate=$(echo "$LINES / $secs" | bc -l)
        rates+=("$rate")
        printf '%-18s %4d %10d %9.2f %12.0f %7d MB\n' "$ext→$ext" "$run" "$LINES" "$secs" "$rate" "$((rss / 1024))"
    done
    median=$(printf '%s\n' "${rates[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
    printf '%-18s %4s %10s %9s %12.0f   (median of %d runs)\n' "$ext→$ext" "" "" "" "$median" "$REPEAT"
    grep -E 'rows read|quoted directly' "$WORK/time-$ext.txt" | sed 's/^/    /'
done
if [ "${VERIFY:-}" = 1 ]; then
    in="$WORK/in-$LINES.csv"
    "${BATCH[@]}" --input "$in" --output "$WORK/out-$LINES-direct.csv" --rejects "$WORK/rejects-direct.csv" \
        --allow-rejects --memo-periods 0 2> "$WORK/time-direct.txt"
    cmp "$WORK/out-$LINES.csv" "$WORK/out-$LINES-direct.csv"
    cmp "$WORK/rejects-csv.csv" "$WORK/rejects-direct.csv"
    echo "memo and direct outputs are byte-identical ($(grep -o '[0-9.]* s, [0-9]* rows/s' "$WORK/time-direct.txt") without the memo)"
    rm -f "$WORK/out-$LINES-direct.csv"
fi
