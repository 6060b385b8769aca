#!/usr/bin/env bash
# Linnet vs nginx, same routing, same machine, same run. See perf/README.md.
#
#   bash perf/run.sh                 # full: REPS=5 DURATION=10s, ≈ 15 min
#   QUICK=1 bash perf/run.sh         # smoke: REPS=2 DURATION=3s, ≈ 3 min
#
# Knobs (environment): REPS, DURATION (wrk -d), WARMUP (first warm-up per proxy), WARMUP_EACH
# (before each scenario), CONNS ("50 200"), SCENARIOS ("plain header cookie weight"),
# WRK_THREADS (1), LINNET_JVM_FLAGS, JFR=1 (record a JFR profile of Linnet into the run dir),
# WRITE_README=0 (don't touch perf/README.md), LABEL (a note printed above the table), SYSCALLS=1
# (count the proxy's system calls per request with perf stat; a little overhead on every call),
# THREAD_CPU=1 (CPU ns per request of each JVM thread group — event loop, access-log writer, GC,
# JIT … — from /proc/PID/task/*/schedstat, into RUN_DIR/threads.tsv and the log),
# JVM_BG_CPU=0 (the latency experiment of issue 21: before each measured run, every thread of the
# "linnet" JVM but its event loops is moved to that core — the JIT compilers, GC and VM threads,
# the access-log writer —, so they stop sharing the proxy's core with the event loop; the
# baseline / nginx is left as it is),
# NGINX_HEADERS=ingress-nginx (nginx sets the request headers ingress-nginx and Linnet set, not
# only the reference's Host and X-Forwarded-For; a variant, never the headline),
# LINNET_JAR (the build under test; default controller/target/linnet.jar), PROFILE=1 (after the
# measurements, one more PROFILE_SECONDS (15) run of the first scenario with async-profiler attached
# to Linnet: RUN_DIR/linnet-cpu.collapsed, summarised by perf/profile-top.sh; kernel frames included).
#
# ACCESS_LOG=1: both proxies log every request, as ingress-nginx does by default: nginx with
# ingress-nginx's `log_format upstreaminfo` (one write per request, no buffer=, as its template),
# Linnet with its default format (the same fields); off by default, as the reference.
# Every log line of either proxy goes through a pipe drained by `cat` on the load core, as a
# container runtime drains a pod's standard output: the proxy pays for its write into the pipe,
# not for the disk.
#
# LINNET_JAVA, BASELINE_JAVA: the java binaries (default: a JDK 25 under /usr/lib/jvm, else java on PATH;
# on 25+ the default flags add -XX:+UseCompactObjectHeaders, as the image), for a JDK comparison.
# LINNET_SERVE_ARGS, BASELINE_SERVE_ARGS: extra `serve` flags of the build under test and of the
# baseline, e.g. the controller ConfigMaps the manifests carry (perf/linnet/configmaps.yaml.tmpl):
#
#   BASELINE_JAR=controller/target/linnet.jar BASELINE_SERVE_ARGS="--configmap perf/access-log-off" \
#     LINNET_SERVE_ARGS="--configmap perf/access-log-on" bash perf/run.sh    # the access log's cost
#
# A/B mode, two Linnet builds or flag sets instead of Linnet vs nginx (a change measured against
# main under identical conditions; perf/README.md is left alone):
#
#   BASELINE_JAR=/tmp/main.jar bash perf/run.sh                      # this build vs that one
#   BASELINE_JAR=controller/target/linnet.jar BASELINE_JVM_FLAGS="..." bash perf/run.sh  # flags
#
# Layout of one run (2 cores):
#
#   core 0: wrk ──▶ proxy under test (core 1) ──▶ backends nginx (core 0, "stable" / "canary")
#   core 1: nginx proxy (1 worker)  or  Linnet (1 event loop)  — never both under load at once
#
# Pinned, one worker per proxy is the fairest set-up on these VMs (../shared/perf-reference).
# The CPU speed of the VMs changes in phases of seconds, so the two proxies alternate run by run
# (A/B, then B/A, ...) and only medians and ratios from one session are reported.
set -euo pipefail
# shellcheck source=readme-section.sh
source "$(dirname "${BASH_SOURCE[0]}")/readme-section.sh"

PERF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$PERF_DIR")"
JAR="${LINNET_JAR:-$REPO_DIR/controller/target/linnet.jar}"

if [[ "${QUICK:-0}" == 1 ]]; then
    REPS="${REPS:-2}"; DURATION="${DURATION:-3s}"; WARMUP="${WARMUP:-5s}"; WARMUP_EACH="${WARMUP_EACH:-1s}"
else
    REPS="${REPS:-5}"; DURATION="${DURATION:-10s}"; WARMUP="${WARMUP:-20s}"; WARMUP_EACH="${WARMUP_EACH:-2s}"
