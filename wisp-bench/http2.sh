#!/usr/bin/env bash
# HTTP/2 throughput, latency and server CPU per request: Wisp against peer servers, h2c with prior knowledge, or
# with TLS=1 h2 over TLS (chosen by ALPN).
#
# Each round measures every server in turn (rounds interleaved), each pinned to one core with h2load on the other,
# under each of LOADS: `CONNECTIONSxSTREAMS` is h2load -c CONNECTIONS -m STREAMS, a closed loop in which each
# connection keeps up to STREAMS requests open at once (16x32: many streams on few connections; 64x1: one
# stream per connection at a time, as an HTTP/1.1 keep-alive load). Each load first runs LOAD_WARMUP seconds
# (h2load's --warm-up-time, not counted), then DURATION seconds measured; a server that has just started gets
# WARMUP seconds of the first load before that, for its JIT. Latency comes from h2load's per-request log
# (--log-file: each request's time from its HEADERS to its end), server CPU from /proc/PID/stat over the measured
# window. Reports requests/s, p50/p99/p99.9/max, server CPU per request and how busy h2load's core was, as
# min/median/max over the rounds, with ratios to the reference server.
#
# In the last round (in every round with LOAD=0), after the loads, the memory test of run.sh (memory.sh) holds
# IDLE_CONNECTIONS idle HTTP/2 connections, each after one request (IdleConnections --http2), and divides the
# growth of the server's live heap (JVMs, to the byte from a class histogram) and RSS by them.
#
# Servers: wisp (WispPlaintext with -Dwisp.bench.http2=true; wisp-loops the same on its carrier loops), netty (NettyHttp2Plaintext, Http2FrameCodec),
# nghttpd (--no-tls, one worker, the body from a file), h2o (one thread, h2c, the body from a file), nginx (one
# worker, `listen ... http2`, `return 200`). All answer GET /plaintext with the 13 bytes "Hello, World!". With
# TLS=1 every server gets the same self-signed ECDSA P-256 certificate, made for the run (as tls.sh does).
#
# Settings (environment):
#   SERVERS            servers in order (default: wisp netty nghttpd h2o nginx); REFERENCE the server the
#                      ratios are to (default: netty, or the first server)
#   LOADS              h2load loads, CONNECTIONSxSTREAMS (default: 16x32 64x1)
#   ROUNDS             rounds (default 3); WARMUP (default 4), LOAD_WARMUP (default 2) and DURATION (default 6)
#                      seconds
#   TLS=1              h2 over TLS 1.3 (h2load's default) instead of h2c
#   IDLE_CONNECTIONS   idle HTTP/2 connections held for the memory test (default 2000; 0 skips it)
#   LOAD=0             the memory test only, in every round, each heap figure the second of two passes on the
#                      same server (default 1: the loads, the memory test in the last round)
#   IDLE_SETTLE_SECONDS  the pause before a memory test and before its measurement (memory.sh; default 3)
#   BOOST=1            run in an own scheduling group at nice -20 (needs root), as latency.sh
#   JVM_FLAGS, JAVA_HOME, SERVER_CPU, LOAD_CPU, PORT_BASE (default 19800), START_TIMEOUT, SKIP_BUILD=1, RESULTS
#                      (default results/http2.md, with TLS=1 results/http2-tls.md)
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=boost.sh
source "$BENCH_DIR/boost.sh"

