#!/usr/bin/env bash
# HTTPS benchmark: Wisp against Netty (JDK SSLEngine), Jetty 12 and nginx, with one ECDSA P-256 certificate made
# for the run, side by side in interleaved rounds; then live heap per idle TLS connection, and a plaintext
# cross-check of Wisp and Netty in the same run.
#
# Each round starts every server in turn pinned to SERVER_CPU and measures, with the load on LOAD_CPU:
#   keep-alive   wrk -t1 -cCONNECTIONS over HTTPS (one handshake per connection, then requests)
#   full 1.3     HANDSHAKE_CLIENTS x `openssl s_time -new -tls1_3 -www /plaintext`: a new connection, a full
#                handshake (s_time -new never offers a session) and one HTTP/1.0 request each
#   full 1.2     the same with -tls1_2
#   resumed      wrk -t1 -cCONNECTIONS -H 'Connection: close': a new connection per request that resumes the
#                session of the connection before it (wrk keeps it across its reconnects); checked per server
#                with `openssl s_time -reuse`, whose r/* marks say whether the server resumed
#   burst        wrk -t1 -cBURST_KEEPALIVE keep-alive for BURST_SECONDS while, every 2 s, `h2load --h1
#                -cBURST_CONNECTIONS -nBURST_CONNECTIONS` opens that many new connections at once, each with a
#                full handshake and one request: the keep-alive p99 while handshakes arrive in bursts (skipped
#                without h2load)
# and for each: requests/s, p99 (wrk only) and server CPU per request (utime + stime from /proc/PID/stat).
# Prints a Markdown report and writes it to RESULTS. Stops only the processes it started, by PID.
#
# Settings (environment):
#   SERVERS            TLS servers in order (default: wisp netty jetty nginx)
#   PLAINTEXT_SERVERS  plaintext cross-check, same rounds (default: wisp netty; empty skips it)
#   ROUNDS             interleaved rounds (default 3)
#   DURATION, WARMUP   keep-alive wrk durations (default 10s, 5s); CONNECTIONS (default 64)
#   HANDSHAKE_SECONDS  each handshake measurement (default 8); HANDSHAKE_CLIENTS parallel s_time (default 4)
#   IDLE_CONNECTIONS   idle TLS connections held for the memory test (default 5000; 0 skips it)
#   BURST_SECONDS (default 8; 0 skips it), BURST_KEEPALIVE (default 32), BURST_CONNECTIONS (default 64)
#   BOOST=1            run in an own scheduling group at nice -20 (needs root), as latency.sh does
#   JVM_FLAGS, SERVER_CPU, LOAD_CPU, PORT_BASE (default 19100), START_TIMEOUT, QUIET_WAIT (default 20),
#   SKIP_BUILD=1, RESULTS (default results/tls.md), JAVA_HOME: as in run.sh
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=boost.sh
source "$BENCH_DIR/boost.sh"
SERVERS=${SERVERS:-"wisp netty jetty nginx"}
PLAINTEXT_SERVERS=${PLAINTEXT_SERVERS-"wisp netty"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
HANDSHAKE_SECONDS=${HANDSHAKE_SECONDS:-8}
HANDSHAKE_CLIENTS=${HANDSHAKE_CLIENTS:-4}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-5000}
BURST_SECONDS=${BURST_SECONDS:-8}
BURST_KEEPALIVE=${BURST_KEEPALIVE:-32}
BURST_CONNECTIONS=${BURST_CONNECTIONS:-64}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT_BASE=${PORT_BASE:-19100}
START_TIMEOUT=${START_TIMEOUT:-30}
QUIET_WAIT=${QUIET_WAIT:-20}
SKIP_BUILD=${SKIP_BUILD:-0}
RESULTS=${RESULTS:-$BENCH_DIR/results/tls.md}

declare -A MAIN_CLASS=([wisp]=WispPlaintext [netty]=NettyPlaintext [jetty]=JettyPlaintext)
declare -A PORT_OFFSET=([wisp]=1 [netty]=2 [jetty]=3 [nginx]=4)
declare -A LABEL=([wisp]=Wisp [netty]=Netty [jetty]=Jetty [nginx]=nginx)
declare -A HEAP=() RSS=() HELD=()

