#!/usr/bin/env bash
# WebSocket benchmark: Wisp's echo server against Java-WebSocket, Netty and Jetty 12, in interleaved rounds, then
# live heap per idle WebSocket connection.
#
# Each round starts every server in turn pinned to SERVER_CPU; one load client (WebSocketLoad, on Wisp's client)
# pinned to LOAD_CPU runs three tests on connections of its own, each a WARMUP then a DURATION window:
#   small1    one connection: a MESSAGE_BYTES text message, wait for its echo, again and again
#   small64   CONNECTIONS connections doing the same at once
#   large     LARGE_CONNECTIONS connections echoing LARGE_BYTES binary messages
# and reports round trips (or MB echoed) per second, p50 and p99 round-trip times, and how busy the load client's
# core was (near 100 %: the client, not the server, set the pace). In the last round, after the load, the memory
# test of run.sh (memory.sh) holds IDLE_CONNECTIONS idle WebSocket connections and divides the growth of the
# server's live heap (after a full GC) by them; on Wisp's server then again with as many idle HTTP/1.1 keep-alive
# connections (its echo peer answers GET /plaintext too), the figure an idle WebSocket should not exceed; then, on a
# freshly started server, with permessage-deflate offered in every upgrade (a server that declines it gets no
# figure) and one message echoed on each connection, so the server has made its compression contexts; on a server
# whose peer speaks HTTP/2 (Wisp's), also idle WebSockets over HTTP/2 (RFC 8441, one on each h2c connection) and,
# for comparison, idle h2c connections after one request. With LOAD=0
# nothing is timed: no echo tests, and every round runs the memory tests, each heap figure the second of two passes
# on the same server (the first warms it, as the load does otherwise), RSS from the first. Prints a Markdown report
# and writes it to RESULTS. Stops only the processes it started, by PID.
#
# Settings (environment):
#   SERVERS            servers in order (default: wisp javaws netty jetty)
#   ROUNDS             interleaved rounds (default 3)
#   WARMUP, DURATION   seconds of each test's warm-up and measured window (default 3, 8)
#   CONNECTIONS        connections of small64 (default 64); MESSAGE_BYTES its messages (default 32)
#   LARGE_CONNECTIONS  connections of the large test (default 4); LARGE_BYTES its messages (default 65536)
#   IDLE_CONNECTIONS   idle WebSocket connections held for the memory test (default 2000; 0 skips it)
#   LOAD=0             the memory tests only, in every round (default 1: the echo tests, memory in the last round)
#   IDLE_SETTLE_SECONDS  the pause before each memory test, for the connections before it to end, and between
#                      opening the idle connections and measuring (memory.sh), for them to settle (default 3)
#   HEAP_FROM_HISTOGRAM  the live heap from the class histogram's total (default 1; 0: the heap spaces' use)
#   BOOST=1            run in an own scheduling group at nice -20 (needs root), as latency.sh does
#   JVM_FLAGS, SERVER_CPU, LOAD_CPU, PORT_BASE (default 19300), START_TIMEOUT, QUIET_WAIT (default 10),
#   SKIP_BUILD=1, RESULTS (default results/websocket.md), JAVA_HOME: as in run.sh
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=boost.sh
source "$BENCH_DIR/boost.sh"
SERVERS=${SERVERS:-"wisp javaws netty jetty"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-64}
MESSAGE_BYTES=${MESSAGE_BYTES:-32}
LARGE_CONNECTIONS=${LARGE_CONNECTIONS:-4}
LARGE_BYTES=${LARGE_BYTES:-65536}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-2000}
LOAD=${LOAD:-1}
IDLE_SETTLE_SECONDS=${IDLE_SETTLE_SECONDS:-3}
HEAP_FROM_HISTOGRAM=${HEAP_FROM_HISTOGRAM:-1}  # memory.sh: the live heap to the byte, for figures in bytes
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT_BASE=${PORT_BASE:-19300}
START_TIMEOUT=${START_TIMEOUT:-30}
QUIET_WAIT=${QUIET_WAIT:-10}
SKIP_BUILD=${SKIP_BUILD:-0}
RESULTS=${RESULTS:-$BENCH_DIR/results/websocket.md}

declare -A MAIN_CLASS=([wisp]=WispWebSocketEcho [javaws]=JavaWebSocketEcho [netty]=NettyWebSocketEcho
    [jetty]=JettyWebSocketEcho)