SERVERS=${SERVERS:-"wisp netty nghttpd h2o nginx"}
REFERENCE=${REFERENCE:-$([[ " $SERVERS " == *" netty "* ]] && echo netty || echo "${SERVERS%% *}")}
LOADS=${LOADS:-"16x32 64x1"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-4}
LOAD_WARMUP=${LOAD_WARMUP:-2}
DURATION=${DURATION:-6}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT_BASE=${PORT_BASE:-19800}
START_TIMEOUT=${START_TIMEOUT:-30}
QUIET_WAIT=0
SKIP_BUILD=${SKIP_BUILD:-0}
TLS=${TLS:-0}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-2000}
LOAD=${LOAD:-1}
IDLE_SETTLE_SECONDS=${IDLE_SETTLE_SECONDS:-3}
HEAP_FROM_HISTOGRAM=${HEAP_FROM_HISTOGRAM:-1}  # memory.sh: the live heap to the byte
SCHEME=$([[ $TLS == 1 ]] && echo https || echo http)
RESULTS=${RESULTS:-$BENCH_DIR/results/http2$([[ $TLS == 1 ]] && echo -tls).md}

declare -A H2_MAIN_CLASS=([wisp]=WispPlaintext [wisp-loops]=WispPlaintext [netty]=NettyHttp2Plaintext)
declare -A H2_PORT_OFFSET=([wisp]=1 [netty]=2 [nghttpd]=3 [h2o]=4 [nginx]=5 [wisp-loops]=6)
declare -A H2_LABEL=([wisp]=Wisp [wisp-loops]="Wisp (carrier loops)" [netty]="Netty 4.2" [nghttpd]=nghttpd [h2o]=h2o
    [nginx]=nginx)
declare -A LABEL  # memory.sh's name for the labels
for name in "${!H2_LABEL[@]}"; do LABEL[$name]=${H2_LABEL[$name]}; done
declare -A RESPONSE_BYTES=()

STARTED_PIDS=()
NOTES=()
WORK_DIR=$(mktemp -d -t wisp-bench-http2.XXXXXX)
SAMPLES=$WORK_DIR/samples  # round server load rate p50 p99 p999 max cpu-us-per-request load-busy-percent
MEMORY_SAMPLES=$WORK_DIR/memory  # round server heap-bytes-per-connection rss-KiB-per-connection
CERT_DIR=$WORK_DIR/cert
HZ=$(getconf CLK_TCK)

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"
declare -A H2_PEER_FLAGS=([wisp-loops]="$WISP_LOOPS_FLAGS")  # Wisp on its carrier loops
# shellcheck source=memory.sh
source "$BENCH_DIR/memory.sh"

write_h2o_config() {  # dir port: one thread, h2c (or TLS) on the port, the body from a file; h2o drops to nobody
    local ssl=""
    [[ $TLS == 1 ]] && ssl="  ssl:
    certificate-file: $CERT_DIR/chain.pem
    key-file: $CERT_DIR/key.pem"
    cat >"$1/h2o.conf" <<EOF
num-threads: 1
user: nobody
listen:
  host: 127.0.0.1
  port: $2
$ssl
hosts:
  default:
    paths:
      /plaintext:
        header.set: "content-type: text/plain"
        file.file: $1/www/plaintext
EOF
}

start_server() {  # name port -> SERVER_PID
    local name=$1 port=$2 tls_args=() nghttpd_args=(--no-tls)
    if [[ $TLS == 1 ]]; then
        tls_args=("$CERT_DIR/chain.pem" "$CERT_DIR/key.pem")
        nghttpd_args=("$port" "$CERT_DIR/key.pem" "$CERT_DIR/chain.pem")
    else
        nghttpd_args+=("$port")
    fi
    case $name in
        wisp | wisp-loops | netty)
            # shellcheck disable=SC2086  # JVM_FLAGS and the peer's flags are lists of flags
            taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS ${H2_PEER_FLAGS[$name]:-} \
                -Dwisp.bench.http2=true -cp "$CLASS_PATH" \
                "dev.wisp.bench.peers.${H2_MAIN_CLASS[$name]}" "$port" "${tls_args[@]}" >"$WORK_DIR/$name.log" 2>&1 &
            ;;
        nghttpd)
            taskset -c "$SERVER_CPU" nghttpd --address=127.0.0.1 --workers=1 -d "$WORK_DIR/www" \
                "${nghttpd_args[@]}" >"$WORK_DIR/$name.log" 2>&1 &
            ;;
        h2o)
            write_h2o_config "$WORK_DIR" "$port"
            taskset -c "$SERVER_CPU" h2o -c "$WORK_DIR/h2o.conf" >"$WORK_DIR/$name.log" 2>&1 &
            ;;
        nginx)
            NGINX_LISTEN_FLAGS="http2 " write_nginx_config "$WORK_DIR/nginx" "$port" "${tls_args[@]}"
            taskset -c "$SERVER_CPU" nginx -p "$WORK_DIR/nginx" -c "$WORK_DIR/nginx/nginx.conf" \
                -e "$WORK_DIR/nginx/error.log" >"$WORK_DIR/$name.log" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

