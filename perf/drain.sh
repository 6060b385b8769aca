#!/usr/bin/env bash
# Drain under load (issue 15, item 7): SIGTERM to a `linnet serve` carrying wrk's keep-alive
# load, RUNS times; counts the requests lost.
#
#   bash perf/drain.sh                       # 10 drains per client mode (≈ 4 min)
#   RUNS=3 MODES=move bash perf/drain.sh
#   JAR=/tmp/old/linnet.jar bash perf/drain.sh   # another build, e.g. the one before a change
#
#   wrk, 20 keep-alive connections ──▶ linnet serve ──▶ nginx backend          (all on 127.0.0.1)
#   |── LOAD (2 s) ──|SIGTERM|── --shutdown-delay (2 s) ──|settle|listeners close|── AFTER (1 s) ──|wrk ends
#                              /readyz 503, clients told to go  ≤ 1 s              drain; exit 0
#
# Two kinds of client (MODES, both by default):
#   move  one connection per wrk thread; a thread stops at its first response that says
#         Connection: close (perf/drain-move.lua): a client that moves away when told, as one
#         behind a load balancer does (the balancer took the pod out, its next connection goes
#         elsewhere). What the drain promises: nothing lost.
#   stay  plain wrk, which reconnects to the one address it has after Connection: close. Closing
#         the listener while it keeps reconnecting would reset the connections the kernel completed
#         but Linnet had not accepted yet (their request already sent); the drain's SETTLE step
#         (responses keep-alive again until no connection arrived for 100 ms) empties that backlog
#         first, and afterwards wrk's reconnects are refused. Also promised: nothing lost.
#
# What counts, from wrk's own counters (wrk treats a close or reset under a request it sent as
# a read error):
#   lost     read errors + timeouts + non-2xx: a request went out and got no answer (the
#            connection was closed or reset under it), or an error answer.
#   refused  connect + write errors: once the listener is closed (the point of the drain) a
#            connect is refused; wrk 4.1 counts that as a write error, and no request went out.
# A run also fails if Linnet does not exit 0.
#
# Writes its figures into docs/limits-and-shutdown.md between its markers (WRITE_DOCS=0 to skip).
set -euo pipefail
# shellcheck source=readme-section.sh
source "$(dirname "${BASH_SOURCE[0]}")/readme-section.sh"

PERF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$PERF_DIR")"
RUNS="${RUNS:-10}"
MODES="${MODES:-move stay}"
CONNS="${CONNS:-20}"
LOAD="${LOAD:-2}"     # seconds of load before SIGTERM
DELAY="${DELAY:-2}"   # --shutdown-delay
GRACE="${GRACE:-10}"  # --shutdown-grace
AFTER="${AFTER:-1}"   # seconds wrk goes on once the listeners closed
JAR="${JAR:-$REPO_DIR/controller/target/linnet.jar}"
LINNET_JVM_FLAGS="${LINNET_JVM_FLAGS:--XX:+UseSerialGC -Xms128m -Xmx128m}"

command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk > /dev/null; }
command -v nginx > /dev/null || { apt-get update -qq && apt-get install -y -qq nginx > /dev/null; }
if [[ ! -f "$JAR" ]]; then
    (cd "$REPO_DIR" && mvn -B -q -o -DskipTests package)
fi

RUN_DIR="$(mktemp -d /tmp/linnet-drain.XXXXXX)"
mkdir -p "$RUN_DIR/tmp" "$RUN_DIR/manifests"
LINNET_PID=""
cleanup() {
    [[ -n "$LINNET_PID" ]] && kill -KILL "$LINNET_PID" 2> /dev/null || true
    [[ -f "$RUN_DIR/backends.pid" ]] && kill -TERM "$(cat "$RUN_DIR/backends.pid")" 2> /dev/null || true
}
trap cleanup EXIT

read -r BACKEND_PORT SPARE_PORT HTTP_PORT ADMIN_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

sed -e "s#@RUN_DIR@#$RUN_DIR#g" -e "s#@STABLE_PORT@#$BACKEND_PORT#g" -e "s#@CANARY_PORT@#$SPARE_PORT#g" \
    "$PERF_DIR/nginx/backends.nginx.conf.tmpl" > "$RUN_DIR/backends.conf"
nginx -c "$RUN_DIR/backends.conf" -p "$RUN_DIR"

cat > "$RUN_DIR/manifests/app.yaml" <<EOF
apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  ports:
  - name: http
    port: 80
    targetPort: $BACKEND_PORT
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: app-1
  labels:
    kubernetes.io/service-name: app
addressType: IPv4
ports:
- name: http
  port: $BACKEND_PORT
  protocol: TCP
endpoints:
- addresses: ["127.0.0.1"]
  conditions:
    ready: true
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
spec:
  rules:
  - host: drain.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: app
            port:
              number: 80
EOF

counter() { # counter NAME WRK_OUTPUT: one of wrk's "Socket errors" counters, 0 when it printed none
    sed -n "s/.*Socket errors:.* $1 \([0-9]*\).*/\1/p" "$2" | grep . || echo 0
}