declare -A PORT_OFFSET=([wisp]=1 [javaws]=2 [netty]=3 [jetty]=4)
declare -A LABEL=([wisp]=Wisp [javaws]=Java-WebSocket [netty]=Netty [jetty]=Jetty)
# The idle connections of the memory tests, as IdleConnections' options; "http" only on servers that answer
# GET /plaintext (SERVES_HTTP).
declare -A IDLE_KIND=([websocket]="--websocket /echo" [http]="" [deflate]="--websocket /echo --deflate --message"
    [h2websocket]="--http2 --websocket /echo" [h2]="--http2")
declare -A IDLE_LABEL=([websocket]="WebSocket" [http]="HTTP/1.1 keep-alive, same server"
    [deflate]="WebSocket, permessage-deflate, one message echoed"
    [h2websocket]="WebSocket over HTTP/2 (RFC 8441, h2c), one a connection"
    [h2]="HTTP/2 (h2c) after one request, same server")
declare -A SERVES_HTTP=([wisp]=1)
# Servers whose echo peer speaks HTTP/2 beside HTTP/1.1, and WebSockets over it: also measured so.
declare -A SERVES_HTTP2=([wisp]=1)

STARTED_PIDS=()
NOTES=()
declare -A RESPONSE_BYTES=()
WORK_DIR=$(mktemp -d -t wisp-bench-websocket.XXXXXX)
SAMPLES=$WORK_DIR/samples  # one line per test and round: round server test per-second p50-us p99-us client-busy-%
MEMORY_SAMPLES=$WORK_DIR/memory  # one line per memory test and round: round server kind heap-bytes rss-KiB
HZ=$(getconf CLK_TCK)

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"
# shellcheck source=memory.sh
source "$BENCH_DIR/memory.sh"

start_server() {  # name port -> SERVER_PID
    # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
    taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$CLASS_PATH" \
        "dev.wisp.bench.peers.${MAIN_CLASS[$1]}" "$2" >"$WORK_DIR/$1.log" 2>&1 &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

upgrades() {  # port -> 0 when GET /echo with a WebSocket upgrade is answered 101
    local status="" head=(
        "GET /echo HTTP/1.1" "Host: 127.0.0.1" "Connection: Upgrade" "Upgrade: websocket"
        "Sec-WebSocket-Version: 13" "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" "")
    {
        exec 3<>"/dev/tcp/127.0.0.1/$1" && printf '%s\r\n' "${head[@]}" >&3 && read -r -t 2 status <&3
        exec 3<&-
    } 2>/dev/null
    [[ $status == "HTTP/1.1 101 "* ]]
}

await_upgrade() {  # pid port -> 0 once the server upgrades to WebSocket
    local deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        kill -0 "$1" 2>/dev/null || return 1
        upgrades "$2" && return 0
        sleep 0.3
    done
    return 1
}

measure_load() {  # round name port: one load JVM, three tests, a line in SAMPLES per test
    local round=$1 name=$2 port=$3 out=$WORK_DIR/$1.$2.txt limit
    limit=$((3 * (WARMUP + DURATION) + 60))
    # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
    timeout --kill-after=5 "$limit" taskset -c "$LOAD_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$CLASS_PATH" \
        dev.wisp.bench.load.WebSocketLoad "ws://127.0.0.1:$port/echo" "$WARMUP" "$DURATION" "$CONNECTIONS" \
        "$MESSAGE_BYTES" "$LARGE_CONNECTIONS" "$LARGE_BYTES" "$SERVER_PID" >"$out" 2>"$WORK_DIR/$round.$name.err" ||
        NOTES+=("round $round, ${LABEL[$name]}: the load client exited with status $? ($(head -c 200 \
            "$WORK_DIR/$round.$name.err" | tr '\n' ' '))")
    awk -v r="$round" -v n="$name" -v hz="$HZ" '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        if (v["round_trips"] == 0 || v["errors"] > 0) { print r, n, $1, 0, "-", "-", "-", v["errors"], "-"; next }
        seconds = v["nanos"] / 1e9
        rate = $1 == "large" ? v["bytes"] / 1e6 / seconds : v["round_trips"] / seconds
        server = v["server_cpu_ticks"] >= 0 ? sprintf("%.1f", v["server_cpu_ticks"] / hz * 1e6 / v["round_trips"]) : "-"
        printf "%s %s %s %.1f %s %s %.0f %s %s\n", r, n, $1, rate, v["p50_us"], v["p99_us"],
            100 * v["cpu_ticks"] / hz / seconds, v["errors"], server
    }' "$out" | tee -a "$SAMPLES" | awk '{
        printf "    %-7s %-8s %10s %-5s p50 %8s us  p99 %8s us  client busy %3s%%  server CPU %6s us/rt  errors %s\n",
            $2, $3, $4, ($3 == "large" ? "MB/s" : "rt/s"), $5, $6, $7, $9, $8 }' >&2
    grep -q '^echo failed' "$WORK_DIR/$round.$name.err" &&
        NOTES+=("round $round, ${LABEL[$name]}: $(grep '^echo failed' "$WORK_DIR/$round.$name.err" | sort |
            uniq -c | head -n 3 | sed 's/^ *//' | paste -sd ';' -)")
    return 0
}

