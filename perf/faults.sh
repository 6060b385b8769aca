#!/usr/bin/env bash
# Fault runs (issue 15): wrk at 20 connections against a Service of one healthy and one faulty
# pod, Linnet and nginx with the equivalent upstream block, side by side. See docs/fault-tolerance.md.
#
#   bash perf/faults.sh                          # every fault, DURATION=8s each
#   FAULTS="reset hang" DURATION=5s bash perf/faults.sh
#
# Faults (the second endpoint of the Service):
#   reset   accepts, reads the request, answers with a TCP reset
#   refuse  a port nobody listens on (connection refused)
#   dead    an address nobody answers (DEAD_ADDR, default 192.0.2.200:80; connect timeout or unreachable)
#   hang    accepts (the kernel does, from the backlog) and never answers: the read timeout decides
#   kill    a second healthy pod (nginx, one process) killed with SIGKILL every KILL_EVERY (2 s)
#           and back KILL_DOWN (1 s) later: a rolling update with abrupt kills. Requests cut
#           mid-response can't be saved by any proxy (with these tiny responses they are rare)
#
# Knobs: FAULTS, DURATION, WARMUP (3s against the healthy Service first, not counted: the JIT),
# CONNS (20), READ_TIMEOUT (1 s: --read-timeout / proxy_read_timeout),
# CONNECT_TIMEOUT (1 s), LINNET_JAR, LINNET_FLAGS (extra serve flags, e.g. "--upstream-max-fails 0"),
# VARIANTS ("linnet linnet-nocheck nginx"; linnet-nocheck is Linnet with --upstream-max-fails 0:
# the tried set alone, without the passive health check).
#
# Layout: wrk, the backends and the fault pod share core 0; the proxy under test runs on core 1.
set -euo pipefail

PERF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$PERF_DIR")"
JAR="${LINNET_JAR:-$REPO_DIR/controller/target/linnet.jar}"
FAULTS="${FAULTS:-reset refuse dead hang kill}"
DURATION="${DURATION:-8s}"
WARMUP="${WARMUP:-3s}"
CONNS="${CONNS:-20}"
READ_TIMEOUT="${READ_TIMEOUT:-1}"
CONNECT_TIMEOUT="${CONNECT_TIMEOUT:-1}"
DEAD_ADDR="${DEAD_ADDR:-192.0.2.200:80}"
KILL_EVERY="${KILL_EVERY:-2}"
KILL_DOWN="${KILL_DOWN:-1}"
VARIANTS="${VARIANTS:-linnet linnet-nocheck nginx}"
LINNET_FLAGS="${LINNET_FLAGS:-}"
PROXY_CPU="${PROXY_CPU:-1}"
LOAD_CPU="${LOAD_CPU:-0}"