await_h2_answer() {  # pid port -> 0 once GET /plaintext over HTTP/2 answers "Hello, World!"
    local pid=$1 port=$2 deadline=$((SECONDS + START_TIMEOUT)) how=(--http2-prior-knowledge)
    [[ $TLS == 1 ]] && how=(--http2 --cacert "$CERT_DIR/chain.pem")
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        [[ $(curl -s --max-time 2 "${how[@]}" -w ' %{http_version}' \
            "$SCHEME://127.0.0.1:$port/plaintext" 2>/dev/null) == "Hello, World! 2" ]] && return 0
        sleep 0.3
    done
    return 1
}

server_ticks() {  # the server and its children (nginx's worker, h2o's helper)
    # shellcheck disable=SC2046  # a list of PIDs
    process_jiffies "$SERVER_PID" $(pgrep -P "$SERVER_PID")
}

h2load_run() {  # port load warmup duration log -> h2load's output in WORK_DIR/h2load.out, its CPU in .../h2load.cpu
    local connections=${2%x*} streams=${2#*x} TIMEFORMAT='%U %S'
    { time timeout --kill-after=5 $(($3 + $4 + 30)) taskset -c "$LOAD_CPU" h2load -t1 -c "$connections" \
        -m "$streams" --warm-up-time="$3" -D "$4" ${5:+--log-file="$5"} "$SCHEME://127.0.0.1:$1/plaintext" \
        >"$WORK_DIR/h2load.out" 2>&1; } 2>"$WORK_DIR/h2load.cpu"
}

percentiles() {  # h2load log (start, status, microseconds per line) -> "p50 p99 p99.9 max" in ms
    cut -f 3 "$1" | sort -n | awk '{v[NR] = $1} END {
        if (NR == 0) { print "- - - -"; exit }
        split("0.5 0.99 0.999", q, " ")
        for (i = 1; i <= 3; i++) {
            k = int(q[i] * NR + 0.999999)
            if (k > NR) k = NR
            printf "%.2f ", v[k] / 1000
        }
        printf "%.2f\n", v[NR] / 1000
    }'
}

