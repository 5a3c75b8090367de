#!/usr/bin/env bash
# Output identity against a reference build (issue 24: "every output byte-identical on the
# legal cases and the benchmark inputs, checked against a build of today's main").
#
#   bench/golden.sh REF [WORKDIR]      (WORKDIR default /tmp/tariff-golden)
#
# Builds `tariff` at git revision REF (in a worktree, its own target directory) and at the
# working tree, runs both on the same inputs and compares every output byte for byte:
#   - every legal case (crates/tariff-engine/tests/cases/*.yaml) as one batch file, with all
#     entry columns, quoted with `--detail`, output and rejections;
#   - LINES (default 200000) entry lines of the 2024 Census import mix (the batch benchmark's
#     generator), CSV→CSV and Parquet→Parquet, output and rejections;
#   - `tariff quote --json` and `--dates` ranges on the README's entries;
#   - the effective-rate estimate and a weekly series, every scenario simulated, the measures
#     in force, a line's history.
# Prints one line per comparison and exits 1 if any differs. Needs python3 with PyYAML.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${1:?usage: bench/golden.sh REF [WORKDIR]}
WORK=${2:-/tmp/tariff-golden}
LINES=${LINES:-200000}
CENSUS=${CENSUS:-../shared/sources/census_imports_2024_hs10_by_country/imports_2024_hts10_by_country_top50_plus_eu.csv.gz}
mkdir -p "$WORK"
ROOT=$(pwd)

# The reference build, in its own worktree and target directory (kept between runs).
sha=$(git rev-parse "$REF")
if [ ! -x "$WORK/ref-$sha/tariff" ]; then
    rm -rf "$WORK/ref-src"
    git worktree prune
    git worktree add --detach "$WORK/ref-src" "$sha" >/dev/null
    (cd "$WORK/ref-src" && CARGO_TARGET_DIR="$WORK/target-ref" cargo build --release -q -p tariff-cli)
    mkdir -p "$WORK/ref-$sha"
    cp "$WORK/target-ref/release/tariff" "$WORK/ref-$sha/tariff"
    git worktree remove --force "$WORK/ref-src"
fi
cargo build --release -q -p tariff-cli -p tariff-batch --examples
REFBIN="$WORK/ref-$sha/tariff"
NEWBIN="$ROOT/target/release/tariff"

# Inputs: the legal cases as one batch file; the Census sample.
python3 - "$WORK/cases.csv" crates/tariff-engine/tests/cases/*.yaml <<'EOF'
import csv, sys, yaml
cols = ["hts", "origin", "entry_date", "value", "quantity", "spi", "us_content",
        "steel_content", "aluminum_content", "copper_content", "loaded_on", "export_country",
        "mode", "transshipped", "metal_weight_percent", "metal_melted_in_us", "declared",
        "chapter98", "processing_value", "us_components"]
def text(v):
    if v is None: return ""
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, list): return ";".join(str(x) for x in v)
    return str(v)
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["case"] + cols)
    n = 0
    for path in sys.argv[2:]:
        for c in yaml.safe_load(open(path))["cases"]:
            e = c["entry"]
            unknown = set(e) - set(cols)
            if unknown: sys.exit(f"{path} {c['name']}: unknown entry fields {unknown}")
            w.writerow([c["name"]] + [text(e.get(k)) for k in cols])
            n += 1
print(f"{n} legal cases", file=sys.stderr)
EOF
for ext in csv parquet; do
    [ -s "$WORK/census-$LINES.$ext" ] || target/release/examples/gen_census "$WORK/census-$LINES.$ext" "$LINES" 2024 "$CENSUS" >/dev/null
done

# Runs one command with both binaries (`{out}` is replaced by an output path prefix) and
# compares everything they wrote.
fails=0
compare() {
    local name=$1; shift
    local side bin
    for side in ref new; do
        [ "$side" = ref ] && bin=$REFBIN || bin=$NEWBIN
        rm -rf "$WORK/$side-$name" && mkdir -p "$WORK/$side-$name"
        local args=()
        for a in "$@"; do args+=("${a//\{out\}/$WORK/$side-$name/out}"); done
        "$bin" "${args[@]}" > "$WORK/$side-$name/stdout" 2> "$WORK/$side-$name/stderr" \
            || echo "exit $?" >> "$WORK/$side-$name/stdout"
        # The stderr's timings are not outputs.
        grep -v -E ' in [0-9.]+ ?(s|ms)|/s\b|elapsed|seconds|, [0-9.]+ s$' "$WORK/$side-$name/stderr" > "$WORK/$side-$name/stderr.kept" || true
        rm "$WORK/$side-$name/stderr"
    done
    if diff -r -q "$WORK/ref-$name" "$WORK/new-$name" >/dev/null; then
        printf 'same   %-28s %s\n' "$name" "$(du -sb "$WORK/new-$name" | cut -f1) bytes"
    else
        printf 'DIFFER %-28s\n' "$name"
        diff -r "$WORK/ref-$name" "$WORK/new-$name" | head -20 || true
        fails=$((fails + 1))
    fi
}

compare cases batch --input "$WORK/cases.csv" --output "{out}.csv" --rejects "{out}-rejects.csv" --detail --allow-rejects --quiet
compare cases-summary batch --input "$WORK/cases.csv" --output "{out}.csv" --rejects "{out}-rejects.csv" --allow-rejects --quiet
for ext in csv parquet; do
    compare "census-$ext" batch --input "$WORK/census-$LINES.$ext" --output "{out}.$ext" --rejects "{out}-rejects.csv" --allow-rejects --quiet
done
compare quote-kr-car quote --hts 8703.23.01.90 --origin KR --date 2025-05-20 --value 30000 --json
compare quote-kr-korus quote --hts 6109.10.00.04 --origin KR --date 2025-12-01 --value 10000 --spi KR --mode vessel --json
compare quote-text quote --hts 6109.10.00.04 --origin VN --date 2026-08-03 --value 10000 --mode vessel
compare quote-dates quote --hts 6109.10.00.04 --origin CN --value 10000 --dates 2025-01-01..2026-09-30 --json
compare quote-dates-steel quote --hts 7318.15.20.65 --origin CA --value 10000 --dates 2025-01-01..2026-09-30 --json
compare quote-origins quote --hts 8703.23.01.90 --date 2025-09-01 --value 30000 --compare-origins KR,JP,DE,MX,CA,CN,VN,GB
compare measures measures --date 2026-08-03 --json
compare hts-history hts 8703.23.01 --history --json
compare coverage measures --coverage --json
compare stacking measures --stacking --json
compare etr etr --date 2026-01-01
compare etr-series etr --from 2025-01-01 --to 2026-09-30 --step week --csv
for s in scenarios/*.yaml; do
    compare "simulate-$(basename "$s" .yaml)" simulate --scenario "$s" --json
done
compare simulate-by-area simulate --scenario scenarios/korea-2025-07-30-package.yaml --by area --json
compare simulate-by-sector simulate --scenario scenarios/eu-framework-2025-08-21.yaml --by sector --sensitivity --json
compare simulate-against simulate --scenario scenarios/korea-2025-11-implementation.yaml --against scenarios/korea-2025-07-30-package.yaml --by area --json
echo "$fails comparison(s) differ (reference $REF = ${sha:0:10})"
[ "$fails" -eq 0 ]