fi
CONNS="${CONNS:-50 200}"
SCENARIOS="${SCENARIOS:-plain header cookie weight}"
WRK_THREADS="${WRK_THREADS:-1}"
PROXY_CPU="${PROXY_CPU:-1}"    # the core of the proxy under test
LOAD_CPU="${LOAD_CPU:-0}"      # wrk and the backends
# SerialGC: one core, a small live set and short young collections; what a 1-CPU JVM picks
# anyway, stated so nobody has to guess. Fixed 128 MiB heap (no resizing; untouched pages are
# not resident, no pre-touch). One event loop, as nginx has one worker.
DEFAULT_JVM_FLAGS="-XX:+UseSerialGC -Xms128m -Xmx128m -XX:-AlwaysPreTouch -Dio.netty.eventLoopThreads=1"
# The runtime: Java 25 when the machine has one (what the image runs, issue 21), with compact
# object headers as the image; else `java` on the PATH, with a line saying so.
DEFAULT_JAVA=java
for jdk in /usr/lib/jvm/*25*; do
    if [[ -x "$jdk/bin/java" ]] && "$jdk/bin/java" -version 2>&1 | grep 'version "25' > /dev/null; then
        DEFAULT_JAVA="$jdk/bin/java"
        break
    fi
done
[[ $DEFAULT_JAVA != java ]] || printf 'No JDK 25 under /usr/lib/jvm: Linnet runs on the java on the PATH\n' >&2
jvm_defaults() { # java binary -> the default flags for it
    if "$1" -version 2>&1 | grep -E 'version "(2[5-9]|[3-9][0-9])' > /dev/null; then
        echo "$DEFAULT_JVM_FLAGS -XX:+UseCompactObjectHeaders"
    else
        echo "$DEFAULT_JVM_FLAGS"
    fi
}
WRITE_README="${WRITE_README:-1}"
# REF: the proxy Linnet is compared with, by its label in the logs and tables.
BASELINE_JAR="${BASELINE_JAR:-}"
# The java binaries of the build under test and of the baseline (a JDK comparison:
# BASELINE_JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java), each with its own default flags.
LINNET_JAVA="${LINNET_JAVA:-$DEFAULT_JAVA}"
BASELINE_JAVA="${BASELINE_JAVA:-$DEFAULT_JAVA}"
LINNET_JVM_FLAGS="${LINNET_JVM_FLAGS:-$(jvm_defaults "$LINNET_JAVA")}"
BASELINE_JVM_FLAGS="${BASELINE_JVM_FLAGS:-$(jvm_defaults "$BASELINE_JAVA")}" # not LINNET_JVM_FLAGS: those may be the change
if [[ -n "$BASELINE_JAR" ]]; then
    REF=base; REF_NAME="baseline"; R=B; WRITE_README=0
else
    REF=nginx; REF_NAME="nginx"; R=N
    # The reference nginx logs nothing (access_log off): neither does Linnet, unless asked.
    if [[ "${ACCESS_LOG:-0}" == 1 ]]; then
        LINNET_SERVE_ARGS="${LINNET_SERVE_ARGS---configmap perf/access-log-on}"
        WRITE_README=0 # a variant, never the headline table (the README quotes it by hand)
    else
        LINNET_SERVE_ARGS="${LINNET_SERVE_ARGS---configmap perf/access-log-off}"
    fi
fi

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "${NGINX_HEADERS:-reference}" in
    reference) ;;
    ingress-nginx)
        WRITE_README=0 # a variant, never the headline
        [[ -z "$BASELINE_JAR" ]] || die "NGINX_HEADERS changes nginx's side; A/B mode (BASELINE_JAR) has no nginx" ;;
    *) die "NGINX_HEADERS=${NGINX_HEADERS}: expected reference or ingress-nginx" ;;
esac

# ---- everything started is stopped by PID on exit ----

PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || continue 2 # gone (bash reaps its children)
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true # still there after 5 s
    done
    PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools ----

need_install=()
command -v nginx >/dev/null || need_install+=(nginx)
command -v wrk >/dev/null || need_install+=(wrk)
if ((${#need_install[@]})); then
    log "installing ${need_install[*]}"
    SUDO=""; [[ $(id -u) == 0 ]] || SUDO="sudo"
    if ! $SUDO apt-get install -y "${need_install[@]}"; then
        $SUDO apt-get update && $SUDO apt-get install -y "${need_install[@]}"
    fi
fi
for tool in curl taskset java; do command -v "$tool" >/dev/null || die "$tool is required"; done
if [[ -n "$BASELINE_JAR" && ! -f "$BASELINE_JAR" ]]; then
    die "BASELINE_JAR $BASELINE_JAR: no such file"
fi
if [[ -n "${LINNET_JAR:-}" && ! -f "$JAR" ]]; then
    die "LINNET_JAR $JAR: no such file"
fi
if [[ ! -f "$JAR" ]]; then
    log "building $JAR"
    (cd "$REPO_DIR" && mvn -B -q -DskipTests package)
fi

# ---- run directory, ports, configs ----

RUN_DIR="$(mktemp -d /tmp/linnet-perf.XXXXXX)"
mkdir -p "$RUN_DIR/tmp" "$RUN_DIR/manifests"
log "run directory $RUN_DIR"

port_free() { [[ -z "$(ss -Htln "sport = :$1" 2>/dev/null)" ]]; }
next_port=$((20000 + RANDOM % 20000))
free_port() { # variable name: the next free port from a random start (no subshell: it counts)
    while ! port_free "$next_port"; do next_port=$((next_port + 1)); done
    printf -v "$1" '%s' "$next_port"
    next_port=$((next_port + 1))
}
free_port STABLE_PORT; free_port CANARY_PORT; free_port NGINX_PORT; free_port LINNET_PORT; free_port ADMIN_PORT
free_port HTTPS_PORT; free_port BASE_ADMIN_PORT; free_port BASE_HTTPS_PORT

render() { # template output
    sed -e "s#@RUN_DIR@#$RUN_DIR#g" -e "s#@STABLE_PORT@#$STABLE_PORT#g" -e "s#@CANARY_PORT@#$CANARY_PORT#g" \
        -e "s#@PROXY_PORT@#$NGINX_PORT#g" -e "s#@WORKERS@#1#g" -e "s#@WEIGHT@#10#g" "$1" > "$2"
}
render "$PERF_DIR/nginx/backends.nginx.conf.tmpl" "$RUN_DIR/backends.conf"
render "$PERF_DIR/nginx/proxy.nginx.conf.tmpl" "$RUN_DIR/proxy.conf"
if [[ "${NGINX_HEADERS:-reference}" == ingress-nginx ]]; then
    # The request headers ingress-nginx's template sets and Linnet sets too (use-forwarded-headers
    # off), instead of the reference's Host and X-Forwarded-For only: same header work on both
    # sides. A variant for comparison; the reference configuration stays the headline.
    sed -i 's#^    proxy_set_header X-Forwarded-For .*#    proxy_set_header X-Request-ID $request_id;\
    proxy_set_header X-Real-IP $remote_addr;\
    proxy_set_header X-Original-Forwarded-For $http_x_forwarded_for;\
    proxy_set_header X-Forwarded-For $remote_addr;\
    proxy_set_header X-Forwarded-Host $host;\
    proxy_set_header X-Forwarded-Port $server_port;\
    proxy_set_header X-Forwarded-Proto $scheme;\
    proxy_set_header X-Scheme $scheme;\
    proxy_set_header X-Original-URI $request_uri;#' "$RUN_DIR/proxy.conf"
    grep -q 'X-Original-URI' "$RUN_DIR/proxy.conf" || die "NGINX_HEADERS=ingress-nginx: proxy.conf not rewritten"
fi
for f in services ingresses canary configmaps; do
    render "$PERF_DIR/linnet/$f.yaml.tmpl" "$RUN_DIR/manifests/$f.yaml"
done
if [[ "${ACCESS_LOG:-0}" == 1 ]]; then
    [[ -z "$BASELINE_JAR" ]] || die "ACCESS_LOG=1 turns nginx's log on; in A/B mode pick --configmap perf/access-log-on|off"
    # ingress-nginx's default log-format-upstream; its $proxy_upstream_name,
    # $proxy_alternative_upstream_name and $req_id come from the rendered server block there.
    sed -i 's#^    access_log off; .*#    log_format upstreaminfo '"'"'$remote_addr - $remote_user [$time_local] "$request" '"'"'\
        '"'"'$status $body_bytes_sent "$http_referer" "$http_user_agent" '"'"'\
        '"'"'$request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr '"'"'\
        '"'"'$upstream_response_length $upstream_response_time $upstream_status $request_id'"'"';\
    access_log @RUN_DIR@/proxy.access.pipe upstreaminfo;\
    map $host $proxy_upstream_name { default default-stable-80; }\
    map $canary_target $proxy_alternative_upstream_name { canary_backend default-canary-80; default ""; }#' \
        "$RUN_DIR/proxy.conf"
    sed -i "s#@RUN_DIR@#$RUN_DIR#g" "$RUN_DIR/proxy.conf"
    grep -q 'upstreaminfo;' "$RUN_DIR/proxy.conf" || die "ACCESS_LOG=1: proxy.conf not rewritten"
fi
cp "$PERF_DIR/wrk-canary.lua" "$RUN_DIR/"

# ---- start: backends, nginx proxy, Linnet ----

drain_pipe() { # name: RUN_DIR/name.pipe, drained into RUN_DIR/name.log on the load core
    mkfifo "$RUN_DIR/$1.pipe"
    # opened read-write: cat never sees an end when a writer closes (nginx -t opens it too)
    taskset -c "$LOAD_CPU" cat 0<> "$RUN_DIR/$1.pipe" > "$RUN_DIR/$1.log" &
    PIDS+=("$!")
}
start_nginx() { # name cpu conf; sets STARTED_PID
    if [[ $1 == proxy && "${ACCESS_LOG:-0}" == 1 ]]; then
        drain_pipe proxy.access
    fi
    nginx -t -q -p "$RUN_DIR" -e "$RUN_DIR/$1.error.log" -c "$3" || die "nginx config $3"
    taskset -c "$2" nginx -p "$RUN_DIR" -e "$RUN_DIR/$1.error.log" -c "$3" -g 'daemon off;' \
        > "$RUN_DIR/$1.out" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}
wait_http() { # url what
    for _ in $(seq 300); do
        curl -s -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1
    done
    die "$2 did not come up ($1)"
}

start_nginx backends "$LOAD_CPU" "$RUN_DIR/backends.conf"; BACKENDS_PID=$STARTED_PID
start_linnet() { # name jar http-port admin-port https-port serve-args jvm-flags...; sets STARTED_PID once ready
    local name=$1 jar=$2 http=$3 admin=$4 https=$5 serve_args=$6 ready=0
    shift 6
    # --shutdown-delay 0: no load balancer to wait for here, and the 5 s stop below would otherwise
    # SIGKILL Linnet while /readyz still answers 503, before a JFR=1 recording is written.
    drain_pipe "$name"
    taskset -c "$PROXY_CPU" "${JAVA_BIN:-java}" "$@" -jar "$jar" serve --manifests "$RUN_DIR/manifests" \
        --http-port "$http" --admin-port "$admin" --https-port "$https" --bind-address 127.0.0.1 \
        --shutdown-delay 0 $serve_args > "$RUN_DIR/$name.pipe" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    for _ in $(seq 600); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$admin/readyz")" == 200 ]] \
            && { ready=1; break; }
        kill -0 "$STARTED_PID" 2>/dev/null || die "$name exited, see $RUN_DIR/$name.log"
        sleep 0.1
    done
    ((ready)) || die "$name not ready after 60 s, see $RUN_DIR/$name.log"
}

wait_http "http://127.0.0.1:$STABLE_PORT/" "backends"
if [[ $REF == nginx ]]; then
    start_nginx proxy "$PROXY_CPU" "$RUN_DIR/proxy.conf"; NGINX_PID=$STARTED_PID
    wait_http "http://127.0.0.1:$NGINX_PORT/" "nginx proxy"
else # the baseline Linnet takes nginx's port and place
    # shellcheck disable=SC2086 # the flags are words
    JAVA_BIN="$BASELINE_JAVA" start_linnet base "$BASELINE_JAR" "$NGINX_PORT" "$BASE_ADMIN_PORT" "$BASE_HTTPS_PORT" "${BASELINE_SERVE_ARGS:-}" \
        $BASELINE_JVM_FLAGS
    NGINX_PID=$STARTED_PID
fi

JVM_FLAGS="$LINNET_JVM_FLAGS"
if [[ "${PROFILE:-0}" == 1 ]]; then
    # async-profiler from Maven Central (tools.profiler:async-profiler), loaded into the running JVM
    # later with jcmd; samples every thread on CPU through the kernel (perf_event_paranoid <= 2 as root).
    PROFILE_SECONDS="${PROFILE_SECONDS:-15}"
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
        -Dartifact=tools.profiler:async-profiler:3.0:jar:linux-x64 -DoutputDirectory="$RUN_DIR" \
        || die "PROFILE=1: cannot fetch async-profiler from Maven Central"
    (cd "$RUN_DIR" && jar xf async-profiler-3.0-linux-x64.jar linux-x64/libasyncProfiler.so)
    ASYNC_PROFILER="$RUN_DIR/linux-x64/libasyncProfiler.so"
    # Debug information for every JIT-compiled instruction, so inlined frames are attributed right;
    # it changes no compiled code. First, as the flags may end with a main class (BareNettyProxy).
    JVM_FLAGS="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints $JVM_FLAGS"
fi
if [[ "${JFR:-0}" == 1 ]]; then
    # first, as the flags may end with a main class (BareNettyProxy)
    JVM_FLAGS="-XX:StartFlightRecording=filename=$RUN_DIR/linnet.jfr,settings=profile,dumponexit=true $JVM_FLAGS"
fi
# shellcheck disable=SC2086 # the flags are words
JAVA_BIN="$LINNET_JAVA" start_linnet linnet "$JAR" "$LINNET_PORT" "$ADMIN_PORT" "$HTTPS_PORT" "${LINNET_SERVE_ARGS:-}" $JVM_FLAGS
LINNET_PID=$STARTED_PID
log "backends :$STABLE_PORT/:$CANARY_PORT (pid $BACKENDS_PID), $REF :$NGINX_PORT (pid $NGINX_PID)," \
    "Linnet :$LINNET_PORT admin :$ADMIN_PORT (pid $LINNET_PID)"

port_of() { if [[ $1 == "$REF" ]]; then echo "$NGINX_PORT"; else echo "$LINNET_PORT"; fi; }
# The processes whose CPU and memory count for a proxy: nginx master + workers, or the JVM.
pids_of() {
    if [[ $1 == nginx ]]; then echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
    elif [[ $1 == base ]]; then echo "$NGINX_PID"
    else echo "$LINNET_PID"; fi
}
cpu_ticks() { # "utime stime" of the processes (all their threads), in clock ticks
    local user=0 sys=0 pid rest
    for pid in $(pids_of "$1"); do
        rest=$(sed 's/^.*) //' "/proc/$pid/stat") # fields from 3 on; comm may hold spaces
        read -r u s < <(awk '{print $12, $13}' <<<"$rest")
        user=$((user + u)); sys=$((sys + s))
    done
    echo "$user $sys"
}
# SYSCALLS=1: system calls of the proxy's processes during each run, counted by `perf stat` on the
# raw_syscalls:sys_enter tracepoint (needs root or perf_event_paranoid <= 1). Off by default: the
# counting costs a little on every call. /proc/PID/io is no help: it misses send/recv.
syscall_count_start() { # target
    SYSCALL_PERF_PID=""
    [[ "${SYSCALLS:-0}" == 1 ]] || return 0
    perf stat -x, -e raw_syscalls:sys_enter -p "$(pids_of "$1" | xargs | tr ' ' ',')" -o "$RUN_DIR/perf-stat.out" &
    SYSCALL_PERF_PID=$!
    PIDS+=("$SYSCALL_PERF_PID")
    sleep 0.2 # attached before the load starts
}
syscall_count_stop() { # sets SYSCALL_COUNT (0 when not counting)
    SYSCALL_COUNT=0
    [[ -n "$SYSCALL_PERF_PID" ]] || return 0
    kill -INT "$SYSCALL_PERF_PID"
    wait "$SYSCALL_PERF_PID" || true # our child: wait reaps it, so its PID is never reused under us
    SYSCALL_COUNT=$(awk -F, '/raw_syscalls:sys_enter/ {print $1 + 0}' "$RUN_DIR/perf-stat.out")
}
# THREAD_CPU=1: CPU time per thread name (digits folded: "C2 CompilerThre#"), in ns, from schedstat.
thread_ns() { # target -> "name<TAB>ns" lines
    local pid task name
    for pid in $(pids_of "$1"); do
        for task in /proc/"$pid"/task/*; do
            name=$(tr -d '\n' < "$task/comm" 2>/dev/null | tr '0-9 ' '#_') || continue
            printf '%s\t%s\n' "$name" "$(awk '{print $1}' "$task/schedstat" 2>/dev/null || echo 0)"
        done
    done | awk -F'\t' '{ns[$1] += $2} END {for (n in ns) printf "%s\t%s\n", n, ns[n]}'
}
peak_rss_kb() { # VmHWM summed over the processes
    local total=0 pid
    for pid in $(pids_of "$1"); do
        total=$((total + $(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")))
    done
    echo "$total"
}

# ---- scenarios: name host region cookie expected ----

scenario() {
    case "$1" in
        plain)  echo "plain.example.com - - stable" ;;
        header) echo "canary.example.com cd - canary" ;;
        cookie) echo "canary.example.com - user_from_cd=always canary" ;;
        weight) echo "canary.example.com - - weight" ;;
        *) die "unknown scenario $1 (expected: plain header cookie weight)" ;;
    esac
}
curl_body() { # port host region cookie
    local args=(-s --max-time 2 -H "Host: $2")
    [[ $3 != - ]] && args+=(-H "Region: $3")
    [[ $4 != - ]] && args+=(-H "Cookie: $4")
    curl "${args[@]}" "http://127.0.0.1:$1/"
}

for name in $SCENARIOS; do scenario "$name" > /dev/null; done

# ---- correctness first: both proxies must route every scenario as the rule says ----

verify() {
    local target=$1 port name host region cookie expect body canaries
    port=$(port_of "$target")
    for name in $SCENARIOS; do
        read -r host region cookie expect <<<"$(scenario "$name")"
        if [[ $expect == weight ]]; then
            canaries=0
            for _ in $(seq 200); do
                [[ "$(curl_body "$port" "$host" - -)" == canary ]] && canaries=$((canaries + 1))
            done
            # 10 % of 200: mean 20, sd 4.2; 5..45 is outside by more than 3.5 sd either way.
            ((canaries >= 5 && canaries <= 45)) || die "$target $name: $canaries/200 canary (expected ≈ 20)"
            log "verify $target $name: $canaries/200 canary"
        else
            body=$(curl_body "$port" "$host" "$region" "$cookie")
            [[ $body == "$expect" ]] || die "$target $name: got '$body' (expected: $expect)"
        fi
    done
    # the rules' other edges, cheap to check
    [[ "$(curl_body "$port" canary.example.com sz -)" == canary ]] || die "$target: Region sz not canary"
    [[ "$(curl_body "$port" canary.example.com bj user_from_cd=never)" == stable ]] || die "$target: cookie never not stable"
    [[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: other.example.com' "http://127.0.0.1:$port/")" == 404 ]] \
        || die "$target: unknown host not 404"
    log "verify $target: routing as expected"
}
verify "$REF"
verify linnet

# ---- load ----

RESULTS="$RUN_DIR/results.tsv"
printf 'scenario\tconns\ttarget\trep\trequests\trps\tp50_us\tp99_us\tp999_us\terrors\tcpu_ticks\trss_kb\tsys_ticks\tsyscalls\tp90_us\n' > "$RESULTS"
CLK_TCK=$(getconf CLK_TCK)

run_wrk() { # target scenario conns duration -> RESULT line
    local port host region cookie expect
    port=$(port_of "$1")
    read -r host region cookie expect <<<"$(scenario "$2")"
    [[ $region == - ]] && region=""
    [[ $cookie == - ]] && cookie=""
    WRK_HOST="$host" WRK_REGION="$region" WRK_COOKIE="$cookie" \
        taskset -c "$LOAD_CPU" wrk -t"$WRK_THREADS" -c"$3" -d"$4" --timeout 5s -s "$RUN_DIR/wrk-canary.lua" \
        "http://127.0.0.1:$port/" > "$RUN_DIR/wrk.out" 2>&1 || { cat "$RUN_DIR/wrk.out" >&2; die "wrk failed"; }
    grep '^RESULT ' "$RUN_DIR/wrk.out" || { cat "$RUN_DIR/wrk.out" >&2; die "no RESULT line from wrk"; }
}
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $2"; }

# JVM_BG_CPU: a JVM's threads other than its event loops onto that core (threads created later
# inherit their creator's core, so this runs again before every measured run).
move_background_threads() { # pid
    local task comm
    for task in /proc/"$1"/task/*; do
        comm=$(cat "$task/comm" 2>/dev/null) || continue
        if [[ $comm == multiThreadIo* || $comm == epollEventLoop* ]]; then
            taskset -p -c "$PROXY_CPU" "${task##*/}" > /dev/null 2>&1 || true
        else
            taskset -p -c "$JVM_BG_CPU" "${task##*/}" > /dev/null 2>&1 || true
        fi
    done
}