STARTED_PIDS=()
NOTES=()
declare -A RESPONSE_BYTES=()
WORK_DIR=$(mktemp -d -t wisp-bench-tls.XXXXXX)
CERT_DIR=$WORK_DIR/cert
SAMPLES=$WORK_DIR/samples  # one line per measurement: round server metric req/s p99-ms cpu-us-per-request
HZ=$(getconf CLK_TCK)

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"
# shellcheck source=memory.sh
source "$BENCH_DIR/memory.sh"

start_server() {  # name port scheme -> SERVER_PID, SERVER_PIDS (nginx: master and worker)
    local name=$1 port=$2 scheme=$3 tls_args=()
    [[ $scheme == https ]] && tls_args=("$CERT_DIR/chain.pem" "$CERT_DIR/key.pem")
    if [[ $name == nginx ]]; then
        write_nginx_config "$WORK_DIR/nginx" "$port" "$CERT_DIR/chain.pem" "$CERT_DIR/key.pem"
        taskset -c "$SERVER_CPU" nginx -p "$WORK_DIR/nginx" -c "$WORK_DIR/nginx/nginx.conf" \
            -e "$WORK_DIR/nginx/error.log" >"$WORK_DIR/$name.log" 2>&1 &
    else
        # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
        taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$CLASS_PATH" \
            "dev.wisp.bench.peers.${MAIN_CLASS[$name]}" "$port" "${tls_args[@]}" >"$WORK_DIR/$name.log" 2>&1 &
    fi
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

await_answer() {  # pid url -> 0 when the URL answers 200 "Hello, World!", trusting only the run's certificate
    local pid=$1 url=$2 deadline=$((SECONDS + START_TIMEOUT)) body
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        body=$(curl -s --max-time 2 --cacert "$CERT_DIR/chain.pem" "$url" 2>/dev/null)
        [[ $body == "Hello, World!" ]] && return 0
        sleep 0.3
    done
    return 1
}

server_ticks() {  # -> CPU ticks of the server: the JVM, or nginx's master and workers
    # shellcheck disable=SC2046  # a list of PIDs
    process_jiffies "$SERVER_PID" $(pgrep -P "$SERVER_PID")
}

p99_ms() {  # wrk output file -> p99 in ms
    awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        print (u == "us" ? v / 1000 : u == "s" ? v * 1000 : v) }' "$1"
}

record() {  # round name metric requests seconds ticks p99 -> a line in SAMPLES
    awk -v r="$1" -v n="$2" -v m="$3" -v q="$4" -v s="$5" -v t="$6" -v p="$7" -v hz="$HZ" 'BEGIN {
        if (q <= 0) { print r, n, m, 0, "-", "-"; exit }
        printf "%s %s %s %.0f %s %.1f\n", r, n, m, q / s, p, t * 1e6 / hz / q }' >>"$SAMPLES"
    tail -n 1 "$SAMPLES" |
        awk '{printf "    %-8s %-9s %8s req/s  p99 %6s ms  %7s us CPU/req\n", $2, $3, $4, $5, $6}' >&2
}

wrk_measure() {  # round name metric url duration [header] [connections] -> one sample
    local round=$1 name=$2 metric=$3 url=$4 duration=$5 header=${6:-} t0 t1 s0 s1 requests out
    out=$WORK_DIR/$name.$metric.$round.txt
    local args=(-t1 -c"${7:-$CONNECTIONS}" -d"$duration" --latency)
    [[ -n $header ]] && args+=(-H "$header")
    t0=$(server_ticks); s0=$(date +%s.%N)
    timeout --kill-after=5 $(($(seconds "$duration") + 30)) taskset -c "$LOAD_CPU" wrk "${args[@]}" "$url" \
        >"$out" 2>&1
    t1=$(server_ticks); s1=$(date +%s.%N)
    requests=$(awk '/requests in/ {print $1}' "$out")
    grep -qE 'Socket errors|Non-2xx' "$out" &&
        NOTES+=("round $round, ${LABEL[$name]} $metric: $(grep -E 'Socket errors|Non-2xx' "$out" | sed 's/^ *//' |
            paste -sd ';' -)")
    record "$round" "$name" "$metric" "${requests:-0}" "$(awk -v a="$s0" -v b="$s1" 'BEGIN {print b - a}')" \
        $((t1 - t0)) "$(p99_ms "$out" | grep . || echo -)"
}

