#!/usr/bin/env bash
# Summarises an async-profiler CPU profile of Linnet in collapsed form (PROFILE=1 bash perf/run.sh
# writes RUN_DIR/linnet-cpu.collapsed): where the event loop's time goes, kernel included.
#
#   bash perf/profile-top.sh /tmp/linnet-perf.XXXXXX/linnet-cpu.collapsed [rows]
#
# Unlike JFR's execution samples (Java frames of threads running Java code), async-profiler
# samples every thread on CPU, through system calls into the kernel, so the split between Linnet,
# Netty, the JDK and the kernel's TCP path is the one /proc's CPU time reflects.
set -euo pipefail
FILE="${1:?usage: profile-top.sh FILE.collapsed [rows]}"
ROWS="${2:-30}"
# The proxy's event loop: the busiest thread whose name says event loop (in Linnet the client and
# upstream connections' group; the accept loop and the admin listener's are idle under load).
# LOOP=NAME picks another thread by its name.
if [[ -z "${LOOP:-}" ]]; then
    LOOP=$(awk '{n = $NF; sub(/ [0-9]+$/, ""); split($0, f, ";"); t = f[1]; sub(/ tid=[0-9]+\]$/, "", t); sub(/^\[/, "", t)
                 if (t ~ /EventLoop/) by[t] += n}
                END {for (k in by) if (by[k] > max) {max = by[k]; best = k}; print best}' "$FILE")
    [[ -n "$LOOP" ]] || { echo "no event-loop thread in $FILE; name one with LOOP=..." >&2; exit 1; }
fi

echo "== samples by thread"
awk '{n = $NF; sub(/ [0-9]+$/, ""); split($0, f, ";"); t = f[1]; sub(/ tid=[0-9]+/, "", t); by[t] += n; tot += n}
     END {for (k in by) printf "%7d %5.1f%%  %s\n", by[k], 100 * by[k] / tot, k}' "$FILE" | sort -rn | head -8
echo
echo "== event loop ($LOOP): where its samples end (kernel by the libc call that entered it; user space by package)"
awk -v loop="$LOOP" '
    function kind(fr) {
        if (fr ~ /_\[k\]$/) return "kernel"
        if (fr ~ /^io\/netty\/handler\/codec\/http\//) return "user: Netty HTTP codec"
        if (fr ~ /^io\/netty\/handler\/codec\//) return "user: Netty codec base (header maps, ByteToMessageDecoder)"
        if (fr ~ /^io\/netty\/buffer\//) return "user: Netty buffers and pooled allocator"
        if (fr ~ /^io\/netty\/channel\/(epoll|unix)\//) return "user: Netty epoll transport"
        if (fr ~ /^io\/netty\/channel\//) return "user: Netty channel pipeline"
        if (fr ~ /^io\/netty\/util\/concurrent\//) return "user: Netty promises and event loop"
        if (fr ~ /^io\/netty\//) return "user: Netty other (AsciiString, queues, recycler)"
        if (fr ~ /^dev\/linnet\//) return "user: dev.linnet (Linnet, or BareNettyProxy)"
        if (fr ~ /^(java|jdk|sun)\//) return "user: JDK"
        return "user: native (libc, vDSO clock, JVM stubs)"
    }
    {
        n = $NF; sub(/ [0-9]+$/, ""); c = split($0, f, ";")
        t = f[1]; sub(/ tid=[0-9]+\]$/, "", t); sub(/^\[/, "", t); if (t != loop) next
        tot += n; k = kind(f[c])
        if (k == "kernel") { # named by the libc call that entered the kernel (send, writev, recv, ...)
            sc = "other"
            for (i = 3; i <= c; i++) if (f[i] ~ /_\[k\]$/) {
                if (f[i - 1] !~ /\//) { sc = f[i - 1]; sub(/^_+(GI_+|libc_)?/, "", sc) }
                break
            }
            k = "kernel: " sc; kern += n
        }
        by[k] += n
    }
    END {
        printf "%7d samples, kernel %.1f%%, user %.1f%%\n", tot, 100 * kern / tot, 100 * (tot - kern) / tot
        for (k in by) printf "%7d %5.1f%%  %s\n", by[k], 100 * by[k] / tot, k
    }' "$FILE" | sort -rn | head -20
echo
echo "== event loop: hottest frames (self)"
awk -v loop="$LOOP" '{n = $NF; sub(/ [0-9]+$/, ""); c = split($0, f, ";")
     t = f[1]; sub(/ tid=[0-9]+\]$/, "", t); sub(/^\[/, "", t); if (t != loop) next
     tot += n; self[f[c]] += n}
     END {for (k in self) printf "%7d %5.1f%%  %s\n", self[k], 100 * self[k] / tot, k}' "$FILE" \
    | sort -rn | head -"$ROWS"