measure_idle() {  # round name port kind: one memory figure of SERVER_PID, a line in MEMORY_SAMPLES
    local round=$1 name=$2 port=$3 kind=$4 pass passes=$((LOAD ? 1 : 2)) rss
    for ((pass = 1; pass <= passes; pass++)); do
        # The server ends the connections of what ran before on threads of its own, which hold stacks until done.
        sleep "$IDLE_SETTLE_SECONDS"
        HOLDER_ARGS=${IDLE_KIND[$kind]} measure_idle_memory "$name" "$port" "$SERVER_PID"
        # RSS from the first pass: native memory that the first pass's connections freed stays with the process.
        ((pass == 1)) && rss=$RSS_PER_CONNECTION
    done
    log "${LABEL[$name]}, ${IDLE_LABEL[$kind]}: heap $HEAP_BYTES_PER_CONNECTION bytes, RSS $rss KiB per idle connection"
    [[ $HEAP_BYTES_PER_CONNECTION != - ]] &&
        echo "$round $name $kind $HEAP_BYTES_PER_CONNECTION $rss" >>"$MEMORY_SAMPLES"
    return 0
}

measure_server() {  # round name: start it, the load tests, the memory tests (in the last round with load), stop it
    local round=$1 name=$2 port=$((PORT_BASE + PORT_OFFSET[$2]))
    if ! port_is_free "$port"; then
        NOTES+=("round $round: port $port for ${LABEL[$name]} was busy")
        return
    fi
    wait_for_quiet "${LABEL[$name]}"
    start_server "$name" "$port"
    if ! await_upgrade "$SERVER_PID" "$port"; then
        NOTES+=("round $round: ${LABEL[$name]} did not upgrade GET /echo to a WebSocket")
        tail -n 5 "$WORK_DIR/$name.log" >&2
        stop_pid "$SERVER_PID"
        return
    fi
    log "round $round: ${LABEL[$name]}"
    ((LOAD)) && measure_load "$round" "$name" "$port"
    if (((round == ROUNDS || !LOAD) && IDLE_CONNECTIONS > 0)); then
        # Alternate which kind comes first: RSS grows most in the first test (heap pages touched the first time).
        if [[ -n ${SERVES_HTTP[$name]:-} ]] && ((round % 2 == 0)); then
            measure_idle "$round" "$name" "$port" http
            measure_idle "$round" "$name" "$port" websocket
        else
            measure_idle "$round" "$name" "$port" websocket
            [[ -n ${SERVES_HTTP[$name]:-} ]] && measure_idle "$round" "$name" "$port" http
        fi
        if [[ -n ${SERVES_HTTP2[$name]:-} ]]; then
            measure_idle "$round" "$name" "$port" h2websocket
            measure_idle "$round" "$name" "$port" h2
        fi
        # A fresh server: the zlib streams' native memory shows in RSS only on a process that never had them.
        stop_pid "$SERVER_PID"
        start_server "$name" "$port"
        await_upgrade "$SERVER_PID" "$port" && measure_idle "$round" "$name" "$port" deflate
    fi
    stop_pid "$SERVER_PID"
}

summary() {  # test -> Markdown rows: median (min-max) over rounds, ratio to Wisp, p50, p99, client core busy
    awk -v t="$1" -v order="$SERVERS" -v labels="$(for n in $SERVERS; do printf '%s=%s|' "$n" "${LABEL[$n]}"; done)" \
        "$STATS_AWK"'
        BEGIN {
            n = split(labels, pairs, "|")
            for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); name[kv[1]] = kv[2] }
        }
        $3 == t && $4 > 0 { rate[$2] = rate[$2] " " $4; p50[$2] = p50[$2] " " $5; p99[$2] = p99[$2] " " $6
                            busy[$2] = busy[$2] " " $7; if ($9 != "-") cpu[$2] = cpu[$2] " " $9 }
        END {
            split(order, servers, " ")
            for (i = 1; i in servers; i++) {
                s = servers[i]
                if (!(s in rate)) { printf "| %s | failed | | | | | | |\n", name[s]; continue }
                ratio = ("wisp" in rate) ? sprintf("%.2f", median(rate[s]) / median(rate["wisp"])) : "n/a"
                f = t == "large" ? "%.1f" : "%.0f"
                server = (s in cpu) ? sprintf("%.1f", median(cpu[s])) : "-"
                cpu_ratio = (s in cpu && "wisp" in cpu) ? sprintf("%.2f", median(cpu[s]) / median(cpu["wisp"])) : "n/a"
                printf "| %s | " f " (" f "-" f ") | %s | %.0f | %.0f | %.0f %% | %s | %s |\n", name[s], median(rate[s]),
                    low(rate[s]), high(rate[s]), ratio, median(p50[s]), median(p99[s]), median(busy[s]), server, cpu_ratio
            }
        }' "$SAMPLES"
}