measure() {  # round name load port -> one line in SAMPLES
    local round=$1 name=$2 load=$3 port=$4 sampler t0 t1 rate succeeded counts busy cpu
    (sleep "$LOAD_WARMUP" && server_ticks >"$WORK_DIR/ticks-at-start") &
    sampler=$!
    h2load_run "$port" "$load" "$LOAD_WARMUP" "$DURATION" "$WORK_DIR/requests.log"
    t1=$(server_ticks)
    wait "$sampler"
    t0=$(cat "$WORK_DIR/ticks-at-start")
    rate=$(sed -n 's/^finished in .*s, \([0-9.]*\) req\/s.*/\1/p' "$WORK_DIR/h2load.out")
    succeeded=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$WORK_DIR/h2load.out")
    if [[ -z $rate || -z $succeeded || $succeeded -eq 0 ]]; then
        NOTES+=("round $round, ${H2_LABEL[$name]} $load: no answer ($(grep -m 1 -iE 'error|fail' \
            "$WORK_DIR/h2load.out" || echo 'h2load failed'))")
        return
    fi
    counts=$(sed -n 's/^requests: //p' "$WORK_DIR/h2load.out")
    [[ $counts =~ \ 0\ failed,\ 0\ errored,\ 0\ timeout ]] ||
        NOTES+=("round $round, ${H2_LABEL[$name]} $load: h2load says $counts")
    [[ $TLS == 1 ]] && ! grep -q '^Application protocol: h2$' "$WORK_DIR/h2load.out" &&
        NOTES+=("round $round, ${H2_LABEL[$name]} $load: ALPN did not choose h2")
    grep -q '^status codes: [0-9]* 2xx, 0 3xx, 0 4xx, 0 5xx' "$WORK_DIR/h2load.out" ||
        NOTES+=("round $round, ${H2_LABEL[$name]} $load: $(grep '^status codes' "$WORK_DIR/h2load.out")")
    busy=$(awk -v s=$((LOAD_WARMUP + DURATION)) '{printf "%.0f", ($1 + $2) * 100 / s}' "$WORK_DIR/h2load.cpu")
    cpu=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v q="$succeeded" 'BEGIN {printf "%.2f", t * 1e6 / hz / q}')
    echo "$round $name $load $rate $(percentiles "$WORK_DIR/requests.log") $cpu $busy" >>"$SAMPLES"
    tail -n 1 "$SAMPLES" | awk '{printf "    %-8s %-6s %9.0f req/s  p50 %6s  p99 %6s  p99.9 %6s  max %7s ms" \
        "  %6s us CPU/req  h2load %s%%\n", $2, $3, $4, $5, $6, $7, $8, $9, $10}' >&2
    rm -f "$WORK_DIR/requests.log"
}

measure_round() {  # round name -> one sample per load
    local round=$1 name=$2 port=$((PORT_BASE + H2_PORT_OFFSET[$2])) load
    start_server "$name" "$port"
    if ! await_h2_answer "$SERVER_PID" "$port"; then
        NOTES+=("round $round: ${H2_LABEL[$name]} did not answer over HTTP/2 ($(tail -n 1 "$WORK_DIR/$name.log"))")
        stop_pid "$SERVER_PID"
        return
    fi
    log "round $round: ${H2_LABEL[$name]}"
    if ((LOAD)); then
        h2load_run "$port" "${LOADS%% *}" 0 "$WARMUP"
        for load in $LOADS; do
            measure "$round" "$name" "$load" "$port"
        done
    fi
    (((round == ROUNDS || !LOAD) && IDLE_CONNECTIONS > 0)) && measure_idle "$round" "$name" "$port"
    stop_pid "$SERVER_PID"
}

measure_idle() {  # round name port: one memory figure of SERVER_PID, a line in MEMORY_SAMPLES
    local round=$1 name=$2 port=$3 pass passes=$((LOAD ? 1 : 2)) rss holder_args=(--http2)
    [[ $TLS == 1 ]] && holder_args+=(--tls "$CERT_DIR/chain.pem")
    for ((pass = 1; pass <= passes; pass++)); do
        # The server ends the connections of what ran before on threads of its own, which hold memory until done.
        sleep "$IDLE_SETTLE_SECONDS"
        HOLDER_ARGS="${holder_args[*]}" measure_idle_memory "$name" "$port" "$SERVER_PID"
        # RSS from the first pass: native memory that the first pass's connections freed stays with the process.
        ((pass == 1)) && rss=$RSS_PER_CONNECTION
    done
    log "${H2_LABEL[$name]}: heap $HEAP_BYTES_PER_CONNECTION bytes, RSS $rss KiB per idle HTTP/2 connection"
    echo "$round $name $HEAP_BYTES_PER_CONNECTION $rss" >>"$MEMORY_SAMPLES"
}

