#!/usr/bin/env bash
# Tail latency and server CPU per request under load: Wisp against peer servers, plaintext keep-alive.
#
# Each round measures every server in turn (rounds interleaved), each pinned to one core with the load generator
# (RateLoad, in this module) on the other:
#   max    closed loop, CONNECTIONS connections, each sending its next request when the last one is answered;
#   fixed  open loop at FIXED_FRACTION of the reference server's max in the same round (wrk2-style: latency
#          counts from when each request was due, so a stall is charged for every request it held up).
# Reports requests/s, p50/p99/p99.9/max, server CPU per request and requests per server-CPU-second, as
# min/median/max over the rounds, with ratios to the reference server; and, during the closed loop, how long a new
# connection waits for its first answer (NewConnectionProbe, one every 100 ms, beside the load generator). With
# FLAME=1 it also records a CPU flame graph of Wisp under the closed-loop load (async-profiler, attached for 10 s)
# next to the results, or under a fixed rate with FLAME_RATE.
#
# Settings (environment):
#   SERVERS            servers in order (default: wisp netty); REFERENCE the server the fixed rate comes from
#                      (default: netty, or the first server)
#   ROUNDS             rounds (default 3); WARMUP, DURATION seconds per measurement (default 8 and 15)
#   CONNECTIONS        connections (default 64); FIXED_FRACTION (default 0.5)
#   BOOST=1            run in an own scheduling group at nice -20 (needs root): on a machine that other work
#                      keeps busy, the measured processes then get their cores nearly to themselves
#   SYSCALLS=1         also count the server's system calls per request (perf stat, from Debian's linux-perf)
#   FLAME=1            also record the flame graph (async-profiler's agent, one of wisp-bench's dependencies);
#                      FLAME_RATE=N records it at N requests/s instead (wisp-flame-fixed.svg); ROUNDS=0 records
#                      only the flame graph; FLAME_SERVER the server it profiles (default wisp), in the graph's
#                      name ($FLAME_SERVER-flame.svg)
#   JVM_FLAGS, JAVA_HOME, SERVER_CPU, LOAD_CPU, PORT_BASE (default 19500), SKIP_BUILD=1, RESULTS (default
#                      results/latency.md)
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=boost.sh
source "$BENCH_DIR/boost.sh"

SERVERS=${SERVERS:-"wisp netty"}
REFERENCE=${REFERENCE:-$([[ " $SERVERS " == *" netty "* ]] && echo netty || echo "${SERVERS%% *}")}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-8}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-64}
FIXED_FRACTION=${FIXED_FRACTION:-0.5}
FLAME=${FLAME:-0}
SYSCALLS=${SYSCALLS:-0}
FLAME_RATE=${FLAME_RATE:-0}
FLAME_SERVER=${FLAME_SERVER:-wisp}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT_BASE=${PORT_BASE:-19500}
START_TIMEOUT=${START_TIMEOUT:-30}
QUIET_WAIT=0
SKIP_BUILD=${SKIP_BUILD:-0}
RESULTS=${RESULTS:-$BENCH_DIR/results/latency.md}

STARTED_PIDS=()
NOTES=()
WORK_DIR=$(mktemp -d -t wisp-bench-latency.XXXXXX)
# round server mode rate p50 p99 p999 max cpu-us-per-request kernel-percent syscalls-per-request|- [new connections
# p50 p99 max, closed loop only]
SAMPLES=$WORK_DIR/samples
HZ=$(getconf CLK_TCK)

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"
# shellcheck source=plaintext-servers.sh
source "$BENCH_DIR/plaintext-servers.sh"

