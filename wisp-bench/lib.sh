# shellcheck shell=bash disable=SC2034,SC2153  # globals shared with the scripts that source it
# Helpers shared by run.sh, tls.sh, latency.sh, http2.sh, client.sh and websocket.sh: the servers' JVM flags, logging,
# starting and stopping processes by PID, the JDK, tools and build, CPU accounting from /proc, statistics for the
# reports, the nginx configuration and a test certificate.
# Uses the sourcing script's ROOT_DIR, BENCH_DIR, WORK_DIR, STARTED_PIDS, SKIP_BUILD and QUIET_WAIT.

# Every Java server runs with the same flags, so that they compare fairly (the last two give Netty its usual
# memory access on JDK 25); a script's JVM_FLAGS set before this file is sourced wins.
SERVER_JVM_FLAGS="-Xms512m -Xmx512m -XX:+UseParallelGC"
SERVER_JVM_FLAGS+=" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
JVM_FLAGS=${JVM_FLAGS:-$SERVER_JVM_FLAGS}
# Wisp on its carrier loops (ServerConfig.carrierLoops, one per core the server may use): the opening they need,
# and WispPlaintext's choice of them. The peers named wisp-loops run with these besides.
WISP_LOOPS_FLAGS="--add-opens java.base/java.lang=ALL-UNNAMED -Dwisp.bench.carrierLoops=auto"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_pid() {  # TERM, up to 10 s, then KILL; a reaped PID is forgotten so it is never signalled again
    local pid=$1 kept=() other
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    for other in "${STARTED_PIDS[@]}"; do
        [[ $other == "$pid" ]] || kept+=("$other")
    done
    STARTED_PIDS=("${kept[@]}")
    return 0
}

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        stop_pid "$pid"
    done
    rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

seconds() {  # 15s, 2m or 15 -> seconds
    local value=$1
    case $value in
        *m) echo $(( ${value%m} * 60 )) ;;
        *s) echo "${value%s}" ;;
        *) echo "$value" ;;
    esac
}

choose_java() {  # a JDK 21+ as the build and the other scripts choose it; jcmd comes with every JDK
    # shellcheck source=../bin/jdk.sh
    source "$ROOT_DIR/bin/jdk.sh"
    [[ -x $JAVA_HOME/bin/jcmd ]] || { log "no jcmd in $JAVA_HOME"; exit 1; }
}

install_tools() {  # commands... (each from the Debian package of the same name)
    local missing=() tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    log "installing ${missing[*]} with apt-get"
    if ! timeout 600 apt-get update -qq ||
        ! DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null; then
        log "could not install ${missing[*]}"
        exit 1
    fi
}

begin_run() {  # tools...: more open files, LOAD_START, the JDK, the tools from Debian, the build
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    LOAD_START=$(cut -d ' ' -f 1-3 /proc/loadavg)
    choose_java
    install_tools "$@"
    build
}

report_context() {  # the first lines of a report: date, machine and its load, Wisp's commit, the JDK and JVM_FLAGS
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
        "$(. /etc/os-release && echo "$PRETTY_NAME"); load average at the start $LOAD_START, at the end" \
        "$(cut -d ' ' -f 1-3 /proc/loadavg)"
    echo "- Wisp: commit $(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p); JVM flags: \`$JVM_FLAGS\`"
    local name
    declare -p PEER_FLAGS &>/dev/null || return 0
    for name in ${SERVERS:-}; do  # a server's own flags, from plaintext-servers.sh where the script has it
        [[ -n ${PEER_FLAGS[$name]:-} ]] && echo "- ${LABEL[$name]}: also \`${PEER_FLAGS[$name]}\`"
    done
    return 0
}

