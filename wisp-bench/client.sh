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
# PROTOCOL=h2 measures HTTP/2 over TLS instead: nginx serves with `listen ... ssl http2` and a self-signed
# certificate made for the run, which every client trusts through a PKCS12 trust store given to its JVM
# (javax.net.ssl.trustStore); each client negotiates h2 by ALPN, and every response is checked to have come over
# h2 (one that did not fails its worker). The sequential and concurrent tests then run as streams of one
# connection (while nginx's 128 streams per connection suffice); the connections each client opened are counted
# from nginx's stub_status. Apache HttpClient 5's classic API has no HTTP/2, so it is left out.
#
# Settings (environment):
#   PROTOCOL           http/1.1 (default: plaintext) or h2 (HTTP/2 over TLS)
#   CLIENTS            clients in order (default: wisp okhttp jdk jetty apache; with h2 all but apache)
#   ROUNDS             interleaved rounds (default 3)
#   WARMUP, DURATION   seconds of each test's warm-up and measured window (default 3, 8)
#   CONCURRENCY        callers in the concurrent test (default 64)
#   LARGE_BYTES        size of the large file (default 1048576)
#   JVM_FLAGS          flags of every client JVM (default below); JAVA_HOME a JDK 21+ (default: JDK 25)
#   SERVER_CPU, LOAD_CPU  cores for nginx and for the client (default 0 and 1)
#   PORT               nginx's port (default 19201); START_TIMEOUT, QUIET_WAIT (default 30, 10)
#   SKIP_BUILD=1       use the jars already in target/; RESULTS output file (default results/client.md,
#                      with h2 results/client-h2.md)
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
PROTOCOL=${PROTOCOL:-http/1.1}
case $PROTOCOL in
    http/1.1) SCHEME=http; CLIENTS=${CLIENTS:-"wisp okhttp jdk jetty apache"} ;;
    h2) SCHEME=https; CLIENTS=${CLIENTS:-"wisp okhttp jdk jetty"} ;;
    *) echo "PROTOCOL must be http/1.1 or h2, not '$PROTOCOL'" >&2; exit 1 ;;
esac
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
RESULTS=${RESULTS:-$BENCH_DIR/results/client$([[ $PROTOCOL == h2 ]] && echo -h2).md}

# the clients' jars in target/lib, named with their versions in the report
CLIENT_JARS="okhttp-jvm-*.jar jetty-client-*.jar httpclient5-[0-9]*.jar"
[[ $PROTOCOL == h2 ]] && CLIENT_JARS="okhttp-jvm-*.jar jetty-client-*.jar jetty-http2-client-transport-*.jar"
declare -A LABEL=([wisp]=Wisp [okhttp]=OkHttp [jdk]="JDK HttpClient" [jetty]="Jetty HttpClient"
    [apache]="Apache HttpClient 5")

STARTED_PIDS=()
NOTES=()
WORK_DIR=$(mktemp -d -t wisp-bench-client.XXXXXX)
SAMPLES=$WORK_DIR/samples  # one line per test and round: round client test per-second cpu-us-per-request errors
                           # protocol
CONNECTIONS=$WORK_DIR/connections  # h2: one line per round and client: round client connections-opened
CERT_DIR=$WORK_DIR/cert
CURL_FLAGS=()   # h2: trust the run's certificate, speak HTTP/2
TRUST_FLAGS=()  # h2: the client JVMs' trust store
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
    local locations="location /files/ { root $dir; sendfile on; tcp_nopush on; }"
    if [[ $PROTOCOL == h2 ]]; then
        # stub_status counts the connections nginx accepted: how many each client opened
        NGINX_LOCATIONS="$locations location = /status { stub_status; }" NGINX_LISTEN_FLAGS="http2 " \
            write_nginx_config "$dir" "$PORT" "$CERT_DIR/chain.pem" "$CERT_DIR/key.pem"
    else
        NGINX_LOCATIONS=$locations write_nginx_config "$dir" "$PORT"
    fi
    taskset -c "$SERVER_CPU" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$WORK_DIR/nginx.log" 2>&1 &
    NGINX_PID=$!
    STARTED_PIDS+=("$NGINX_PID")
}

