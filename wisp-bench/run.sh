#!/usr/bin/env bash
# Plaintext keep-alive load test and idle-connection memory test: Wisp against peer servers on loopback.
#
# For each server: start it pinned to one core, check its answer, warm up, measure with wrk pinned to the other
# core, then hold IDLE_CONNECTIONS idle keep-alive connections and measure live heap and RSS per connection.
# Prints a Markdown table and writes it to results/latest.md. Stops only the processes it started, by PID.
#
# Settings (environment):
#   SERVERS           servers in order (default: wisp netty jetty undertow helidon jdk nginx)
#   DURATION, WARMUP  wrk durations (default 15s, 10s); CONNECTIONS wrk connections (default 64)
#   IDLE_CONNECTIONS  connections held for the memory test (default 5000; 0 skips the test)
#   JVM_FLAGS         flags for every JVM server (default: SERVER_JVM_FLAGS in lib.sh)
#   JAVA_HOME         a JDK 21+ (default: JDK 25)
#   SERVER_CPU, LOAD_CPU  cores for the server and for wrk and the holder (default 0 and 1)
#   PORT_BASE         ports are PORT_BASE + 1 (wisp) ... + 7 (nginx) (default 19000)
#   QUIET_WAIT        seconds to wait for other processes to go quiet before each server (default 30)
#   RETRIES           measurements repeated when other processes took over 5% of the CPU (default 1)
#   SKIP_BUILD=1      use the jars already in target/; RESULTS output file (default results/latest.md)
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
SERVERS=${SERVERS:-"wisp netty jetty undertow helidon jdk nginx"}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-5000}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT_BASE=${PORT_BASE:-19000}
START_TIMEOUT=${START_TIMEOUT:-30}
QUIET_WAIT=${QUIET_WAIT:-30}
RETRIES=${RETRIES:-1}
SKIP_BUILD=${SKIP_BUILD:-0}
RESULTS=${RESULTS:-$BENCH_DIR/results/latest.md}

STARTED_PIDS=()
ROWS=()
NOTES=()
declare -A RESPONSE_BYTES=()
WORK_DIR=$(mktemp -d -t wisp-bench.XXXXXX)

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"
# shellcheck source=plaintext-servers.sh
source "$BENCH_DIR/plaintext-servers.sh"