report_notes() {  # the NOTES array as a Markdown list, when there are any
    [[ ${#NOTES[@]} -gt 0 ]] || return 0
    echo
    echo "Notes:"
    printf -- '- %s\n' "${NOTES[@]}"
}

idle_memory_table() {  # title -> the HEAP and RSS arrays (per server in SERVERS) as a Markdown section, if any
    [[ ${#HEAP[@]} -gt 0 ]] || return 0
    local name
    echo
    echo "## $1"
    echo
    echo "| server | heap KiB / idle conn | RSS KiB / idle conn |"
    echo "|---|---:|---:|"
    for name in $SERVERS; do
        [[ -n ${HEAP[$name]:-} ]] && echo "| ${LABEL[$name]} | ${HEAP[$name]} | ${RSS[$name]} |"
    done
    return 0
}

build() {
    if [[ $SKIP_BUILD == 1 ]]; then
        log "SKIP_BUILD=1: using the jars in wisp-bench/target"
    else
        log "building wisp-bench"
        if ! (cd "$ROOT_DIR" && timeout 900 ./mvnw -q -B -Pbench -pl wisp-bench -am package -DskipTests) \
            >"$WORK_DIR/build.log" 2>&1; then
            grep -E 'ERROR|BUILD' "$WORK_DIR/build.log" | head -n 20 >&2
            log "build failed"
            exit 1
        fi
    fi
    [[ -f $BENCH_DIR/target/wisp-bench.jar ]] || { log "missing wisp-bench/target/wisp-bench.jar"; exit 1; }
    CLASS_PATH="$BENCH_DIR/target/wisp-bench.jar:$BENCH_DIR/target/lib/*"
}

busy_percent() {  # CPU time used on all cores over one second, in percent, while none of our servers runs
    local before after
    read -r -a before < <(head -n 1 /proc/stat)
    sleep 1
    read -r -a after < <(head -n 1 /proc/stat)
    awk -v b="${before[*]:1}" -v a="${after[*]:1}" 'BEGIN {
        n = split(b, x); split(a, y); total = 0; idle = 0
        for (i = 1; i <= n; i++) total += y[i] - x[i]
        idle = (y[4] - x[4]) + (y[5] - x[5])
        printf "%.0f", (total > 0 ? 100 * (total - idle) / total : 0)
    }'
}

cpu_jiffies() {  # -> "busy total" for the whole machine, in USER_HZ ticks
    # busy = user + nice + system + irq + softirq: a process's stime includes the interrupt time spent while it ran
    awk 'NR == 1 {total = 0; for (i = 2; i <= NF; i++) total += $i; print $2 + $3 + $4 + $7 + $8, total}' /proc/stat
}

process_jiffies() {  # pids... -> their utime + stime, in USER_HZ ticks
    process_jiffies_split "$@" | cut -d ' ' -f 1
}

process_jiffies_split() {  # pids... -> "total system": their utime + stime, and their stime alone, in USER_HZ ticks
    local pid fields total=0 system=0
    for pid in "$@"; do
        read -r -a fields < <(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
        total=$((total + fields[11] + fields[12]))
        system=$((system + fields[12]))
    done
    echo "$total $system"
}

children_jiffies() {  # file written by `times` -> CPU ticks of the shell's reaped children (user + system)
    tail -n 1 "$1" | awk '{
        total = 0
        for (i = 1; i <= 2; i++) { split($i, part, "m"); sub("s", "", part[2]); total += part[1] * 60 + part[2] }
        printf "%.0f", total * 100
    }'
}

# awk functions over a list of numbers separated by spaces, for the reports: awk "$STATS_AWK"'program'
STATS_AWK='
    function median(list,    a, n, i, j, t) {
        n = split(list, a, " ")
        for (i = 1; i <= n; i++)
            for (j = i + 1; j <= n; j++)
                if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n == 0 ? "" : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
    }
    function low(list,    a, n, i, v) {
        n = split(list, a, " "); v = a[1]
        for (i = 2; i <= n; i++) if (a[i] + 0 < v + 0) v = a[i]
        return v
    }
    function high(list,    a, n, i, v) {
        n = split(list, a, " "); v = a[1]
        for (i = 2; i <= n; i++) if (a[i] + 0 > v + 0) v = a[i]
        return v
    }
'

make_certificate() {  # one self-signed ECDSA P-256 certificate for every server, in CERT_DIR
    # (a folder of the temporary one, deleted with it): chain.pem and key.pem
    mkdir -p "$CERT_DIR"
    timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 2 \
        -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$CERT_DIR/key.pem" -out "$CERT_DIR/chain.pem" >"$WORK_DIR/openssl.log" 2>&1 ||
        { log "openssl could not make the certificate"; exit 1; }
}

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_quiet() {  # label: wait up to QUIET_WAIT seconds for other processes to leave the machine <= 10% busy
    local label=$1 busy deadline=$((SECONDS + QUIET_WAIT))
    busy=$(busy_percent)
    while ((busy > 10 && SECONDS < deadline)); do
        busy=$(busy_percent)
    done
    ((busy > 10)) && log "$label: the machine is still ${busy}% busy; going on"
    return 0
}

# write_nginx_config: dir port [chain key]: one worker serving the same 13-byte body; HTTPS with a chain and key.
# NGINX_LOCATIONS, if set, is more configuration for the server block (client.sh serves a file with it);
# NGINX_LISTEN_FLAGS, if set, more parameters for the listen directive (http2.sh: "http2 ").
write_nginx_config() {
    local dir=$1 port=$2 listen="listen 127.0.0.1:$2 ${NGINX_LISTEN_FLAGS:-}backlog=1024;"
    [[ $# -eq 4 ]] && listen="listen 127.0.0.1:$port ssl ${NGINX_LISTEN_FLAGS:-}backlog=1024;
        ssl_certificate $3;
        ssl_certificate_key $4;
        ssl_protocols TLSv1.2 TLSv1.3;"
    mkdir -p "$dir/temp"
    cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 65536;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections 16384;
}
http {
    access_log off;
    # The default (1000) closes each keep-alive connection after 1000 requests; no JVM peer has such a limit.
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    server {
        $listen
        location = /plaintext {
            default_type text/plain;
            return 200 "Hello, World!";
        }
        ${NGINX_LOCATIONS:-}
        location / {
            return 404;
        }
    }
}
EOF
}
