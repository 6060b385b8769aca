#!/usr/bin/env bash
# Builds the perf module and runs its JMH benchmarks; writes a results table into perf/README.md.
#
#   bash perf/jmh.sh                     # every benchmark, the annotated iterations (≈ 10 min)
#   QUICK=1 bash perf/jmh.sh             # smoke: 1 warm-up + 2 short iterations (≈ 3 min)
#   bash perf/jmh.sh HotPath -p hosts=10000   # any JMH arguments: a regex, -p, -prof gc, ...
#
# WRITE_README=0 leaves perf/README.md alone (it is also left alone when arguments are given,
# so a partial run never replaces the full table). SKIP_BUILD=1 reuses perf/target.
set -euo pipefail
# shellcheck source=readme-section.sh
source "$(dirname "${BASH_SOURCE[0]}")/readme-section.sh"

PERF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$PERF_DIR")"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    (cd "$REPO_DIR" && mvn -B -q -pl perf -am package -DskipTests)
fi
QUICK_ARGS=()
if [[ "${QUICK:-0}" == 1 ]]; then
    QUICK_ARGS=(-wi 1 -i 2 -w 500ms -r 1s -f 1)
fi
WRITE_README="${WRITE_README:-1}"
(($#)) && WRITE_README=0

OUT="$(mktemp -d /tmp/linnet-jmh.XXXXXX)"
java -cp "$PERF_DIR/target/classes:$(cat "$PERF_DIR/target/classpath.txt")" org.openjdk.jmh.Main \
    "${QUICK_ARGS[@]}" -rf csv -rff "$OUT/results.csv" "$@" | tee "$OUT/jmh.log"

# CSV → markdown: benchmark (short name), parameters, score ± error, unit
TABLE="$OUT/table.md"
awk -F',' '
    {sub(/\r$/, "")} # JMH writes CRLF
    NR == 1 {for (i = 1; i <= NF; i++) {gsub(/"/, "", $i); h[i] = $i}; next}
    {
        for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
        name = $1; sub(/^.*\.jmh_generated\./, "", name); n = split(name, parts, "."); name = parts[n - 1] "." parts[n]
        params = ""
        for (i = 8; i <= NF; i++) if ($i != "") params = params (params == "" ? "" : ", ") substr(h[i], 8) "=" $i
        err = ($6 == "NaN" ? "–" : sprintf("%.2g", $6))
        printf "| `%s` | %s | %.3g ± %s | %s |\n", name, (params == "" ? "–" : params), $5, err, $7
    }' "$OUT/results.csv" > "$TABLE.rows"
{
    echo "| benchmark | parameters | score ± 99.9 % error | unit |"
    echo "|---|---|---:|---|"
    cat "$TABLE.rows"
} > "$TABLE"

if [[ "$WRITE_README" == 1 ]]; then
    MODE="annotated iterations"; [[ "${QUICK:-0}" == 1 ]] && MODE="QUICK smoke run: 1 warm-up + 2 × 1 s iterations, indicative only"
    REPORT="$OUT/report.md"
    {
        echo "JMH run of \`perf/jmh.sh\` ($MODE), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
            "$(java -version 2>&1 | sed -n '2p'), load average $(cut -d' ' -f1-3 /proc/loadavg)."
        [[ -n "${LABEL:-}" ]] && { echo; echo "**${LABEL}**"; }
        echo
        cat "$TABLE"
    } > "$REPORT"
    write_readme_section jmh.sh "$REPORT"
fi
cat "$TABLE"
echo "raw: $OUT/results.csv" >&2