idle_memory_report() {  # a row per server: median (min-max) over the rounds
    [[ -s $MEMORY_SAMPLES ]] || return 0
    local name
    echo "## Memory per idle HTTP/2 connection ($IDLE_CONNECTIONS held, one request each)"
    echo
    if ((LOAD)); then
        echo "In the last round, after the loads. Heap: live heap growth per connection in bytes (JVMs only)."
    else
        echo "In every round (no load): each heap figure the second of two passes on the same server, the first" \
            "warming it; RSS from the first pass. Heap: live heap growth per connection in bytes (JVMs only)."
    fi
    echo "Median (min-max) over the rounds."
    echo
    echo "| server | heap bytes / conn | RSS KiB / conn |"
    echo "|---|---:|---:|"
    for name in $SERVERS; do
        awk -v n="$name" -v label="${H2_LABEL[$name]}" "$STATS_AWK"'
            $2 == n { if ($3 != "-") heap = heap " " $3; if ($4 != "-") rss = rss " " $4; seen = 1 }
            END {
                if (!seen) exit
                h = heap == "" ? "-" : sprintf("%.0f (%.0f-%.0f)", median(heap), low(heap), high(heap))
                r = rss == "" ? "-" : sprintf("%.1f (%.1f-%.1f)", median(rss), low(rss), high(rss))
                printf "| %s | %s | %s |\n", label, h, r
            }' "$MEMORY_SAMPLES"
    done
    echo
}

column_stats() {  # load column -> "name median min max" per server with samples
    local name
    for name in $SERVERS; do
        awk -v n="$name" -v l="$1" -v c="$2" '$2 == n && $3 == l {print $c}' "$SAMPLES" |
            awk -v n="$name" "$STATS_AWK"'{all = all " " $1}
                END {if (NR) printf "%s %s %s %s\n", n, median(all), low(all), high(all)}'
    done
}

stat_of() {  # load column name field(2 median, 3 min, 4 max)
    column_stats "$1" "$2" | awk -v n="$3" -v f="$4" '$1 == n {print $f}'
}

ratio() {  # a b -> a / b with two decimals, or - without both
    awk -v a="$1" -v b="$2" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", a / b; else print "-"}'
}