start_server() {  # name port [extra JVM flags...] -> SERVER_PID (nginx: the master)
    local name=$1 port=$2
    shift 2
    if [[ $name == nginx ]]; then
        write_nginx_config "$WORK_DIR/nginx" "$port"
        taskset -c "$SERVER_CPU" nginx -p "$WORK_DIR/nginx" -c "$WORK_DIR/nginx/nginx.conf" \
            -e "$WORK_DIR/nginx/error.log" >"$WORK_DIR/$name.log" 2>&1 &
    else
        # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
        taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS ${PEER_FLAGS[$name]:-} "$@" -cp "$CLASS_PATH" \
            "dev.wisp.bench.peers.${MAIN_CLASS[$name]}" "$port" >"$WORK_DIR/$name.log" 2>&1 &
    fi
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

await_answer() {  # pid port -> 0 once GET /plaintext answers "Hello, World!"
    local pid=$1 port=$2 deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        [[ $(curl -s --max-time 2 "http://127.0.0.1:$port/plaintext" 2>/dev/null) == "Hello, World!" ]] && return 0
        sleep 0.3
    done
    return 1
}

server_ticks() {  # -> "total system" CPU ticks of the server and its children
    # shellcheck disable=SC2046  # a list of PIDs
    process_jiffies_split "$SERVER_PID" $(pgrep -P "$SERVER_PID")
}

count_syscalls() {  # seconds -> the server's system calls in that time on stdout (perf stat), or nothing
    timeout --kill-after=5 $(($1 + 10)) perf stat -x , -e raw_syscalls:sys_enter -p "$SERVER_PID" -- sleep "$1" \
        2>&1 >/dev/null | awk -F , '$3 == "raw_syscalls:sys_enter" && $1 ~ /^[0-9]+$/ {print $1}'
}

rate_load() {  # port rate warmup duration -> RateLoad's result line on stdout
    # Its latency array is allocated once, straight in the old generation, and its loop allocates next to nothing,
    # so that no garbage collection pauses it while it measures (a pause counts as the server's latency).
    timeout --kill-after=5 $(($3 + $4 + 60)) taskset -c "$LOAD_CPU" "$JAVA_HOME/bin/java" -Xms1g -Xmx1g \
        -XX:+UseSerialGC -XX:PretenureSizeThreshold=1m -cp "$CLASS_PATH" dev.wisp.bench.load.RateLoad 127.0.0.1 "$1" \
        /plaintext --connections "$CONNECTIONS" --rate "$2" --warmup "$3" --duration "$4"
}

field() {  # line name -> value of name=value
    tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
}

new_connection_probe() {  # port duration -> NewConnectionProbe's result line in WORK_DIR/probe
    timeout --kill-after=5 $(($2 + 30)) taskset -c "$LOAD_CPU" "$JAVA_HOME/bin/java" -Xmx64m -cp "$CLASS_PATH" \
        dev.wisp.bench.load.NewConnectionProbe 127.0.0.1 "$1" /plaintext --every-ms 100 --duration "$2" \
        >"$WORK_DIR/probe"
}

measure() {  # round name mode port rate -> one line in SAMPLES; MEASURED_RATE
    local round=$1 name=$2 mode=$3 port=$4 rate=$5 t0 t1 line requests cpu kernel sampler prober counter pause
    local probe="" syscalls="-"
    # 3 s for the load generator's own JIT; the server's CPU is counted from their end (give or take the load
    # generator's JVM start), so that it matches the requests of the measured window.
    (sleep 3 && server_ticks >"$WORK_DIR/ticks-at-start") &
    sampler=$!
    if [[ $SYSCALLS == 1 ]]; then
        # The same window, less a second at its end for the load generator's own finish.
        (sleep 3 && count_syscalls $((DURATION - 1)) >"$WORK_DIR/syscalls") &
        counter=$!
    fi
    if [[ $mode == max ]]; then
        # New connections while the closed loop keeps the server busy: their first answer's wait.
        (sleep 4 && new_connection_probe "$port" $((DURATION - 2))) &
        prober=$!
    fi
    line=$(rate_load "$port" "$rate" 3 "$DURATION")
    t1=$(server_ticks)
    wait "$sampler"
    if [[ $mode == max ]]; then
        wait "$prober"
        probe=$(cat "$WORK_DIR/probe" 2>/dev/null)
    fi
    t0=$(cat "$WORK_DIR/ticks-at-start")
    if [[ $SYSCALLS == 1 ]]; then
        wait "$counter"
        syscalls=$(cat "$WORK_DIR/syscalls" 2>/dev/null)
    fi
    requests=$(field "$line" requests)
    if [[ -z $requests || $requests -eq 0 ]]; then
        NOTES+=("round $round, ${LABEL[$name]} $mode: no answer (${line:-load generator failed})")
        MEASURED_RATE=0
        return
    fi
    [[ $(field "$line" errors) != 0 ]] && NOTES+=("round $round, ${LABEL[$name]} $mode: $(field "$line" errors) errors")
    read -r -a t0 <<<"$t0"
    read -r -a t1 <<<"$t1"
    cpu=$(awk -v t=$((t1[0] - t0[0])) -v hz="$HZ" -v q="$requests" 'BEGIN {printf "%.2f", t * 1e6 / hz / q}')
    kernel=$(awk -v t=$((t1[0] - t0[0])) -v s=$((t1[1] - t0[1])) 'BEGIN {printf "%.0f", (t > 0 ? 100 * s / t : 0)}')
    # Counted over DURATION - 1 of the DURATION seconds the requests were counted in.
    [[ $syscalls =~ ^[0-9]+$ ]] && syscalls=$(awk -v c="$syscalls" -v q="$requests" -v d="$DURATION" \
        'BEGIN {printf "%.2f", c / (q * (d - 1) / d)}') || syscalls="-"
    echo "$round $name $mode $(field "$line" rate) $(field "$line" p50_ms) $(field "$line" p99_ms)" \
        "$(field "$line" p999_ms) $(field "$line" max_ms) $cpu $kernel $syscalls $(field "$probe" new_p50_ms)" \
        "$(field "$probe" new_p99_ms) $(field "$probe" new_max_ms)" >>"$SAMPLES"
    pause=$(field "$line" generator_pause_ms)
    tail -n 1 "$SAMPLES" | awk -v pause="${pause:--}" '{
        printf "    %-6s %-5s %8.0f req/s  p50 %7s  p99 %7s  p99.9 %7s  max %8s ms  %6s us CPU/req  kernel %s%%" \
            "  syscalls/req %s  generator pause %s ms%s\n", $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, pause,
            (NF > 11 ? sprintf("  new connections p50 %s p99 %s max %s ms", $12, $13, $14) : "")}' >&2
    # A load generator that paused charged the pause to the server as latency: on a machine whose cores all stall
    # at once (a virtual machine's host), the round's tail is the machine's.
    awk -v p="${pause:-0}" 'BEGIN {exit !(p >= 10)}' && NOTES+=("round $round, ${LABEL[$name]} $mode: the load\
 generator itself paused $pause ms, so the tail of that round is partly the machine's")
    [[ -n $probe && $(field "$probe" new_errors) != 0 ]] &&
        NOTES+=("round $round, ${LABEL[$name]}: $(field "$probe" new_errors) new connections failed")
    MEASURED_RATE=$(field "$line" rate)
}

