#!/usr/bin/env bash
# Summarises a JFR recording of Linnet (e.g. from JFR=1 bash perf/run.sh): the hottest frames by
# self and inclusive samples, and the allocation sites by sampled bytes.
#
#   bash perf/jfr-top.sh /tmp/linnet-perf.XXXXXX/linnet.jfr [rows]
#
# For frames attributed to the right line, record with -XX:+UnlockDiagnosticVMOptions
# -XX:+DebugNonSafepoints (add them to LINNET_JVM_FLAGS).
set -euo pipefail
JFR_FILE="${1:?usage: jfr-top.sh FILE.jfr [rows]}"
ROWS="${2:-30}"
TMP="$(mktemp -d /tmp/linnet-jfr.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

jfr print --events jdk.ExecutionSample --stack-depth 64 "$JFR_FILE" > "$TMP/exec.txt"
jfr print --events jdk.ObjectAllocationSample --stack-depth 8 "$JFR_FILE" > "$TMP/alloc.txt"

echo "== execution samples: self (top frame)"
awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); sub(/ +line:.*/, ""); top[$0]++; n++}
     END {for (k in top) printf "%6d %5.1f%%  %s\n", top[k], 100 * top[k] / n, k}' "$TMP/exec.txt" \
    | sort -rn | head -"$ROWS"
echo
echo "== execution samples: inclusive (method anywhere on the stack), dev.linnet and Netty codec/timers"
awk '/jdk.ExecutionSample/ {n++; delete seen; next}
     /line:/ {f = $0; sub(/^ +/, "", f); sub(/\(.*/, "", f); if (!(f in seen)) {seen[f] = 1; inc[f]++}}
     END {for (k in inc) printf "%6d %5.1f%%  %s\n", inc[k], 100 * inc[k] / n, k}' "$TMP/exec.txt" \
    | sort -rn | grep -E "dev\.linnet|codec\.http|Scheduled|schedule|flush|Promise\.addListener" | head -"$ROWS"
echo
echo "== allocation samples: bytes by class @ allocating frame"
awk '/objectClass = / {cls = $3}
     /weight = / {w = $3; if ($4 ~ /kB/) w *= 1024; else if ($4 ~ /MB/) w *= 1048576; else if ($4 ~ /GB/) w *= 1073741824; tot += w}
     /stackTrace = \[/ {getline; f = $0; sub(/^ +/, "", f); sub(/ +line:.*/, "", f); site[cls " @ " f] += w}
     END {printf "%10.1f MB sampled in total\n", tot / 1048576
          for (k in site) printf "%8.1f MB %5.1f%%  %s\n", site[k] / 1048576, 100 * site[k] / tot, k}' "$TMP/alloc.txt" \
    | sort -rn | head -"$ROWS"
