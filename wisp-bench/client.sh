#!/usr/bin/env bash
# Client benchmark: Wisp's HTTP client against OkHttp, the JDK's HttpClient, Jetty's HttpClient and Apache
# HttpClient 5, all fetching from one nginx on loopback, in interleaved rounds.
#
# nginx (one worker, keep-alive, no access log) runs pinned to SERVER_CPU for the whole run and serves the 13-byte
# /plaintext and a LARGE_BYTES file. In each round every client in turn runs in its own JVM (ClientLoad) pinned to
# LOAD_CPU, which does three tests, each a WARMUP then a DURATION window:
#   sequential   GETs of /plaintext one after the other on one thread: one keep-alive connection
#   concurrent   CONCURRENCY virtual threads doing the same over the library's pool
#   large        the large file downloaded again and again on one thread, each body read to its end
# and reports requests (or MB) per second and the client's own CPU time (utime + stime of its process, from
# /proc) per request. Prints a Markdown report and writes it to RESULTS. Stops only what it started, by PID.
#
# Settings (environment):
#   CLIENTS            clients in order (default: wisp okhttp jdk jetty apache)
#   ROUNDS             interleaved rounds (default 3)
#   WARMUP, DURATION   seconds of each test's warm-up and measured window (default 3, 8)
#   CONCURRENCY        callers in the concurrent test (default 64)
#   LARGE_BYTES        size of the large file (default 1048576)
#   JVM_FLAGS          flags of every client JVM (default below); JAVA_HOME a JDK 21+ (default: JDK 25)
#   SERVER_CPU, LOAD_CPU  cores for nginx and for the client (default 0 and 1)
#   PORT               nginx's port (default 19201); START_TIMEOUT, QUIET_WAIT (default 30, 10)
#   SKIP_BUILD=1       use the jars already in target/; RESULTS output file (default results/client.md)
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
CLIENTS=${CLIENTS:-"wisp okhttp jdk jetty apache"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-8}
CONCURRENCY=${CONCURRENCY:-64}
LARGE_BYTES=${LARGE_BYTES:-1048576}
JVM_FLAGS=${JVM_FLAGS:-"-Xms512m -Xmx512m -XX:+UseParallelGC"}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT=${PORT:-19201}
START_TIMEOUT=${START_TIMEOUT:-30}
QUIET_WAIT=${QUIET_WAIT:-10}
SKIP_BUILD=${SKIP_BUILD:-0}
RESULTS=${RESULTS:-$BENCH_DIR/results/client.md}

declare -A LABEL=([wisp]=Wisp [okhttp]=OkHttp [jdk]="JDK HttpClient" [jetty]="Jetty HttpClient"
    [apache]="Apache HttpClient 5")

STARTED_PIDS=()
NOTES=()
WORK_DIR=$(mktemp -d -t wisp-bench-client.XXXXXX)
SAMPLES=$WORK_DIR/samples  # one line per test and round: round client test per-second cpu-us-per-request
HZ=$(getconf CLK_TCK)

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

start_nginx() {  # -> NGINX_PID; /plaintext and /files/large.bin
    local dir=$WORK_DIR/nginx
    mkdir -p "$dir/files"
    head -c "$LARGE_BYTES" /dev/urandom >"$dir/files/large.bin"
    # nginx's worker runs as an unprivileged user when started by root: it must be able to reach the file
    chmod a+rx "$WORK_DIR" "$dir" "$dir/files" && chmod a+r "$dir/files/large.bin"
    # sendfile: nginx's usual way to serve a file, and the cheapest, so the server side costs as little as it can
    NGINX_LOCATIONS="location /files/ { root $dir; sendfile on; tcp_nopush on; }" write_nginx_config "$dir" "$PORT"
    taskset -c "$SERVER_CPU" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$WORK_DIR/nginx.log" 2>&1 &
    NGINX_PID=$!
    STARTED_PIDS+=("$NGINX_PID")
}

await_nginx() {  # -> 0 when both URLs answer with the expected bodies
    local deadline=$((SECONDS + START_TIMEOUT)) size
    while ((SECONDS < deadline)); do
        kill -0 "$NGINX_PID" 2>/dev/null || return 1
        if [[ $(curl -s --max-time 2 "$SMALL_URL" 2>/dev/null) == "Hello, World!" ]]; then
            size=$(curl -s --max-time 10 -o /dev/null -w '%{size_download}' "$LARGE_URL")
            [[ $size == "$LARGE_BYTES" ]] && return 0
            log "nginx sent $size bytes of the large file instead of $LARGE_BYTES"
            return 1
        fi
        sleep 0.3
    done
    return 1
}