drains() { # drains MODE: RUNS drains under one kind of client; a line per run, then the summary
    local mode="$1" run rc wrk_pid signalled exited_ms out requests non2xx read_errors timeouts refused lost
    local -a WRK_ARGS
    case "$mode" in
        move) WRK_ARGS=(-t"$CONNS" -c"$CONNS" -s "$PERF_DIR/drain-move.lua") ;;
        stay) WRK_ARGS=(-t1 -c"$CONNS") ;;
        *) echo "MODES: $mode (expected: move, stay)" >&2; exit 2 ;;
    esac
    echo "clients that $mode:" | tee -a "$RUN_DIR/runs.txt"
    total_requests=0 total_lost=0 total_refused=0 runs_losing=0 failed_exits=0
    for run in $(seq 1 "$RUNS"); do
        # shellcheck disable=SC2086 # the flags are words
        java $LINNET_JVM_FLAGS -jar "$JAR" serve --manifests "$RUN_DIR/manifests" --bind-address 127.0.0.1 \
            --http-port "$HTTP_PORT" --https-port -1 --admin-port "$ADMIN_PORT" \
            --shutdown-delay "$DELAY" --shutdown-grace "$GRACE" > "$RUN_DIR/linnet-$mode-$run.log" 2>&1 &
        LINNET_PID=$!
        for _ in $(seq 1 300); do
            [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/readyz")" == 200 ]] \
                && [[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: drain.example.com' \
                    "http://127.0.0.1:$HTTP_PORT/")" == 200 ]] && break
            kill -0 "$LINNET_PID" 2> /dev/null || { cat "$RUN_DIR/linnet-$mode-$run.log" >&2; exit 1; }
            sleep 0.2
        done

        wrk "${WRK_ARGS[@]}" -d"$((LOAD + DELAY + AFTER))s" -H 'Host: drain.example.com' \
            "http://127.0.0.1:$HTTP_PORT/" > "$RUN_DIR/wrk-$run.txt" 2>&1 &
        wrk_pid=$!
        sleep "$LOAD"
        signalled=$(date +%s%N)
        kill -TERM "$LINNET_PID"
        wait "$wrk_pid"
        rc=0
        wait "$LINNET_PID" || rc=$?
        exited_ms=$(( ($(date +%s%N) - signalled) / 1000000 ))
        LINNET_PID=""

        out="$RUN_DIR/wrk-$mode-$run.txt"
        mv "$RUN_DIR/wrk-$run.txt" "$out"
        requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$out")
        non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$out" | grep . || echo 0)
        read_errors=$(counter read "$out")
        timeouts=$(counter timeout "$out")
        refused=$(( $(counter connect "$out") + $(counter write "$out") ))
        lost=$(( read_errors + timeouts + non2xx ))
        total_requests=$((total_requests + requests)) total_lost=$((total_lost + lost))
        total_refused=$((total_refused + refused))
        (( lost > 0 )) && runs_losing=$((runs_losing + 1))
        (( rc != 0 )) && failed_exits=$((failed_exits + 1))
        printf '  run %2d: %6d requests, lost %d (read %d, timeout %d, non-2xx %d), refused connects %d, exit %d after %d ms\n' \
            "$run" "$requests" "$lost" "$read_errors" "$timeouts" "$non2xx" "$refused" "$rc" "$exited_ms" \
            | tee -a "$RUN_DIR/runs.txt"
    done

    echo "clients that $mode: $total_lost lost in $runs_losing of $RUNS drains ($total_requests requests answered;" \
        "$total_refused refused connects after the listeners closed; $failed_exits exits other than 0)" \
        | tee -a "$RUN_DIR/summary.txt"
    [[ "$total_lost" == 0 ]] && [[ "$failed_exits" == 0 ]]
}

: > "$RUN_DIR/runs.txt"
: > "$RUN_DIR/summary.txt"
failed=0
for mode in $MODES; do
    drains "$mode" || failed=1
done
echo "logs and wrk output: $RUN_DIR"

if [[ "${WRITE_DOCS:-1}" == 1 ]]; then
    REPORT="$RUN_DIR/report.md"
    {
        echo "Run of \`perf/drain.sh\` ($(basename "$JAR"), $RUNS drains per mode, $CONNS connections, load ${LOAD} s," \
            "--shutdown-delay $DELAY, wrk on ${AFTER} s after the listeners closed), $(date -u '+%Y-%m-%d %H:%M UTC')," \
            "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)."
        [[ -n "${LABEL:-}" ]] && { echo; echo "**${LABEL}**"; }
        echo
        sed 's/^\(.*\)$/- **\1**/' "$RUN_DIR/summary.txt"
        echo
        echo '```'
        cat "$RUN_DIR/runs.txt"
        echo '```'
    } > "$REPORT"
    write_readme_section drain.sh "$REPORT" "$REPO_DIR/docs/limits-and-shutdown.md"
fi
(( failed == 0 ))