s_time_measure() {  # round name metric port version -> one sample (HANDSHAKE_CLIENTS parallel s_time -new)
    local round=$1 name=$2 metric=$3 port=$4 version=$5 t0 t1 s0 s1 i pids=() connections bytes
    t0=$(server_ticks); s0=$(date +%s.%N)
    for ((i = 0; i < HANDSHAKE_CLIENTS; i++)); do
        timeout --kill-after=5 $((HANDSHAKE_SECONDS + 30)) taskset -c "$LOAD_CPU" openssl s_time \
            -connect "127.0.0.1:$port" -new "-$version" -www /plaintext -time "$HANDSHAKE_SECONDS" \
            >"$WORK_DIR/s_time.$i" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"
    t1=$(server_ticks); s1=$(date +%s.%N)
    connections=$(cat "$WORK_DIR"/s_time.* | awk '/connections in .* real seconds/ {n += $1} END {print n + 0}')
    bytes=$(awk '/bytes read per connection/ {print $(NF - 4); exit}' "$WORK_DIR/s_time.0")
    ((${bytes:-0} >= 60)) || NOTES+=("round $round, ${LABEL[$name]} $metric: ${bytes:-no} bytes per connection")
    rm -f "$WORK_DIR"/s_time.*
    record "$round" "$name" "$metric" "$connections" "$(awk -v a="$s0" -v b="$s1" 'BEGIN {print b - a}')" \
        $((t1 - t0)) "-"
}

burst_measure() {  # round name url: keep-alive wrk while bursts of new connections arrive -> one sample
    local round=$1 name=$2 url=$3 bursts
    (
        burst=0
        sleep 2
        while ((burst < BURST_SECONDS / 2 - 1)); do
            timeout 20 taskset -c "$LOAD_CPU" h2load --h1 -c"$BURST_CONNECTIONS" -n"$BURST_CONNECTIONS" "$url" \
                >>"$WORK_DIR/h2load.$name.$round" 2>&1
            burst=$((burst + 1))
            sleep 2
        done
    ) &
    bursts=$!
    wrk_measure "$round" "$name" burst "$url" "${BURST_SECONDS}s" "" "$BURST_KEEPALIVE"
    wait "$bursts"
    awk -v c="$BURST_CONNECTIONS" '/^requests:/ && $8 != c {bad = 1} END {exit bad}' "$WORK_DIR/h2load.$name.$round" ||
        NOTES+=("round $round, ${LABEL[$name]} burst: h2load $(grep -h '^requests:' "$WORK_DIR/h2load.$name.$round" |
            paste -sd ';' -)")
}

check_resumption() {  # round name port: does the server resume sessions? (s_time -reuse marks r or *)
    local marks
    marks=$(timeout 20 taskset -c "$LOAD_CPU" openssl s_time -connect "127.0.0.1:$3" -reuse -www /plaintext \
        -time 2 2>/dev/null | grep -oE '^[r*]+$' | tr -d '\n')
    echo "$2 $1 $(tr -cd r <<<"$marks" | wc -c) ${#marks}" >>"$WORK_DIR/resumption"
}

measure_tls_round() {  # round name: start the server over HTTPS, measure everything, stop it
    local round=$1 name=$2 port=$((PORT_BASE + PORT_OFFSET[$2])) url
    url="https://127.0.0.1:$port/plaintext"
    wait_for_quiet "${LABEL[$name]}"
    start_server "$name" "$port" https
    if ! await_answer "$SERVER_PID" "$url"; then
        NOTES+=("round $round: ${LABEL[$name]} did not answer over HTTPS")
        tail -n 5 "$WORK_DIR/$name.log" >&2
        stop_pid "$SERVER_PID"
        return
    fi
    log "round $round: ${LABEL[$name]} over HTTPS"
    timeout 60 taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "$url" >/dev/null 2>&1
    wrk_measure "$round" "$name" keepalive "$url" "$DURATION"
    timeout 30 taskset -c "$LOAD_CPU" openssl s_time -connect "127.0.0.1:$port" -new -www /plaintext -time 3 \
        >/dev/null 2>&1  # warms up the handshake path
    s_time_measure "$round" "$name" full13 "$port" tls1_3
    s_time_measure "$round" "$name" full12 "$port" tls1_2
    wrk_measure "$round" "$name" resumed "$url" "${HANDSHAKE_SECONDS}s" "Connection: close"
    ((BURST_SECONDS > 0)) && command -v h2load >/dev/null && burst_measure "$round" "$name" "$url"
    check_resumption "$round" "$name" "$port"
    stop_pid "$SERVER_PID"
}