start_server() {  # name port -> SERVER_PID
    local name=$1 port=$2
    if [[ $name == nginx ]]; then
        write_nginx_config "$WORK_DIR/nginx" "$port"
        taskset -c "$SERVER_CPU" nginx -p "$WORK_DIR/nginx" -c "$WORK_DIR/nginx/nginx.conf" \
            -e "$WORK_DIR/nginx/error.log" >"$WORK_DIR/$name.log" 2>&1 &
    else
        # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
        taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS ${PEER_FLAGS[$name]:-} -cp "$CLASS_PATH" \
            "dev.wisp.bench.peers.${MAIN_CLASS[$name]}" "$port" >"$WORK_DIR/$name.log" 2>&1 &
    fi
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

await_plaintext() {  # pid port -> 0 when GET /plaintext answers 200 text/plain "Hello, World!"
    local pid=$1 port=$2 deadline=$((SECONDS + START_TIMEOUT)) code
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || { FAILURE="exited at start"; return 1; }
        code=$(curl -s --max-time 2 -D "$WORK_DIR/head" -o "$WORK_DIR/body" -w '%{http_code}' \
            "http://127.0.0.1:$port/plaintext" 2>/dev/null)
        if [[ $code == 200 ]]; then
            if [[ $(cat "$WORK_DIR/body") != "Hello, World!" ]] ||
                ! grep -qi '^content-type: text/plain' "$WORK_DIR/head"; then
                FAILURE="wrong response"
                return 1
            fi
            return 0
        fi
        sleep 0.3
    done
    FAILURE="not answering after ${START_TIMEOUT}s"
    return 1
}

run_wrk() {  # port duration output -> 0 when wrk finished
    local port=$1 duration=$2 output=$3
    timeout --kill-after=5 $(( $(seconds "$duration") + 30 )) taskset -c "$LOAD_CPU" \
        wrk -t1 -c"$CONNECTIONS" -d"$duration" --latency "http://127.0.0.1:$port/plaintext" >"$output" 2>&1
}

# shellcheck source=memory.sh
source "$BENCH_DIR/memory.sh"

measure_load() {  # name port pid -> RPS, P99, ERRORS, FOREIGN (% of all CPU time used by other processes)
    local name=$1 port=$2 pid=$3 server_pids machine_before total_before machine_after total_after
    local server_before load used
    # shellcheck disable=SC2207  # nginx: the master and its workers
    server_pids=("$pid" $(pgrep -P "$pid"))
    read -r machine_before total_before < <(cpu_jiffies)
    server_before=$(process_jiffies "${server_pids[@]}")
    times >"$WORK_DIR/times.before"  # in this shell: a subshell would report its own (no) children
    run_wrk "$port" "$DURATION" "$WORK_DIR/$name.wrk.txt" || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    times >"$WORK_DIR/times.after"
    read -r machine_after total_after < <(cpu_jiffies)
    load=$(( $(children_jiffies "$WORK_DIR/times.after") - $(children_jiffies "$WORK_DIR/times.before") ))
    used=$(( (machine_after - machine_before) - ($(process_jiffies "${server_pids[@]}") - server_before) - load ))
    FOREIGN=$(( used > 0 ? 100 * used / (total_after - total_before) : 0 ))
    RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$WORK_DIR/$name.wrk.txt")
    P99=$(awk '$1 == "99%" {print $2}' "$WORK_DIR/$name.wrk.txt")
    ERRORS=$(grep -E 'Socket errors|Non-2xx' "$WORK_DIR/$name.wrk.txt" | sed 's/^ *//' | paste -sd ';' -)
    return 0
}

measure_server() {  # name -> one table row in ROWS, notes in NOTES
    local name=$1 port=$((PORT_BASE + PORT_OFFSET[$1])) label=${LABEL[$1]} attempt
    log "$label: starting on port $port"
    if ! port_is_free "$port"; then
        ROWS+=("$name|failed: port $port busy")
        return
    fi
    wait_for_quiet "$label"
    start_server "$name" "$port"
    if ! await_plaintext "$SERVER_PID" "$port"; then
        log "$label: $FAILURE"
        tail -n 5 "$WORK_DIR/$name.log" | sed 's/^/    /' >&2
        stop_pid "$SERVER_PID"
        ROWS+=("$name|failed: $FAILURE")
        return
    fi
    log "$label: warming up for $WARMUP"
    run_wrk "$port" "$WARMUP" "$WORK_DIR/$name.warmup.txt"
    for ((attempt = 0; attempt <= RETRIES; attempt++)); do
        if ((attempt > 0)); then
            log "$label: other processes used ${FOREIGN}% of the CPU; measuring again"
            wait_for_quiet "$label"
        fi
        log "$label: measuring for $DURATION"
        if ! measure_load "$name" "$port" "$SERVER_PID"; then
            stop_pid "$SERVER_PID"
            ROWS+=("$name|failed: wrk or server died under load")
            return
        fi
        ((FOREIGN <= 5)) && break
    done
    ((FOREIGN > 5)) && NOTES+=("other processes used ${FOREIGN}% of the CPU while $label was measured: suspect figures")
    [[ -n $ERRORS ]] && NOTES+=("$label under load: $ERRORS")
    measure_idle_memory "$name" "$port" "$SERVER_PID"
    stop_pid "$SERVER_PID"
    ROWS+=("$name|ok|${RPS:-0}|${P99:-?}|$HEAP_PER_CONNECTION|$RSS_PER_CONNECTION")
    log "$label: ${RPS:-0} req/s, p99 ${P99:-?}, heap $HEAP_PER_CONNECTION KiB/conn," \
        "RSS $RSS_PER_CONNECTION KiB/conn (other processes: ${FOREIGN}% CPU)"
}

report() {
    local row name status rps p99 heap rss wisp_rps="" ratio
    for row in "${ROWS[@]}"; do
        IFS='|' read -r name status rps _ <<<"$row"
        [[ $name == wisp && $status == ok ]] && wisp_rps=$rps
    done
    echo "# Plaintext keep-alive benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
    echo "- Wisp: commit $(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"
    echo "- JVM flags (every JVM server): \`$JVM_FLAGS\`"
    echo "- nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //'), 1 worker"
    echo "- server pinned with \`taskset -c $SERVER_CPU\`; load pinned with \`taskset -c $LOAD_CPU\`"
    echo "- load: \`wrk -t1 -c$CONNECTIONS -d$DURATION --latency http://127.0.0.1:PORT/plaintext\`" \
        "after a $WARMUP warm-up"
    echo "- memory: $IDLE_CONNECTIONS idle keep-alive connections, each after one request;" \
        "(after - before) / connections held"
    echo
    echo "| server | req/s | vs Wisp | p99 | heap KiB/idle conn | RSS KiB/idle conn |"
    echo "|---|---:|---:|---:|---:|---:|"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r name status rps p99 heap rss <<<"$row"
        if [[ $status != ok ]]; then
            echo "| ${LABEL[$name]} | $status | | | | |"
            continue
        fi
        ratio="n/a"
        [[ -n $wisp_rps && $wisp_rps -gt 0 ]] &&
            ratio=$(awk -v a="$rps" -v b="$wisp_rps" 'BEGIN {printf "%.2f", a / b}')
        echo "| ${LABEL[$name]} | $rps | $ratio | $p99 | $heap | $rss |"
    done
    if [[ ${#RESPONSE_BYTES[@]} -gt 0 ]]; then
        echo
        local sizes=""
        for name in $SERVERS; do
            [[ -n ${RESPONSE_BYTES[$name]:-} ]] && sizes+="${sizes:+, }${LABEL[$name]} ${RESPONSE_BYTES[$name]}"
        done
        echo "Response size per request, head + body (bytes): $sizes"
    fi
    report_notes
}

main() {
    local name
    begin_run wrk nginx curl
    for name in $SERVERS; do
        if [[ -z ${LABEL[$name]:-} ]]; then
            log "unknown server '$name' (known: ${!LABEL[*]})"
            continue
        fi
        measure_server "$name"
    done
    mkdir -p "$(dirname "$RESULTS")"
    report | tee "$RESULTS"
}

main "$@"
