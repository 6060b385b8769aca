#!/usr/bin/env bash
# Propagation latency: a canary weight flipped 0 <-> 100, timed until requests follow, twice:
#   manifest mode (PropagationBenchmark: the file rewritten through an atomic rename) and
#   cluster mode (ClusterPropagationBenchmark: the annotation patched through fabric8's mock API server).
#
#   bash perf/propagation.sh            # 100 changes (≈ 1 min)
#   QUICK=1 bash perf/propagation.sh    # 20 changes
#   CHANGES=300 bash perf/propagation.sh
#   GAP_MS=0 bash perf/propagation.sh   # back-to-back changes: every one pays the holdoff (worst case)
#   CHURN=1 bash perf/propagation.sh    # under churn (issue 15, item 8): changes 100 ms apart while another
#                                       # Ingress is edited every 100 ms (CHURN_MS); its own README section
#
# Writes its figures into perf/README.md (WRITE_README=0 to skip). SKIP_BUILD=1 reuses perf/target.
set -euo pipefail
# shellcheck source=readme-section.sh
source "$(dirname "${BASH_SOURCE[0]}")/readme-section.sh"

PERF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$PERF_DIR")"
if [[ "${QUICK:-0}" == 1 ]]; then CHANGES="${CHANGES:-20}"; else CHANGES="${CHANGES:-100}"; fi
SECTION=propagation.sh; ALSO=""
if [[ "${CHURN:-0}" == 1 ]]; then
    GAP_MS="${GAP_MS:-100}"; CHURN_MS="${CHURN_MS:-100}"
    SECTION="propagation.sh CHURN=1"; ALSO=", another Ingress edited every $CHURN_MS ms"
else
    CHURN_MS=0
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    (cd "$REPO_DIR" && mvn -B -q -pl perf -am package -DskipTests)
fi
OUT="$(mktemp -d /tmp/linnet-propagation.XXXXXX)"
: > "$OUT/out.txt"
for bench in PropagationBenchmark ClusterPropagationBenchmark; do
    case "$bench" in
        PropagationBenchmark) echo "manifest mode (file renamed into place$ALSO):" ;;
        *) echo "cluster mode (Ingress annotation patched through the mock API server$ALSO):" ;;
    esac | tee -a "$OUT/out.txt"
    LINNET_LOG_LEVEL="${LINNET_LOG_LEVEL:-WARN}" java -Xmx256m \
        -cp "$PERF_DIR/target/classes:$(cat "$PERF_DIR/target/classpath.txt")" \
        "dev.linnet.perf.$bench" "$CHANGES" "${GAP_MS:-250}" "$CHURN_MS" 2>> "$OUT/stderr.log" \
        | { grep --line-buffered -Ev '^[^ ]+ - [^ ]+ \[' || true; } | tee -a "$OUT/out.txt" # not the gateway's access log
done
grep -q '^RESULT ' "$OUT/out.txt" || { cat "$OUT/stderr.log" >&2; exit 1; }

if [[ "${WRITE_README:-1}" == 1 ]]; then
    MODE="$CHANGES changes"; [[ "${QUICK:-0}" == 1 ]] && MODE="QUICK smoke run, $CHANGES changes"
    [[ "$CHURN_MS" != 0 ]] && MODE="CHURN=1, $MODE ${GAP_MS} ms apart$ALSO"
    REPORT="$OUT/report.md"
    {
        echo "Run of \`perf/propagation.sh\` ($MODE), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
            "load average $(cut -d' ' -f1-3 /proc/loadavg)."
        [[ -n "${LABEL:-}" ]] && { echo; echo "**${LABEL}**"; }
        echo
        echo '```'
        grep -v '^RESULT ' "$OUT/out.txt"
        echo '```'
    } > "$REPORT"
    write_readme_section "$SECTION" "$REPORT"
fi
