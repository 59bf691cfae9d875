#!/usr/bin/env bash
# Reverse proxy benchmark: `wisp serve --proxy` (on its carrier loops, and on the JDK's scheduler) against nginx's
# proxy_pass, all in front of one nginx upstream on loopback, in interleaved rounds.
#
# The upstream (nginx, one worker, keep-alive) serves the 13-byte /plaintext and a BODY_BYTES /files/body.bin. Each
# proxy in turn runs pinned to PROXY_CPU, forwarding every path to the upstream (nginx with `keepalive` upstream
# connections, as a proxy in front of an application is configured); wrk runs pinned to LOAD_CPU beside the upstream,
# a WARMUP then a DURATION window of `wrk -t1 -cCONNECTIONS --latency`, for /plaintext and for the body. It reports
# requests/s, p50/p99 as wrk counts them, and the proxy's own CPU time (utime + stime of its processes, from /proc) per
# request, with requests per proxy-CPU-second against nginx's. Prints a Markdown report and writes it to RESULTS.
# Stops only what it started, by PID.
#
# Settings (environment):
#   PROXIES            proxies in order (default: nginx wisp wisp-jdk)
#   ROUNDS             interleaved rounds (default 3)
#   WARMUP, DURATION   seconds of each load's warm-up and measured window (default 10, 10)
#   CONNECTIONS        wrk's connections (default 64)
#   BODY_BYTES         size of the second test's body (default 65536)
#   JVM_FLAGS          flags of Wisp's JVM (default: lib.sh's); JAVA_HOME a JDK 21+ (default: JDK 25)
#   PROXY_CPU, LOAD_CPU  cores for the proxy and for wrk and the upstream (default 0 and 1)
#   PORT               first port (default 19301: the upstream; the proxy listens on the next one)
#   BOOST=1            run in a scheduling group of its own at nice -20 (see boost.sh)
#   START_TIMEOUT, QUIET_WAIT (default 30, 10); SKIP_BUILD=1 uses wisp-cli/target/wisp.jar as it is;
#   RESULTS            output file (default results/proxy.md)
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=boost.sh
source "$BENCH_DIR/boost.sh"
ROOT_DIR=$(dirname "$BENCH_DIR")
PROXIES=${PROXIES:-"nginx wisp wisp-jdk"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
BODY_BYTES=${BODY_BYTES:-65536}
PROXY_CPU=${PROXY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT=${PORT:-19301}
START_TIMEOUT=${START_TIMEOUT:-30}
QUIET_WAIT=${QUIET_WAIT:-10}
SKIP_BUILD=${SKIP_BUILD:-0}
RESULTS=${RESULTS:-$BENCH_DIR/results/proxy.md}
declare -A LABEL=([nginx]="nginx proxy_pass" [wisp]="Wisp, carrier loops" [wisp-jdk]="Wisp, JDK scheduler")

STARTED_PIDS=()
NOTES=()
WORK_DIR=$(mktemp -d -t wisp-bench-proxy.XXXXXX)
SAMPLES=$WORK_DIR/samples  # one line per load and round: round proxy test req/s p50-ms p99-ms cpu-us-per-request
HZ=$(getconf CLK_TCK)
JAR=$ROOT_DIR/wisp-cli/target/wisp.jar

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

build_jar() {
    if [[ $SKIP_BUILD == 1 ]]; then
        log "SKIP_BUILD=1: using $JAR"
    elif ! (cd "$ROOT_DIR" && timeout 900 ./mvnw -q -B -pl wisp-cli -am package -DskipTests) \
            >"$WORK_DIR/build.log" 2>&1; then
        grep -E 'ERROR|BUILD' "$WORK_DIR/build.log" | head -n 20 >&2
        log "build failed"
        exit 1
    fi
    [[ -f $JAR ]] || { log "missing $JAR"; exit 1; }
}

await_port() {  # pid port: wait until the port accepts connections, or the process ends
    local deadline=$((SECONDS + START_TIMEOUT))
    while port_is_free "$2"; do
        kill -0 "$1" 2>/dev/null || return 1
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

start_upstream() {  # -> UPSTREAM_PID, on LOAD_CPU
    local dir=$WORK_DIR/upstream
    mkdir -p "$dir/files"
    head -c "$BODY_BYTES" /dev/urandom >"$dir/files/body.bin"
    # nginx's worker runs as an unprivileged user when started by root: it must be able to reach the file
    chmod a+rx "$WORK_DIR" "$dir" "$dir/files" && chmod a+r "$dir/files/body.bin"
    NGINX_LOCATIONS="location /files/ { root $dir; sendfile on; tcp_nopush on; }" write_nginx_config "$dir" "$PORT"
    taskset -c "$LOAD_CPU" nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    UPSTREAM_PID=$!
    STARTED_PIDS+=("$UPSTREAM_PID")
    await_port "$UPSTREAM_PID" "$PORT" || { log "the upstream nginx did not start"; exit 1; }
    local size
    size=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$PORT/files/body.bin")
    [[ $size == "200 $BODY_BYTES" ]] || { log "the upstream does not serve the body: $size"; exit 1; }
}

start_proxy() {  # name port -> PROXY_PID, pinned to PROXY_CPU
    local name=$1 port=$2 dir=$WORK_DIR/$1
    mkdir -p "$dir/temp"
    case $name in
        nginx)
            cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 65536;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 100000000;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    upstream app { server 127.0.0.1:$PORT; keepalive 1024; keepalive_requests 100000000; }
    server {
        listen 127.0.0.1:$port backlog=1024;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
            taskset -c "$PROXY_CPU" nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
            ;;
        wisp | wisp-jdk)
            local loops=()
            [[ $name == wisp-jdk ]] && loops=(--carrier-loops 0)
            # shellcheck disable=SC2086
            taskset -c "$PROXY_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS -jar "$JAR" serve "$dir" --plain \
                --port "$port" --quiet "${loops[@]}" --proxy "/=http://127.0.0.1:$PORT" >"$dir/stdout.log" 2>&1 &
            ;;
    esac
    PROXY_PID=$!
    STARTED_PIDS+=("$PROXY_PID")
    await_port "$PROXY_PID" "$port" || { log "$name did not start"; cat "$dir/stdout.log" >&2; exit 1; }
}

proxy_pids() {  # the proxy's processes: itself and its children (nginx's worker)
    echo "$PROXY_PID $(pgrep -P "$PROXY_PID" | tr '\n' ' ')"
}

measure() {  # round name port test path: a warm-up, then the measured window; one line to SAMPLES
    local round=$1 name=$2 port=$3 test=$4 path=$5 before after out requests
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$port$path" >/dev/null 2>&1
    # shellcheck disable=SC2046
    before=$(process_jiffies $(proxy_pids))
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port$path")
    # shellcheck disable=SC2046
    after=$(process_jiffies $(proxy_pids))
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
        NOTES+=("round $round, ${LABEL[$name]}, $test: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ')")
    fi
    awk -v r="$round" -v n="$name" -v t="$test" -v q="$requests" -v d="$DURATION" -v c="$((after - before))" \
        -v hz="$HZ" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000
                         return v }
        $1 == "50%" {p50 = ms($2)} $1 == "99%" {p99 = ms($2)}
        END {printf "%s %s %s %.0f %.3f %.3f %.2f\n", r, n, t, q / d, p50, p99, (q > 0 ? c / hz * 1e6 / q : 0)}
    ' <<<"$out" >>"$SAMPLES"
    log "$(tail -n 1 "$SAMPLES")"
}

report() {
    local test name
    report_context
    echo "- upstream: nginx on core $LOAD_CPU beside \`wrk -t1 -c$CONNECTIONS\`; each proxy on core $PROXY_CPU;" \
        "$ROUNDS rounds, the proxies interleaved; ${WARMUP} s warm-up, ${DURATION} s measured"
    for test in plaintext body; do
        echo
        echo "## $test ($([[ $test == plaintext ]] && echo '13 bytes' || echo "$BODY_BYTES bytes"))"
        echo
        echo "| proxy | req/s median (min-max) | p50 ms | p99 ms median (max) | CPU µs / request | req per CPU-second vs nginx |"
        echo "|---|---:|---:|---:|---:|---:|"
        for name in $PROXIES; do
            awk -v n="$name" -v t="$test" '$2 == n && $3 == t' "$SAMPLES" |
                awk -v label="${LABEL[$name]}" -v base="$(awk -v t="$test" '$2 == "nginx" && $3 == t {print $7}' \
                    "$SAMPLES" | tr '\n' ' ')" "$STATS_AWK"'
                    {rps = rps " " $4; p50 = p50 " " $5; p99 = p99 " " $6; cpu = cpu " " $7}
                    END {
                        if (!NR) exit
                        ratio = (base == "" ? "" : sprintf("%.2f", median(base) / median(cpu)))
                        printf "| %s | %s (%s-%s) | %.2f | %.2f (%.2f) | %.2f | %s |\n", label, median(rps), low(rps),
                            high(rps), median(p50), median(p99), high(p99), median(cpu), ratio
                    }'
        done
    done
    report_notes
}

main() {
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    LOAD_START=$(cut -d ' ' -f 1-3 /proc/loadavg)
    choose_java
    install_tools wrk nginx curl
    build_jar
    start_upstream
    local round name port=$((PORT + 1))
    for round in $(seq 1 "$ROUNDS"); do
        for name in $PROXIES; do
            wait_for_quiet "round $round, $name"
            start_proxy "$name" "$port"
            measure "$round" "$name" "$port" plaintext /plaintext
            measure "$round" "$name" "$port" body /files/body.bin
            stop_pid "$PROXY_PID"
        done
    done
    mkdir -p "$(dirname "$RESULTS")"
    report | tee "$RESULTS"
}

main "$@"