measure_round() {  # round name -> max and fixed samples
    local round=$1 name=$2 port=$((PORT_BASE + PORT_OFFSET[$2]))
    start_server "$name" "$port"
    if ! await_answer "$SERVER_PID" "$port"; then
        NOTES+=("round $round: ${LABEL[$name]} did not answer")
        stop_pid "$SERVER_PID"
        return
    fi
    log "round $round: ${LABEL[$name]}"
    rate_load "$port" 0 "$WARMUP" 1 >/dev/null
    measure "$round" "$name" max "$port" 0
    if [[ $name == "$REFERENCE" ]]; then
        FIXED_RATE=$(awk -v r="$MEASURED_RATE" -v f="$FIXED_FRACTION" 'BEGIN {printf "%.0f", r * f}')
    fi
    if [[ -n ${FIXED_RATE:-} && $FIXED_RATE -gt 0 ]]; then
        measure "$round" "$name" fixed "$port" "$FIXED_RATE"
    fi
    stop_pid "$SERVER_PID"
}

record_flame_graph() {  # Wisp under the load (FLAME_RATE), sampled by async-profiler (from target/lib) while it runs
    local server=$FLAME_SERVER
    local port=$((PORT_BASE + PORT_OFFSET[$server])) profile=$WORK_DIR/$server.collapsed load_pid agent arch load svg
    arch=$([[ $(uname -m) == aarch64 ]] && echo linux-arm64 || echo linux-x64)
    (cd "$WORK_DIR" && "$JAVA_HOME/bin/jar" xf "$(ls "$BENCH_DIR"/target/lib/async-profiler-*.jar)" \
        "$arch/libasyncProfiler.so") 2>/dev/null
    agent=$WORK_DIR/$arch/libasyncProfiler.so
    [[ -f $agent ]] || { NOTES+=("no flame graph: no async-profiler in target/lib"); return; }
    start_server "$server" "$port" -XX:+EnableDynamicAgentLoading
    await_answer "$SERVER_PID" "$port" || { stop_pid "$SERVER_PID"; return; }
    if ((FLAME_RATE > 0)); then
        load="a fixed $FLAME_RATE requests/s" svg=$server-flame-fixed.svg
    else
        load="closed loop" svg=$server-flame.svg
    fi
    log "flame graph: ${LABEL[$server]} under the load ($load)"
    rate_load "$port" "$FLAME_RATE" "$WARMUP" 12 >/dev/null &
    load_pid=$!
    STARTED_PIDS+=("$load_pid")
    sleep $((WARMUP + 1))
    # jcmd reads name=value words as its own options: the agent's options go in quotes of their own.
    "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JVMTI.agent_load "$agent" '"start,event=cpu,interval=1ms"' >/dev/null
    sleep 10
    "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JVMTI.agent_load "$agent" "\"stop,file=$profile,collapsed\"" >/dev/null
    wait "$load_pid"
    stop_pid "$SERVER_PID"
    [[ -s $profile ]] || { NOTES+=("no flame graph: the profiler wrote nothing"); return; }
    [[ -n ${KEEP_PROFILE:-} ]] && cp "$profile" "$KEEP_PROFILE"
    "$JAVA_HOME/bin/java" -cp "$CLASS_PATH" dev.wisp.bench.load.FlameGraph --collapsed \
        "${LABEL[$server]}, plaintext keep-alive, $CONNECTIONS connections, $load, $(date -u '+%Y-%m-%d')" \
        <"$profile" >"$(dirname "$RESULTS")/$svg"
}