await_nginx() {  # -> 0 when both URLs answer with the expected bodies
    local deadline=$((SECONDS + START_TIMEOUT)) size
    while ((SECONDS < deadline)); do
        kill -0 "$NGINX_PID" 2>/dev/null || return 1
        if [[ $(curl -s "${CURL_FLAGS[@]}" --max-time 2 "$SMALL_URL" 2>/dev/null) == "Hello, World!" ]]; then
            read -r size version < <(curl -s "${CURL_FLAGS[@]}" --max-time 10 -o /dev/null \
                -w '%{size_download} %{http_version}' "$LARGE_URL")
            if [[ $PROTOCOL == h2 && $version != 2 ]]; then
                log "nginx answered curl over HTTP/$version, not HTTP/2"
                return 1
            fi
            [[ $size == "$LARGE_BYTES" ]] && return 0
            log "nginx sent $size bytes of the large file instead of $LARGE_BYTES"
            return 1
        fi
        sleep 0.3
    done
    return 1
}

make_trust_store() {  # -> CURL_FLAGS and TRUST_FLAGS: curl and the client JVMs trust the run's certificate
    "$JAVA_HOME/bin/keytool" -importcert -noprompt -alias nginx -file "$CERT_DIR/chain.pem" -storetype PKCS12 \
        -keystore "$CERT_DIR/trust.p12" -storepass changeit >>"$WORK_DIR/openssl.log" 2>&1 ||
        { log "keytool could not make the trust store"; exit 1; }
    CURL_FLAGS=(--http2 --cacert "$CERT_DIR/chain.pem")
    TRUST_FLAGS=("-Djavax.net.ssl.trustStore=$CERT_DIR/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit
        -Djavax.net.ssl.trustStoreType=PKCS12)
}

nginx_accepts() {  # -> the connections nginx has accepted so far, this request's own included (h2 only)
    curl -s "${CURL_FLAGS[@]}" --max-time 5 "$SCHEME://127.0.0.1:$PORT/status" | awk 'NR == 3 { print $1 }'
}

measure_client() {  # round name: one JVM, three tests, a line in SAMPLES per test
    local round=$1 name=$2 out=$WORK_DIR/$1.$2.txt limit accepts after
    wait_for_quiet "${LABEL[$name]}"
    log "round $round: ${LABEL[$name]}"
    [[ $PROTOCOL == h2 ]] && accepts=$(nginx_accepts)
    limit=$((3 * (WARMUP + DURATION) + 60))
    # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
    timeout --kill-after=5 "$limit" taskset -c "$LOAD_CPU" "$JAVA_HOME/bin/java" $JVM_FLAGS "${TRUST_FLAGS[@]}" \
        -cp "$CLASS_PATH" dev.wisp.bench.client.ClientLoad "$name" "$SMALL_URL" "$LARGE_URL" "$WARMUP" "$DURATION" \
        "$CONCURRENCY" "$PROTOCOL" >"$out" 2>"$WORK_DIR/$round.$name.err" ||
        NOTES+=("round $round, ${LABEL[$name]}: the client exited with status $? ($(head -c 200 \
            "$WORK_DIR/$round.$name.err" | tr '\n' ' '))")
    if [[ $PROTOCOL == h2 ]]; then  # nginx counted the status request itself in both readings
        after=$(nginx_accepts)
        [[ $accepts =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]] && echo "$round $name $((after - accepts - 1))" ||
            echo "$round $name ?"
    fi >>"$CONNECTIONS"
    awk -v r="$round" -v n="$name" -v hz="$HZ" '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        if (v["requests"] == 0 || v["errors"] > 0) { print r, n, $1, 0, "-", v["errors"], v["protocol"]; next }
        seconds = v["nanos"] / 1e9
        rate = $1 == "large" ? v["bytes"] / 1e6 / seconds : v["requests"] / seconds
        printf "%s %s %s %.1f %.1f %s %s\n", r, n, $1, rate, v["cpu_ticks"] * 1e6 / hz / v["requests"], v["errors"],
            v["protocol"]
    }' "$out" | tee -a "$SAMPLES" | awk '{
        printf "    %-7s %-11s %10s %-5s %8s us CPU/req  errors %s  %s\n", $2, $3, $4,
            ($3 == "large" ? "MB/s" : "req/s"), $5, $6, $7 }' >&2
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