load_table() {  # load
    local load=$1 connections=${1%x*} streams=${1#*x} name rate reference_rate reference_cpu cpu
    echo "## ${connections} connections, up to ${streams} stream$([[ $streams == 1 ]] || echo s) each (h2load -c $connections -m $streams)"
    echo
    echo "| server | req/s | vs ${H2_LABEL[$REFERENCE]} | p50 ms | p99 ms | p99.9 ms | max ms | CPU us/req |" \
        "req per CPU-s vs ${H2_LABEL[$REFERENCE]} | h2load busy |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    reference_rate=$(stat_of "$load" 4 "$REFERENCE" 2)
    reference_cpu=$(stat_of "$load" 9 "$REFERENCE" 2)
    for name in $SERVERS; do
        rate=$(stat_of "$load" 4 "$name" 2)
        [[ -n $rate ]] || continue
        cpu=$(stat_of "$load" 9 "$name" 2)
        printf "| %s | %.0f (%.0f-%.0f) | %s | %s | %s (max %s) | %s (max %s) | %s | %s | %s | %s%% |\n" \
            "${H2_LABEL[$name]}" "$rate" "$(stat_of "$load" 4 "$name" 3)" "$(stat_of "$load" 4 "$name" 4)" \
            "$(ratio "$rate" "$reference_rate")" "$(stat_of "$load" 5 "$name" 2)" \
            "$(stat_of "$load" 6 "$name" 2)" "$(stat_of "$load" 6 "$name" 4)" \
            "$(stat_of "$load" 7 "$name" 2)" "$(stat_of "$load" 7 "$name" 4)" "$(stat_of "$load" 8 "$name" 4)" \
            "$cpu" "$(ratio "$reference_cpu" "$cpu")" "$(stat_of "$load" 10 "$name" 2)"
    done
    echo
}

round_ratios() {  # Wisp's requests/s and requests per CPU-second over the reference's, round by round
    [[ " $SERVERS " == *" wisp "* && $REFERENCE != wisp ]] || return 0
    local load
    echo "## Wisp / ${H2_LABEL[$REFERENCE]}, round by round"
    echo
    echo "| load | req/s | req per CPU-s |"
    echo "|---|---|---|"
    for load in $LOADS; do
        awk -v l="$load" -v r="$REFERENCE" '$3 == l && $2 == "wisp" {rate[$1] = $4; cpu[$1] = $9}
            $3 == l && $2 == r {rrate[$1] = $4; rcpu[$1] = $9}
            END {
                for (i = 1; i in rate || i in rrate; i++) {
                    a = a sep (i in rate && rrate[i] > 0 ? sprintf("%.2f", rate[i] / rrate[i]) : "-")
                    b = b sep (i in rate && cpu[i] > 0 ? sprintf("%.2f", rcpu[i] / cpu[i]) : "-")
                    sep = ", "
                }
                printf "| %s | %s | %s |\n", l, a, b
            }' "$SAMPLES"
    done
    echo
}

report() {
    echo "# HTTP/2 ($([[ $TLS == 1 ]] && echo 'h2 over TLS' || echo h2c))" \
        "$( ((LOAD)) && echo 'throughput, latency and CPU per request' || echo 'memory per idle connection')"
    echo
    report_context
    echo "- $(h2load --version 2>&1 | head -n 1), $(nghttpd --version 2>&1 | head -n 1)," \
        "$(h2o --version 2>&1 | head -n 1), $(nginx -v 2>&1 | sed 's/^nginx version: //')"
    if ((LOAD)); then
        echo "- $ROUNDS rounds, servers interleaved; server on core $SERVER_CPU, \`h2load -t1\` on core $LOAD_CPU," \
            "$([[ $TLS == 1 ]] && echo 'h2 by ALPN over TLS (h2load'"'"'s default, TLS 1.3), one ECDSA P-256 certificate' ||
                echo 'h2c with prior knowledge'), GET /plaintext (13 bytes); a new server gets ${WARMUP}s of the first load," \
            "then each load ${LOAD_WARMUP}s of warm-up and ${DURATION}s measured" \
            "$([[ -n ${WISP_BENCH_BOOSTED:-} ]] && echo '; run at nice -20 in its own scheduling group')"
        echo
        echo "Figures: median over the rounds (min-max for requests/s, max for the tail); latency from h2load's"
        echo "per-request log (HEADERS sent to response complete); CPU = server CPU time (user + system) per request;"
        echo "h2load busy = its CPU time over the load's seconds (near 100%: h2load, not the server, set the pace)."
    else
        echo "- $ROUNDS rounds, servers interleaved; server on core $SERVER_CPU, the connections' holder on core" \
            "$LOAD_CPU, $([[ $TLS == 1 ]] && echo 'h2 by ALPN over TLS 1.3' || echo 'h2c with prior knowledge');" \
            "the memory test only (LOAD=0)"
    fi
    echo
    if ((LOAD)); then
        for load in $LOADS; do
            load_table "$load"
        done
        round_ratios
    fi
    idle_memory_report
    report_notes
}

main() {
    local round name
    begin_run taskset curl h2o nginx
    # h2load and nghttpd come in Debian packages of other names
    command -v h2load >/dev/null || install_tools nghttp2-client
    command -v nghttpd >/dev/null || install_tools nghttp2-server
    : >"$SAMPLES"
    # h2o drops to nobody, which must read its file; mktemp made the folder for root alone.
    mkdir -p "$WORK_DIR/www"
    printf 'Hello, World!' >"$WORK_DIR/www/plaintext"
    chmod a+rx "$WORK_DIR" "$WORK_DIR/www"
    chmod a+r "$WORK_DIR/www/plaintext"
    [[ $TLS == 1 ]] && make_certificate
    for ((round = 1; round <= ROUNDS; round++)); do
        for name in $SERVERS; do
            measure_round "$round" "$name"
        done
    done
    report | tee "$RESULTS"
}

main