log() { printf '[faults %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_install=()
for tool in wrk nginx python3 curl; do command -v "$tool" >/dev/null || need_install+=("$tool"); done
((${#need_install[@]} == 0)) || die "missing: ${need_install[*]} (apt-get update; apt-get install -y ${need_install[*]})"
[[ -f "$JAR" ]] || die "no $JAR: mvn -B -o -pl controller -am package -DskipTests"

RUN_DIR="$(mktemp -d /tmp/linnet-faults.XXXXXX)"
mkdir -p "$RUN_DIR/tmp"
log "run directory $RUN_DIR"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

port_free() { [[ -z "$(ss -Htln "sport = :$1" 2>/dev/null)" ]]; }
next_port=$((20000 + RANDOM % 20000))
free_port() {
    while ! port_free "$next_port"; do next_port=$((next_port + 1)); done
    printf -v "$1" '%s' "$next_port"
    next_port=$((next_port + 1))
}
free_port HEALTHY_PORT; free_port FAULT_PORT; free_port PROXY_PORT; free_port ADMIN_PORT; free_port HTTPS_PORT
nginx_http_common() { # prefix of the temp paths
    cat <<EOF
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $RUN_DIR/tmp/$1_body;
    proxy_temp_path $RUN_DIR/tmp/$1_proxy;
    fastcgi_temp_path $RUN_DIR/tmp/$1_fcgi;
    uwsgi_temp_path $RUN_DIR/tmp/$1_uwsgi;
    scgi_temp_path $RUN_DIR/tmp/$1_scgi;
EOF
}

# ---- the healthy pod: nginx answering 200 ----
cat > "$RUN_DIR/healthy.conf" <<EOF
worker_processes 1;
pid $RUN_DIR/healthy.pid;
error_log $RUN_DIR/healthy.error.log warn;
events { worker_connections 8192; }
http {
$(nginx_http_common h)
    server { listen 127.0.0.1:$HEALTHY_PORT backlog=4096; location / { return 200 "healthy\n"; } }
}
EOF
taskset -c "$LOAD_CPU" nginx -p "$RUN_DIR" -c "$RUN_DIR/healthy.conf" -g 'daemon off;' > "$RUN_DIR/healthy.out" 2>&1 &
PIDS+=($!)
# the pod the kill fault kills: the same, on the fault port, one process so SIGKILL takes it whole
sed -e "s#$HEALTHY_PORT#$FAULT_PORT#" -e "s#healthy.pid#killed.pid#" -e "s#healthy.error#killed.error#" \
    -e 's#"healthy\\n"#"killed\\n"#' "$RUN_DIR/healthy.conf" > "$RUN_DIR/killed.conf"
kill_loop() { # up KILL_EVERY, SIGKILL, down KILL_DOWN, again; until TERM
    local pod=
    trap '[[ -z "$pod" ]] || kill -9 "$pod" 2>/dev/null; exit 0' TERM
    while true; do
        taskset -c "$LOAD_CPU" nginx -p "$RUN_DIR" -c "$RUN_DIR/killed.conf" -g 'daemon off; master_process off;' \
            >> "$RUN_DIR/killed.out" 2>&1 &
        pod=$!
        sleep "$KILL_EVERY" & wait $! || true
        kill -9 "$pod" 2>/dev/null || true
        wait "$pod" 2>/dev/null || true # 137: killed, as meant (set -e)
        pod=
        sleep "$KILL_DOWN" & wait $! || true
    done
}

# ---- the faulty pod ----
cat > "$RUN_DIR/fault.py" <<'EOF'
import socket, struct, sys, threading
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(4096)
if mode == "hang":  # never accept: the kernel completes handshakes from the backlog, nobody answers
    threading.Event().wait()
def reset(c):
    try:
        c.recv(65536)  # the request
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        c.close()  # with SO_LINGER 0: a reset
while True:
    c, _ = s.accept()
    threading.Thread(target=reset, args=(c,), daemon=True).start()
EOF
start_fault() { # mode; sets FAULT_ENDPOINT (address:port)
    case $1 in
        reset|hang)
            taskset -c "$LOAD_CPU" python3 "$RUN_DIR/fault.py" "$1" "$FAULT_PORT" > "$RUN_DIR/fault-$1.out" 2>&1 &
            FAULT_PID=$!; PIDS+=("$FAULT_PID")
            for _ in $(seq 50); do port_free "$FAULT_PORT" || break; sleep 0.1; done
            FAULT_ENDPOINT="127.0.0.1:$FAULT_PORT" ;;
        refuse) FAULT_PID=; FAULT_ENDPOINT="127.0.0.1:$FAULT_PORT" ;;
        dead) FAULT_PID=; FAULT_ENDPOINT="$DEAD_ADDR" ;;
        kill) kill_loop & FAULT_PID=$!; PIDS+=("$FAULT_PID"); FAULT_ENDPOINT="127.0.0.1:$FAULT_PORT" ;;
        *) die "fault $1: expected reset, refuse, dead, hang or kill" ;;
    esac
}
stop_fault() { [[ -z "${FAULT_PID:-}" ]] || { kill "$FAULT_PID" 2>/dev/null || true; wait "$FAULT_PID" 2>/dev/null || true; }; }

# ---- the proxies ----
linnet_manifests() { # fault-endpoint; one EndpointSlice per endpoint: their ports differ
    local addr=${1%:*} port=${1##*:}
    mkdir -p "$RUN_DIR/manifests"
    cat > "$RUN_DIR/manifests/faults.yaml" <<EOF
apiVersion: v1
kind: Service
metadata: {name: pods}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: pods-healthy, labels: {kubernetes.io/service-name: pods}}
addressType: IPv4
ports: [{name: http, port: $HEALTHY_PORT, protocol: TCP}]
endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: pods-faulty, labels: {kubernetes.io/service-name: pods}}
addressType: IPv4
ports: [{name: http, port: $port, protocol: TCP}]
endpoints: [{addresses: ["$addr"], conditions: {ready: true}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: faults}
spec:
  rules:
  - host: faults.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: pods, port: {number: 80}}}}
  - host: warmup.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: healthy, port: {number: 80}}}}