per_client() {  # file awk-expression [distinct]: "Label value, value; ..." with the expression's value for each
    # line (round client ...) of each client in CLIENTS, in order; with distinct, each value once
    local file=$1 expression=$2 distinct=${3:-} name values
    for name in $CLIENTS; do
        values=$(awk -v n="$name" '$2 == n { print '"$expression"' }' "$file" 2>/dev/null |
            awk -v d="$distinct" 'd == "" || !seen[$0]++' | paste -sd ' ' - | sed 's/ /, /g')
        printf '%s %s; ' "${LABEL[$name]}" "${values:-none}"
    done | sed 's/; $//'
}

report_h2_context() {  # the lines of an h2 report on the protocol, its checks and the connections
    echo "- protocol: HTTP/2 over TLS, h2 chosen by ALPN (nginx offers TLS 1.2 and 1.3; every client uses the" \
        "JDK's TLS), one self-signed ECDSA P-256 certificate made for the run, trusted by each client JVM through a" \
        "PKCS12 trust store (\`-Djavax.net.ssl.trustStore\`); Apache HttpClient 5 left out (its classic API has no" \
        "HTTP/2)"
    echo "- protocol of every response, checked on each (\`Response.version()\`, \`HttpResponse.version()\`," \
        "\`Response.protocol()\`, \`ContentResponse.getVersion()\`; a window with another fails): $(per_client \
        "$SAMPLES" '($6 == 0 && $4 > 0 ? $7 : $3 "-failed")' distinct)"
    echo "- connections each client opened over its three tests (nginx's accepted connections), per round:" \
        "$(per_client "$CONNECTIONS" '$3')"
}

report() {
    local test title unit
    if [[ $PROTOCOL == h2 ]]; then
        echo "# Client benchmark: HTTP/2 over TLS"
    else
        echo "# Client benchmark"
    fi
    echo
    report_context
    # shellcheck disable=SC2086  # CLIENT_JARS are patterns
    echo "- clients: $(cd "$BENCH_DIR/target/lib" && ls $CLIENT_JARS |
        sed 's/\.jar$//' | paste -sd ' ' - | sed 's/ /, /g'), the JDK's java.net.http"
    if [[ $PROTOCOL == h2 ]]; then
        echo "- server: $(nginx -v 2>&1 | sed 's/^nginx version: //'), 1 worker, \`listen ... ssl http2\`," \
            "keep-alive, no access log, on core $SERVER_CPU; each client in its own JVM on core $LOAD_CPU"
        report_h2_context
    else
        echo "- server: $(nginx -v 2>&1 | sed 's/^nginx version: //'), 1 worker, keep-alive, no access log, on core" \
            "$SERVER_CPU; each client in its own JVM on core $LOAD_CPU"
    fi
    echo "- $ROUNDS rounds, clients interleaved in each; each test: $WARMUP s warm-up, then $DURATION s measured"
    echo
    echo "Figures: median over the rounds (min-max); ratios against Wisp by median (above 1: more per second," \
        "or more CPU, than Wisp); CPU = the client process's CPU time (user + system) per request, in microseconds."
    for test in sequential concurrent large; do
        case $PROTOCOL.$test in
            http/1.1.sequential) title="Sequential GETs of 13 bytes over one keep-alive connection"; unit="req/s" ;;
            http/1.1.concurrent) title="$CONCURRENCY concurrent GETs of 13 bytes over the pool"; unit="req/s" ;;
            h2.sequential) title="Sequential GETs of 13 bytes, one stream at a time on one HTTP/2 connection"
                unit="req/s" ;;
            h2.concurrent) title="$CONCURRENCY concurrent GETs of 13 bytes as streams over HTTP/2"
                unit="req/s" ;;
            *.large) title="Download of a $((LARGE_BYTES / 1024)) KiB file$([[ $PROTOCOL == h2 ]] &&
                echo " over HTTP/2"), one at a time"; unit="MB/s" ;;
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
    if [[ $PROTOCOL == h2 && " $CLIENTS " == *" apache "* ]]; then
        log "${LABEL[apache]} left out: its classic API has no HTTP/2"
        # shellcheck disable=SC2086  # CLIENTS is a list of names
        CLIENTS=$(printf '%s\n' $CLIENTS | grep -vx apache | paste -sd ' ' -)
    fi
    begin_run nginx curl
    if ! port_is_free "$PORT"; then
        log "port $PORT is busy"
        exit 1
    fi
    SMALL_URL="$SCHEME://127.0.0.1:$PORT/plaintext"
    LARGE_URL="$SCHEME://127.0.0.1:$PORT/files/large.bin"
    if [[ $PROTOCOL == h2 ]]; then
        make_certificate
        make_trust_store
    fi
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