measure_plaintext_round() {  # round name: the plaintext keep-alive figures, as run.sh measures them
    local round=$1 name=$2 port=$((PORT_BASE + 10 + PORT_OFFSET[$2])) url
    url="http://127.0.0.1:$port/plaintext"
    wait_for_quiet "${LABEL[$name]}"
    start_server "$name" "$port" http
    if ! await_answer "$SERVER_PID" "$url"; then
        NOTES+=("round $round: ${LABEL[$name]} did not answer plaintext")
        stop_pid "$SERVER_PID"
        return
    fi
    log "round $round: ${LABEL[$name]} plaintext"
    timeout 60 taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "$url" >/dev/null 2>&1
    wrk_measure "$round" "$name" plaintext "$url" "$DURATION"
    stop_pid "$SERVER_PID"
}

measure_tls_memory() {  # name: live heap (JVMs) and RSS per idle TLS connection, after a short load
    local name=$1 port=$((PORT_BASE + 20 + PORT_OFFSET[$1])) url
    url="https://127.0.0.1:$port/plaintext"
    start_server "$name" "$port" https
    if ! await_answer "$SERVER_PID" "$url"; then
        NOTES+=("memory: ${LABEL[$name]} did not answer over HTTPS")
        stop_pid "$SERVER_PID"
        return
    fi
    timeout 60 taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "$url" >/dev/null 2>&1
    # The client's handshakes cost far more than the server's: the holder may use both cores while it opens.
    HOLDER_ARGS="--tls $CERT_DIR/chain.pem" HOLDER_CPUS="$SERVER_CPU,$LOAD_CPU" \
        measure_idle_memory "$name" "$port" "$SERVER_PID"
    HEAP[$name]=$HEAP_PER_CONNECTION
    RSS[$name]=$RSS_PER_CONNECTION
    stop_pid "$SERVER_PID"
}

summary() {  # metric -> Markdown rows: median (min-max) over rounds, ratio to the best Java peer, p99, CPU
    local metric=$1
    awk -v m="$metric" -v order="$SERVERS $PLAINTEXT_SERVERS" -v label="wisp=Wisp netty=Netty jetty=Jetty nginx=nginx" \
        "$STATS_AWK"'
        BEGIN {
            n = split(label, pairs, " ")
            for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); name[kv[1]] = kv[2] }
        }
        $3 == m && $4 > 0 { rps[$2] = rps[$2] " " $4; if ($5 != "-") p99[$2] = p99[$2] " " $5; cpu[$2] = cpu[$2] " " $6
                            byround[$1 " " $2] = $4; rounds[$1] = 1 }
        END {
            best = ""; bestcpu = ""
            for (s in rps) if (s != "wisp" && s != "nginx") {
                if (best == "" || median(rps[s]) > median(rps[best])) best = s
                if (bestcpu == "" || median(cpu[s]) < median(cpu[bestcpu])) bestcpu = s
            }
            # Wisp against the best Java peer of the same round, round by round
            spread = ""
            for (r = 1; r in rounds; r++) if ((r " wisp") in byround) {
                top = 0
                for (s in rps)
                    if (s != "wisp" && s != "nginx" && ((r " " s) in byround) && byround[r " " s] > top)
                        top = byround[r " " s]
                if (top > 0) spread = spread " " sprintf("%.2f", byround[r " wisp"] / top)
            }
            split(order, names, " "); seen[""] = 1
            for (i = 1; i in names; i++) {
                s = names[i]; if (s in seen || !(s in rps)) continue; seen[s] = 1
                ratio = best == "" ? "n/a" : sprintf("%.2f", median(rps[s]) / median(rps[best]))
                cratio = bestcpu == "" ? "n/a" : sprintf("%.2f", median(cpu[s]) / median(cpu[bestcpu]))
                printf "| %s | %.0f (%.0f-%.0f) | %s | %s | %.1f | %s |\n", name[s], median(rps[s]), low(rps[s]),
                    high(rps[s]), ratio, (s in p99) ? sprintf("%.2f ms", median(p99[s])) : "-", median(cpu[s]), cratio
            }
            if (spread != "") printf "\nWisp / best Java peer, round by round:%s\n", spread
        }' "$SAMPLES"
}