---
apiVersion: v1
kind: Service
metadata: {name: healthy}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: healthy-1, labels: {kubernetes.io/service-name: healthy}}
addressType: IPv4
ports: [{name: http, port: $HEALTHY_PORT, protocol: TCP}]
endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
EOF
}
start_linnet() { # extra flags...
    # shellcheck disable=SC2086 # LINNET_FLAGS are words
    taskset -c "$PROXY_CPU" java -XX:+UseSerialGC -Xms128m -Xmx128m -Dio.netty.eventLoopThreads=1 -jar "$JAR" serve \
        --manifests "$RUN_DIR/manifests" --http-port "$PROXY_PORT" --admin-port "$ADMIN_PORT" \
        --https-port "$HTTPS_PORT" --bind-address 127.0.0.1 --shutdown-delay 0 \
        --connect-timeout "$CONNECT_TIMEOUT" --read-timeout "$READ_TIMEOUT" $LINNET_FLAGS "$@" \
        > "$RUN_DIR/linnet.log" 2>&1 &
    PROXY_PID=$!; PIDS+=("$PROXY_PID")
    for _ in $(seq 600); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$ADMIN_PORT/readyz")" == 200 ]] && return 0
        kill -0 "$PROXY_PID" 2>/dev/null || die "Linnet exited, see $RUN_DIR/linnet.log"
        sleep 0.1
    done
    die "Linnet not ready after 60 s"
}
start_nginx_proxy() { # fault-endpoint
    # nginx's defaults made explicit: proxy_next_upstream error timeout, 3 tries (ingress-nginx's),
    # max_fails=1 fail_timeout=10s on each server line.
    cat > "$RUN_DIR/proxy.conf" <<EOF
worker_processes 1;
pid $RUN_DIR/proxy.pid;
error_log $RUN_DIR/proxy.error.log error;
events { worker_connections 8192; }
http {
$(nginx_http_common p)
    upstream pods {
        server 127.0.0.1:$HEALTHY_PORT max_fails=1 fail_timeout=10s;
        server $1 max_fails=1 fail_timeout=10s;
        keepalive 64;
    }
    upstream healthy { server 127.0.0.1:$HEALTHY_PORT; keepalive 64; }
    server { # the warm-up
        listen 127.0.0.1:$PROXY_PORT backlog=4096;
        server_name warmup.example.com;
        location / { proxy_pass http://healthy; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
    server {
        listen 127.0.0.1:$PROXY_PORT default_server;
        location / {
            proxy_pass http://pods;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout ${CONNECT_TIMEOUT}s;
            proxy_read_timeout ${READ_TIMEOUT}s;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 3;
        }
    }
}
EOF
    taskset -c "$PROXY_CPU" nginx -p "$RUN_DIR" -c "$RUN_DIR/proxy.conf" -g 'daemon off;' > "$RUN_DIR/proxy.out" 2>&1 &
    PROXY_PID=$!; PIDS+=("$PROXY_PID")
    for _ in $(seq 100); do port_free "$PROXY_PORT" || return 0; sleep 0.1; done
    die "nginx proxy did not come up"
}
stop_proxy() { kill "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true; }

# ---- the runs ----
run_wrk() { # label; prints one table row
    local out="$RUN_DIR/wrk-$1.txt"
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"$WARMUP" -H 'Host: warmup.example.com' \
        "http://127.0.0.1:$PROXY_PORT/" > "$RUN_DIR/warmup-$1.txt" 2>&1 || true
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 10s -H 'Host: faults.example.com' \
        "http://127.0.0.1:$PROXY_PORT/" > "$out" 2>&1 || true
    local total non2xx errors rps p99
    total=$(awk '/requests in/ {print $1}' "$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$out"); non2xx=${non2xx:-0}
    errors=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out"); errors=${errors:-0}
    rps=$(awk '/Requests\/sec/ {print $2}' "$out")
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${1%%:*}" "${1##*:}" "$total" "$non2xx" "$errors" "$rps" \
        "$(statuses "$1")"
}
statuses() { # label; Linnet's non-2xx answers by status, from its own request metric ("-" for nginx)
    [[ $1 == *linnet* ]] || { echo "-"; return; }
    curl -s --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" > "$RUN_DIR/metrics-$1.txt" || true
    awk -F'status="' '/^nginx_ingress_controller_requests\{/ && /ingress="faults"/ {
            split($2, a, "\""); k = split($0, w, " "); n[a[1]] += w[k] }
        END { for (s in n) if (s !~ /^2/) { printf "%s%s×%d", sep, s, n[s]; sep = " " } }' "$RUN_DIR/metrics-$1.txt"
}

echo "| fault | proxy | requests | non-2xx | socket errors | req/s | Linnet's non-2xx by status |"
echo "|---|---|---:|---:|---:|---:|---|"
for fault in $FAULTS; do
    start_fault "$fault"
    for variant in $VARIANTS; do
        case $variant in
            linnet) linnet_manifests "$FAULT_ENDPOINT"; start_linnet ;;
            linnet-nocheck) linnet_manifests "$FAULT_ENDPOINT"; start_linnet --upstream-max-fails 0 ;;
            nginx) start_nginx_proxy "$FAULT_ENDPOINT" ;;
            *) die "variant $variant: expected linnet, linnet-nocheck or nginx" ;;
        esac
        run_wrk "$fault:$variant"
        stop_proxy
    done
    stop_fault
done
log "done; wrk outputs in $RUN_DIR"