report() {
    local test title unit
    echo "# WebSocket benchmark"
    echo
    report_context
    echo "- servers: $(cd "$BENCH_DIR/target/lib" && ls Java-WebSocket-*.jar netty-codec-http-*.jar \
        jetty-websocket-jetty-server-*.jar | sed 's/\.jar$//' | paste -sd ' ' - | sed 's/ /, /g'), Wisp" \
        "(echo on /echo, no compression); server on core $SERVER_CPU, load client (Wisp's client) on core $LOAD_CPU"
    if ((LOAD)); then
        echo "- $ROUNDS rounds, servers interleaved in each; each test: $WARMUP s warm-up, then $DURATION s measured"
        echo
        echo "Figures: median over the rounds (min-max); ratios against Wisp by median (above 1: more per second" \
            "than Wisp); round-trip times in microseconds; client busy: the load client's CPU time over the window" \
            "(near 100 %, the client set the pace); server CPU: the server's CPU time over the window per round" \
            "trip, the figure that compares servers when the client sets the pace (above 1: more CPU than Wisp)."
    else
        echo "- $ROUNDS rounds, servers interleaved in each; memory tests only (LOAD=0)"
    fi
    for test in small1 small64 large; do
        case $test in
            small1) title="Echo of $MESSAGE_BYTES-byte text messages over 1 connection"; unit="round trips/s" ;;
            small64) title="Echo of $MESSAGE_BYTES-byte text messages over $CONNECTIONS connections"
                unit="round trips/s" ;;
            large) title="Echo of $((LARGE_BYTES / 1024)) KiB binary messages over $LARGE_CONNECTIONS connections"
                unit="MB/s echoed" ;;
        esac
        grep -q " $test " "$SAMPLES" 2>/dev/null || continue
        echo
        echo "## $title"
        echo
        echo "| server | $unit | vs Wisp | p50 us | p99 us | client busy | server CPU us per round trip | vs Wisp |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|"
        summary "$test"
    done
    idle_memory_report
    report_notes
}

idle_memory_report() {  # the memory tests: a row per server and kind of connection, median (min-max) over rounds
    [[ -s $MEMORY_SAMPLES ]] || return 0
    local name kind
    echo
    echo "## Live heap per idle connection ($IDLE_CONNECTIONS held)"
    echo
    if ((LOAD)); then
        echo "In the last round: after its load, then on a freshly started server for permessage-deflate."
    else
        echo "In every round (no load): each heap figure the second of two passes on the same server, the first" \
            "warming it; RSS from the first pass (native memory freed by its connections stays with the process);" \
            "permessage-deflate on a freshly started server."
    fi
    echo "Heap in bytes per connection: median (min-max) over the rounds; zlib's native memory shows in RSS only."
    echo
    echo "| server | idle connection | heap bytes / conn | RSS KiB / conn |"
    echo "|---|---|---:|---:|"
    for kind in websocket http deflate h2websocket h2; do
        for name in $SERVERS; do
            awk -v n="$name" -v k="$kind" -v label="${LABEL[$name]}" -v kind_label="${IDLE_LABEL[$kind]}" \
                "$STATS_AWK"'
                $2 == n && $3 == k { heap = heap " " $4; rss = rss " " $5 }
                END {
                    if (heap == "") exit
                    printf "| %s | %s | %.0f (%.0f-%.0f) | %.1f |\n", label, kind_label, median(heap), low(heap),
                        high(heap), median(rss)
                }' "$MEMORY_SAMPLES"
        done
    done
}

main() {
    local round name
    begin_run
    for ((round = 1; round <= ROUNDS; round++)); do
        log "round $round of $ROUNDS (load average $(cut -d ' ' -f 1-3 /proc/loadavg))"
        for name in $SERVERS; do
            if [[ -z ${LABEL[$name]:-} ]]; then
                log "unknown server '$name' (known: ${!LABEL[*]})"
                continue
            fi
            measure_server "$round" "$name"
        done
    done
    mkdir -p "$(dirname "$RESULTS")"
    report | tee "$RESULTS"
}

main "$@"
