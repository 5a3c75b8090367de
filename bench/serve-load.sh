#!/usr/bin/env bash
# Load test of `tariff serve` (issue 7) on loopback: quotes per second and latency
# percentiles with wrk (Debian's package, installed here if missing), against the targets
# >= 20,000 quotes/s and p99 <= 10 ms on this 2-core machine (server and load generator
# share the cores).
#
#   bench/serve-load.sh [SECONDS] [CONNECTIONS]      (defaults: 20, 32)
#
# The requests cycle through a mix of real quotes: 8 HTS lines (apparel, cars, wine by
# the liter, steel, laptops, furniture, phones, aluminum) x 10 origins x 5 entry dates from
# 2025 to 2026, each a full GET /api/quote answered with its cited stack as JSON. Every
# combination is checked first with curl; those the engine refuses are dropped (and
# counted), so the load is quotes only. Any non-2xx answer during the run fails the test.
# The server runs with its default bounds (concurrency, timeout). Traffic goes to
# 127.0.0.1 only; the run is bounded by SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-20}
CONNS=${2:-32}
THREADS=${WRK_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-2}
if ! command -v wrk >/dev/null; then
    apt-get install -y --no-install-recommends wrk >/dev/null
fi
cargo build --release -q -p tariff-cli
work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

target/release/tariff serve --addr 127.0.0.1:0 --threads "$SERVER_THREADS" 2>"$work/log" &
pid=$!
addr=
for _ in $(seq 1 100); do
    addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/log" | head -1 || true)
    [ -n "$addr" ] && break
    sleep 0.1
done
[ -n "$addr" ] || { echo "server did not start:"; cat "$work/log"; exit 1; }

hts="6109.10.00.04 8703.23.01 2204.21.50 7208.51.00 8471.30.01 9403.60.80 8517.13.00 7606.12.30"
origins="CN MX CA VN KR JP DE IN BR GB"
dates="2025-03-15 2025-06-01 2025-09-01 2025-12-01 2026-03-01"
kept=0; dropped=0
echo "paths = {" >"$work/mix.lua"
for h in $hts; do for o in $origins; do for d in $dates; do
    p="/api/quote?hts=$h&origin=$o&date=$d&value=10000&qty=500&mode=vessel"
    code=$(curl -s -o /dev/null -w '%{http_code}' "$addr$p")
    if [ "$code" = 200 ]; then echo "  \"$p\"," >>"$work/mix.lua"; kept=$((kept + 1)); else dropped=$((dropped + 1)); fi
done; done; done
cat >>"$work/mix.lua" <<'EOF'
}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
EOF
echo "request mix: $kept quotes ($dropped combinations refused by the engine and left out)"
[ "$kept" -gt 0 ] || exit 1

# Warm up, then measure.
wrk -t"$THREADS" -c"$CONNS" -d3s -s "$work/mix.lua" "$addr" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s "$work/mix.lua" "$addr" | tee "$work/out"

rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/out")
p50=$(awk '$1 == "50%" {print $2}' "$work/out")
p99=$(awk '$1 == "99%" {print $2}' "$work/out")
errors=$(awk '/Non-2xx or 3xx responses:/ {print $5} /Socket errors:/ {print "socket"}' "$work/out")
to_ms() { # wrk prints 812.00us, 1.23ms or 1.01s
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'
}
p50ms=$(to_ms "$p50"); p99ms=$(to_ms "$p99")
echo
echo "quotes/s $rps  p50 ${p50ms} ms  p99 ${p99ms} ms  (${CONNS} connections, ${SECONDS_RUN} s, $(nproc) cores shared by server and wrk)"
ok=$(awk -v r="$rps" -v p="$p99ms" 'BEGIN { print (r >= 20000 && p <= 10) ? "yes" : "no" }')
if [ -n "$errors" ]; then echo "FAIL: error answers or socket errors during the run"; exit 1; fi
if [ "$ok" = yes ]; then echo "PASS: >= 20000 quotes/s and p99 <= 10 ms"; else echo "FAIL: targets are >= 20000 quotes/s and p99 <= 10 ms"; exit 1; fi