report() {
    local metric title
    echo "# HTTPS benchmark"
    echo
    report_context
    echo "- $(nginx -v 2>&1 | sed 's/^nginx version: //'), 1 worker; $(openssl version | cut -d ' ' -f 1-2);" \
        "$(wrk -v 2>&1 | head -n 1 | cut -d ' ' -f 1-2)"
    echo "- certificate: ECDSA P-256, self-signed, made for the run; every server: TLS 1.3 and 1.2"
    echo "- $ROUNDS rounds, servers interleaved in each; server on core $SERVER_CPU, load on core" \
        "$LOAD_CPU$([[ -n ${WISP_BENCH_BOOSTED:-} ]] && echo '; run at nice -20 in its own scheduling group')"
    echo "- keep-alive and plaintext: \`wrk -t1 -c$CONNECTIONS -d$DURATION --latency\` after a $WARMUP warm-up;" \
        "full handshakes: $HANDSHAKE_CLIENTS x \`openssl s_time -new -tls1_3|-tls1_2 -www /plaintext" \
        "-time $HANDSHAKE_SECONDS\`; resumed: \`wrk -t1 -c$CONNECTIONS -d${HANDSHAKE_SECONDS}s" \
        "-H 'Connection: close'\`; burst: \`wrk -t1 -c$BURST_KEEPALIVE -d${BURST_SECONDS}s --latency\` while" \
        "\`h2load --h1 -c$BURST_CONNECTIONS -n$BURST_CONNECTIONS\` opens new connections every 2 s (CPU per" \
        "keep-alive request includes the bursts' handshakes)"
    echo
    echo "Figures: median over the rounds (min-max); ratios against the best Java peer (Netty or Jetty) by" \
        "median; CPU = server CPU time (user + system) per request, in microseconds."
    for metric in keepalive full13 full12 resumed burst plaintext; do
        case $metric in
            keepalive) title="HTTPS keep-alive requests/s" ;;
            full13) title="Full TLS 1.3 handshakes/s (new connection per request)" ;;
            full12) title="Full TLS 1.2 handshakes/s (new connection per request)" ;;
            resumed) title="Resumed handshakes/s (new connection per request, session resumed)" ;;
            burst) title="HTTPS keep-alive requests/s and p99 while $BURST_CONNECTIONS new connections arrive at once every 2 s" ;;
            plaintext) title="Plaintext keep-alive requests/s (cross-check)" ;;
        esac
        grep -q " $metric " "$SAMPLES" 2>/dev/null || continue
        echo
        echo "## $title"
        echo
        echo "| server | per s | vs best Java | p99 | CPU us/req | CPU vs best Java |"
        echo "|---|---:|---:|---:|---:|---:|"
        summary "$metric"
    done
    if [[ -f $WORK_DIR/resumption ]]; then
        echo
        echo "Resumption check (\`openssl s_time -reuse\`, 2 s, connections resumed / made):" \
            "$(awk '{printf "%s%s round %s %s/%s", (NR > 1 ? "; " : ""), $1, $2, $3, $4}' "$WORK_DIR/resumption")"
    fi
    idle_memory_table "Idle TLS keep-alive connections ($IDLE_CONNECTIONS held, each after a full handshake and one request)"
    report_notes
}

main() {
    local round name
    begin_run wrk nginx curl openssl
    make_certificate
    for ((round = 1; round <= ROUNDS; round++)); do
        log "round $round of $ROUNDS (load average $(cut -d ' ' -f 1-3 /proc/loadavg))"
        for name in $SERVERS; do
            measure_tls_round "$round" "$name"
        done
        for name in $PLAINTEXT_SERVERS; do
            measure_plaintext_round "$round" "$name"
        done
    done
    if ((IDLE_CONNECTIONS > 0)); then
        for name in $SERVERS; do
            log "memory: ${LABEL[$name]}"
            measure_tls_memory "$name"
        done
    fi
    mkdir -p "$(dirname "$RESULTS")"
    report | tee "$RESULTS"
}

main "$@"