measure() { # target scenario conns rep
    [[ -n "${JVM_BG_CPU:-}" && $1 == linnet ]] && move_background_threads "$LINNET_PID"
    local u0 s0 u1 s1 calls result rps requests errors ticks
    syscall_count_start "$1"
    [[ "${THREAD_CPU:-0}" == 1 ]] && thread_ns "$1" > "$RUN_DIR/threads.before"
    read -r u0 s0 <<<"$(cpu_ticks "$1")"
    result=$(run_wrk "$1" "$2" "$3" "$DURATION")
    read -r u1 s1 <<<"$(cpu_ticks "$1")"
    [[ "${THREAD_CPU:-0}" == 1 ]] && thread_ns "$1" > "$RUN_DIR/threads.after"
    syscall_count_stop; calls=$SYSCALL_COUNT
    ticks=$((u1 - u0 + s1 - s0))
    requests=$(field requests "$result")
    errors=$(( $(field err_connect "$result") + $(field err_read "$result") + $(field err_write "$result") \
        + $(field err_status "$result") + $(field err_timeout "$result") ))
    rps=$(field rps "$result")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$1" "$4" "$requests" "$rps" \
        "$(field p50_us "$result")" "$(field p99_us "$result")" "$(field p999_us "$result")" "$errors" \
        "$ticks" "$(peak_rss_kb "$1")" "$((s1 - s0))" "$calls" "$(field p90_us "$result")" >> "$RESULTS"
    log "$(printf '%-6s %-6s c=%-3s rep %s: %8.0f req/s p99 %6s us cpu %5s us/req errors %s' "$1" "$2" "$3" "$4" \
        "$rps" "$(field p99_us "$result")" \
        "$(awk -v t="$ticks" -v n="$requests" -v hz="$CLK_TCK" 'BEGIN {printf "%.1f", n ? t / hz / n * 1e6 : 0}')" \
        "$errors")"
    if [[ "${THREAD_CPU:-0}" == 1 ]]; then # ns per request by thread, the busiest first
        awk -F'\t' -v s="$2" -v c="$3" -v t="$1" -v r="$4" -v n="$requests" \
            'NR == FNR {b[$1] = $2; next} {d = $2 - b[$1]; if (d > 0 && n > 0) printf "%s\t%s\t%s\t%s\t%s\t%.0f\n", s, c, t, r, $1, d / n}' \
            "$RUN_DIR/threads.before" "$RUN_DIR/threads.after" | sort -t$'\t' -k6 -rn | tee -a "$RUN_DIR/threads.tsv" \
            | head -5 | awk -F'\t' '{printf "    %-20s %6s ns/req\n", $5, $6}' >&2
    fi
}