measure_client() {  # round name: one JVM, three tests, a line in SAMPLES per test
    local round=$1 name=$2 out=$WORK_DIR/$1.$2.txt limit
    wait_for_quiet "${LABEL[$name]}"
    log "round $round: ${LABEL[$name]}"
    limit=$((3 * (WARMUP + DURATION) + 60))
    # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
    timeout --kill-after=5 "$limit" taskset -c "$LOAD_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$CLASS_PATH" \
        dev.wisp.bench.client.ClientLoad "$name" "$SMALL_URL" "$LARGE_URL" "$WARMUP" "$DURATION" "$CONCURRENCY" \
        >"$out" 2>"$WORK_DIR/$round.$name.err" ||
        NOTES+=("round $round, ${LABEL[$name]}: the client exited with status $? ($(head -c 200 \
            "$WORK_DIR/$round.$name.err" | tr '\n' ' '))")
    awk -v r="$round" -v n="$name" -v hz="$HZ" '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        if (v["requests"] == 0 || v["errors"] > 0) { print r, n, $1, 0, "-", v["errors"]; next }
        seconds = v["nanos"] / 1e9
        rate = $1 == "large" ? v["bytes"] / 1e6 / seconds : v["requests"] / seconds
        printf "%s %s %s %.1f %.1f %s\n", r, n, $1, rate, v["cpu_ticks"] * 1e6 / hz / v["requests"], v["errors"]
    }' "$out" | tee -a "$SAMPLES" | awk '{
        printf "    %-7s %-11s %10s %-5s %8s us CPU/req  errors %s\n", $2, $3, $4, ($3 == "large" ? "MB/s" : "req/s"),
            $5, $6 }' >&2
    # ClientLoad prints one line per failed call; libraries may print warnings there too (SLF4J without a provider)
    grep -q '^GET .* failed' "$WORK_DIR/$round.$name.err" &&
        NOTES+=("round $round, ${LABEL[$name]}: $(grep '^GET .* failed' "$WORK_DIR/$round.$name.err" | sort |
            uniq -c | head -n 3 | sed 's/^ *//' | paste -sd ';' -)")
    return 0
}

summary() {  # test -> Markdown rows: median (min-max) over rounds, ratio to Wisp, CPU per request and its ratio
    awk -v t="$1" -v order="$CLIENTS" -v labels="$(for n in $CLIENTS; do printf '%s=%s|' "$n" "${LABEL[$n]}"; done)" \
        "$STATS_AWK"'
        BEGIN {
            n = split(labels, pairs, "|")
            for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); name[kv[1]] = kv[2] }
        }
        $3 == t && $4 > 0 { rate[$2] = rate[$2] " " $4; cpu[$2] = cpu[$2] " " $5 }
        END {
            split(order, clients, " ")
            for (i = 1; i in clients; i++) {
                c = clients[i]
                if (!(c in rate)) { printf "| %s | failed | | | |\n", name[c]; continue }
                ratio = ("wisp" in rate) ? sprintf("%.2f", median(rate[c]) / median(rate["wisp"])) : "n/a"
                cratio = ("wisp" in cpu) ? sprintf("%.2f", median(cpu[c]) / median(cpu["wisp"])) : "n/a"
                f = t == "large" ? "%.1f" : "%.0f"
                printf "| %s | " f " (" f "-" f ") | %s | %.1f | %s |\n", name[c], median(rate[c]), low(rate[c]),
                    high(rate[c]), ratio, median(cpu[c]), cratio
            }
        }' "$SAMPLES"
}

report() {
    local test title unit
    echo "# Client benchmark"
    echo
    report_context
    echo "- clients: $(cd "$BENCH_DIR/target/lib" && ls okhttp-jvm-*.jar jetty-client-*.jar httpclient5-[0-9]*.jar |
        sed 's/\.jar$//' | paste -sd ' ' - | sed 's/ /, /g'), the JDK's java.net.http"
    echo "- server: $(nginx -v 2>&1 | sed 's/^nginx version: //'), 1 worker, keep-alive, no access log, on core" \
        "$SERVER_CPU; each client in its own JVM on core $LOAD_CPU"
    echo "- $ROUNDS rounds, clients interleaved in each; each test: $WARMUP s warm-up, then $DURATION s measured"
    echo
    echo "Figures: median over the rounds (min-max); ratios against Wisp by median (above 1: more per second," \
        "or more CPU, than Wisp); CPU = the client process's CPU time (user + system) per request, in microseconds."
    for test in sequential concurrent large; do
        case $test in
            sequential) title="Sequential GETs of 13 bytes over one keep-alive connection"; unit="req/s" ;;
            concurrent) title="$CONCURRENCY concurrent GETs of 13 bytes over the pool"; unit="req/s" ;;
            large) title="Download of a $((LARGE_BYTES / 1024)) KiB file, one at a time"; unit="MB/s" ;;
        esac
        grep -q " $test " "$SAMPLES" 2>/dev/null || continue
        echo
        echo "## $title"
        echo
        echo "| client | $unit | vs Wisp | CPU us/req | CPU vs Wisp |"
        echo "|---|---:|---:|---:|---:|"
        summary "$test"
    done
    report_notes
}

main() {
    local round name
    begin_run nginx curl
    if ! port_is_free "$PORT"; then
        log "port $PORT is busy"
        exit 1
    fi
    SMALL_URL="http://127.0.0.1:$PORT/plaintext"
    LARGE_URL="http://127.0.0.1:$PORT/files/large.bin"
    start_nginx
    await_nginx || { log "nginx did not serve both URLs"; tail -n 5 "$WORK_DIR/nginx/error.log" >&2; exit 1; }
    for ((round = 1; round <= ROUNDS; round++)); do
        log "round $round of $ROUNDS (load average $(cut -d ' ' -f 1-3 /proc/loadavg))"
        for name in $CLIENTS; do
            if [[ -z ${LABEL[$name]:-} ]]; then
                log "unknown client '$name' (known: ${!LABEL[*]})"
                continue
            fi
            measure_client "$round" "$name"
        done
    done
    stop_pid "$NGINX_PID"
    mkdir -p "$(dirname "$RESULTS")"
    report | tee "$RESULTS"
}

main "$@"