summary() {  # mode column -> "median (min-max)" per server, one line each: name value
    local mode=$1 column=$2 name
    for name in $SERVERS; do
        awk -v n="$name" -v m="$mode" -v c="$column" '$2 == n && $3 == m {print $c}' "$SAMPLES" |
            awk -v n="$name" "$STATS_AWK"'{all = all " " $1}
                END {if (NR) printf "%s %s %s %s\n", n, median(all), low(all), high(all)}'
    done
}

table() {  # mode title
    local mode=$1 name median min max p50 p99 p999 mx cpu kernel reference_cpu ratio
    echo "## $2"
    echo
    echo "| server | req/s | p50 ms | p99 ms | p99.9 ms | max ms | CPU us/req | kernel share |" \
        "$([[ $SYSCALLS == 1 ]] && echo 'syscalls/req |') req per CPU-s vs ${LABEL[$REFERENCE]} |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|$([[ $SYSCALLS == 1 ]] && echo '---:|')---:|"
    reference_cpu=$(summary "$mode" 9 | awk -v r="$REFERENCE" '$1 == r {print $2}')
    for name in $SERVERS; do
        read -r _ median min max < <(summary "$mode" 4 | grep "^$name ") || continue
        p50=$(summary "$mode" 5 | awk -v n="$name" '$1 == n {print $2}')
        read -r _ p99 _ p99max < <(summary "$mode" 6 | grep "^$name ")
        read -r _ p999 _ p999max < <(summary "$mode" 7 | grep "^$name ")
        mx=$(summary "$mode" 8 | awk -v n="$name" '$1 == n {print $4}')
        cpu=$(summary "$mode" 9 | awk -v n="$name" '$1 == n {print $2}')
        kernel="$(summary "$mode" 10 | awk -v n="$name" '$1 == n {print $2}')% |"
        [[ $SYSCALLS == 1 ]] && kernel+=" $(summary "$mode" 11 | awk -v n="$name" '$1 == n {print $2}') |"
        ratio=$(awk -v a="$reference_cpu" -v b="$cpu" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", a / b; else print "-"}')
        printf "| %s | %.0f (%.0f-%.0f) | %s | %s (max %s) | %s (max %s) | %s | %s | %s %s |\n" "${LABEL[$name]}" \
            "$median" "$min" "$max" "$p50" "$p99" "$p99max" "$p999" "$p999max" "$mx" "$cpu" "$kernel" "$ratio"
    done
    echo
}

new_connections_table() {
    local name p50 p99 mx
    echo "## New connections during the closed loop"
    echo
    echo "One new connection every 100 ms, one request each, while the closed loop keeps the server busy: the wait"
    echo "for the first answer (median over the rounds; max: the worst round)."
    echo
    echo "| server | p50 ms | p99 ms | max ms |"
    echo "|---|---:|---:|---:|"
    for name in $SERVERS; do
        p50=$(summary max 12 | awk -v n="$name" '$1 == n {print $2}')
        [[ -n $p50 ]] || continue
        read -r _ p99 _ _ < <(summary max 13 | grep "^$name ")
        mx=$(summary max 14 | awk -v n="$name" '$1 == n {print $4}')
        printf "| %s | %s | %s | %s |\n" "${LABEL[$name]}" "$p50" "$p99" "$mx"
    done
    echo
}

report() {
    echo "# Latency and CPU per request"
    echo
    report_context
    echo "- $ROUNDS rounds, servers interleaved (${LABEL[$REFERENCE]} first, the others taking turns after it);" \
        "server on core $SERVER_CPU, RateLoad on core $LOAD_CPU," \
        "$CONNECTIONS keep-alive connections, GET /plaintext (13 bytes), ${WARMUP}s warm-up, ${DURATION}s measured" \
        "$([[ -n ${WISP_BENCH_BOOSTED:-} ]] && echo '; run at nice -20 in its own scheduling group')"
    echo "- max: closed loop; fixed: open loop at $FIXED_FRACTION of ${LABEL[$REFERENCE]}'s max of the same round," \
        "latency counted from when each request was due"
    echo
    echo "Figures: median over the rounds (min-max for requests/s, max for the tail); CPU = server CPU time"
    echo "(user + system) per request; kernel share = the system part of it$([[ $SYSCALLS == 1 ]] &&
        echo "; syscalls/req = the server's system calls (perf stat) per request")."
    echo
    table max "Closed loop (maximum throughput)"
    table fixed "Fixed rate ($FIXED_FRACTION x ${LABEL[$REFERENCE]}'s maximum)"
    new_connections_table
    if [[ -f $(dirname "$RESULTS")/$FLAME_SERVER-flame.svg && $FLAME == 1 && $FLAME_RATE == 0 ]]; then
        echo "Flame graph of ${LABEL[$FLAME_SERVER]} under the closed-loop load:" \
            "[$FLAME_SERVER-flame.svg]($FLAME_SERVER-flame.svg)."
        echo
    fi
    report_notes
}

main() {
    local round name others i
    begin_run taskset curl
    if [[ $SYSCALLS == 1 ]] && ! command -v perf >/dev/null; then
        log "SYSCALLS=1 needs perf (Debian's linux-perf)"
        exit 1
    fi
    : >"$SAMPLES"
    # The reference server goes first in every round: the fixed rate of the round comes from it. The others take
    # turns at following it, so that none is always measured right after the reference, or always last.
    read -r -a others <<<"$(tr ' ' '\n' <<<"$SERVERS" | grep -vx "$REFERENCE" | tr '\n' ' ')"
    for ((round = 1; round <= ROUNDS; round++)); do
        FIXED_RATE=""
        measure_round "$round" "$REFERENCE"
        for ((i = 0; i < ${#others[@]}; i++)); do
            measure_round "$round" "${others[(i + round - 1) % ${#others[@]}]}"
        done
    done
    [[ $FLAME == 1 && " $SERVERS " == *" $FLAME_SERVER "* ]] && record_flame_graph
    report | tee "$RESULTS"
}

main