log "warm-up ${WARMUP} per proxy (JIT, connection pools)"
for target in "$REF" linnet; do
    for name in $SCENARIOS; do
        run_wrk "$target" "$name" 50 "$WARMUP" > /dev/null
    done
done

first=$REF; second=linnet
for conns in $CONNS; do
    for name in $SCENARIOS; do
        run_wrk "$REF" "$name" "$conns" "$WARMUP_EACH" > /dev/null
        run_wrk linnet "$name" "$conns" "$WARMUP_EACH" > /dev/null
        for rep in $(seq "$REPS"); do
            measure "$first" "$name" "$conns" "$rep"
            measure "$second" "$name" "$conns" "$rep"
            tmp=$first; first=$second; second=$tmp # rotate the order every repetition
        done
    done
done

# ---- PROFILE=1: where Linnet's CPU goes, in a run of its own (not counted above) ----

if [[ "${PROFILE:-0}" == 1 ]]; then
    read -r name _ <<<"$SCENARIOS"; read -r conns _ <<<"$CONNS"
    log "profile: linnet $name c=$conns for ${PROFILE_SECONDS}s with async-profiler (cpu, 1 ms)"
    # jcmd's argument parser splits at '=' unless the option string is quoted once more
    jcmd "$LINNET_PID" JVMTI.agent_load "$ASYNC_PROFILER" "\"start,event=cpu,interval=1ms,threads\"" > /dev/null
    run_wrk linnet "$name" "$conns" "${PROFILE_SECONDS}s" > /dev/null
    jcmd "$LINNET_PID" JVMTI.agent_load "$ASYNC_PROFILER" \
        "\"stop,file=$RUN_DIR/linnet-cpu.collapsed,collapsed\"" > /dev/null
    bash "$PERF_DIR/profile-top.sh" "$RUN_DIR/linnet-cpu.collapsed" 25 | tee "$RUN_DIR/linnet-cpu.txt" >&2
fi

# ---- summary: medians per scenario and target, Linnet/nginx ratios ----

median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { # scenario conns target column-expression -> values
    awk -F'\t' -v s="$1" -v c="$2" -v t="$3" -v hz="$CLK_TCK" \
        "NR > 1 && \$1 == s && \$2 == c && \$3 == t {print $4}" "$RESULTS"
}
TABLE="$RUN_DIR/table.md"
{
    echo "| scenario | conns | proxy | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | CPU µs/req | of which sys | syscalls/req | peak RSS MiB | errors |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$TABLE"
RATIOS="$RUN_DIR/ratios.md"
{
    echo "| scenario | conns | req/s L/$R | p90 L/$R | p99 L/$R | CPU/req L/$R | req/s L/$R, median of pairs |"
    echo "|---|---|---:|---:|---:|---:|---:|"
} > "$RATIOS"
for conns in $CONNS; do
    for name in $SCENARIOS; do
        declare -A m=()
        for target in "$REF" linnet; do
            m[$target.rps]=$(col "$name" "$conns" "$target" '$6' | median)
            m[$target.p50]=$(col "$name" "$conns" "$target" '$7 / 1000' | median)
            m[$target.p90]=$(col "$name" "$conns" "$target" '$15 / 1000' | median)
            m[$target.p99]=$(col "$name" "$conns" "$target" '$8 / 1000' | median)
            m[$target.p999]=$(col "$name" "$conns" "$target" '$9 / 1000' | median)
            m[$target.cpu]=$(col "$name" "$conns" "$target" '($5 ? $11 / hz / $5 * 1e6 : 0)' | median)
            m[$target.sys]=$(col "$name" "$conns" "$target" '($11 ? $13 / $11 * 100 : 0)' | median)
            m[$target.calls]=$(col "$name" "$conns" "$target" '($5 ? $14 / $5 : 0)' | median | awk '{printf "%.2f", $1}')
            m[$target.rss]=$(col "$name" "$conns" "$target" '$12 / 1024' | sort -g | tail -1)
            m[$target.err]=$(col "$name" "$conns" "$target" '$10' | awk '{s += $1} END {print s + 0}')
            [[ "${SYSCALLS:-0}" == 1 ]] || m[$target.calls]="–"
            printf '| %s | %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.1f | %.0f %% | %s | %.0f | %s |\n' "$name" "$conns" \
                "$target" "${m[$target.rps]}" "${m[$target.p50]}" "${m[$target.p90]}" "${m[$target.p99]}" "${m[$target.p999]}" \
                "${m[$target.cpu]}" "${m[$target.sys]}" "${m[$target.calls]}" "${m[$target.rss]}" "${m[$target.err]}" \
                >> "$TABLE"
        done
        # pairs: repetition r of Linnet against repetition r of the reference (adjacent in time)
        paired=$(awk -F'\t' -v s="$name" -v c="$conns" -v ref="$REF" 'NR > 1 && $1 == s && $2 == c {r[$3 "," $4] = $6}
            END {for (k in r) {split(k, a, ","); if (a[1] == "linnet" && r[ref "," a[2]] > 0) print r[k] / r[ref "," a[2]]}}' \
            "$RESULTS" | median)
        awk -v n="$name" -v c="$conns" -v lr="${m[linnet.rps]}" -v nr="${m[$REF.rps]}" -v lp="${m[linnet.p99]}" \
            -v np="${m[$REF.p99]}" -v lc="${m[linnet.cpu]}" -v nc="${m[$REF.cpu]}" -v pr="$paired" \
            -v l9="${m[linnet.p90]}" -v n9="${m[$REF.p90]}" \
            'function r(a, b) {return b > 0 ? sprintf("%.2f", a / b) : "–"}
             BEGIN {printf "| %s | %s | %s | %s | %s | %s | %.2f |\n", n, c, r(lr, nr), r(l9, n9), r(lp, np), r(lc, nc), pr}' >> "$RATIOS"
        unset m
    done
done

CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
NGINX_VERSION=$(nginx -v 2>&1 | sed 's/^nginx version: //')
WRK_VERSION=$(wrk -v 2>&1 | head -1 | awk '{print $2}' || true) # wrk -v exits 1
JDK_VERSION=$("$LINNET_JAVA" -version 2>&1 | sed -n '2p')
MODE="full"; [[ "${QUICK:-0}" == 1 ]] && MODE="QUICK smoke run — too short to conclude anything"
REPORT="$RUN_DIR/report.md"
{
    echo "Run of \`perf/run.sh\` ($MODE), $(date -u '+%Y-%m-%d %H:%M UTC')."
    [[ -n "${LABEL:-}" ]] && { echo; echo "**${LABEL}**"; }
    echo
    echo "- machine: $(nproc) CPUs ($CPU_MODEL), $(uname -sr), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- versions: $NGINX_VERSION; wrk $WRK_VERSION; $JDK_VERSION"
    echo "- Linnet JVM flags: \`$JVM_FLAGS\`; the launcher's Netty defaults apply (pooled allocator, no sampled" \
        "leak detection: \`Main.nettyDefaults\`)"
    [[ "${NGINX_HEADERS:-reference}" == ingress-nginx ]] && echo "- nginx sets the request headers" \
        "ingress-nginx and Linnet set (\`NGINX_HEADERS=ingress-nginx\`), not only the reference's Host and X-Forwarded-For"
    [[ $REF == base ]] && echo "- A/B mode: \"linnet\" is $JAR, \"base\" is $BASELINE_JAR with \`$BASELINE_JVM_FLAGS\`" \
        "on $("$BASELINE_JAVA" -version 2>&1 | sed -n '2p')"
    echo "- pinning: proxy under test on CPU $PROXY_CPU (nginx \`worker_processes 1\`, Linnet one event loop);" \
        "wrk (\`-t$WRK_THREADS\`) and the backends nginx on CPU $LOAD_CPU"
    echo "- $REPS repetitions × $DURATION per proxy and scenario, alternating $REF/linnet in rotating order," \
        "after a $WARMUP warm-up per proxy and $WARMUP_EACH per scenario; figures are medians"
    echo "- CPU µs/req: utime+stime of the proxy's processes (/proc/PID/stat) over the run ÷ requests (\"of which sys\":" \
        "the stime share); syscalls/req: all system calls of the proxy (\`perf stat -e raw_syscalls:sys_enter\`, only with" \
        "SYSCALLS=1) ÷ requests; peak RSS: VmHWM (nginx: master + worker summed); errors: wrk" \
        "connect/read/write/timeout/non-2xx, summed"
    echo
    cat "$TABLE"
    echo
    echo "Linnet/$REF_NAME (L/$R) ratios of the medians (req/s above 1 is better for Linnet; p90, p99 and CPU below 1):"
    echo
    cat "$RATIOS"
} > "$REPORT"
cat "$REPORT"

if [[ "$WRITE_README" == 1 ]]; then
    write_readme_section run.sh "$REPORT"
fi
log "raw results: $RESULTS; logs in $RUN_DIR"
