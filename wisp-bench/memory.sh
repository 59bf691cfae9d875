# shellcheck shell=bash disable=SC2034,SC2153  # globals shared with run.sh
# Idle-connection memory test, sourced by run.sh (uses its JAVA_HOME, CLASS_PATH, LOAD_CPU, WORK_DIR, LABEL,
# NOTES, RESPONSE_BYTES, STARTED_PIDS, log and stop_pid).
#
# Before: full GC, live heap (of a JVM; other servers get RSS alone) and RSS of the process that holds
# connections. Then IdleConnections opens IDLE_CONNECTIONS keep-alive connections, one request each, and holds
# them. After: the same measurements, then a probe of how many connections the server still keeps open; the
# difference is divided by that count.
# HOLDER_ARGS (default none) goes before the holder's own arguments (tls.sh: --tls CHAIN_PEM); HOLDER_CPUS
# (default LOAD_CPU) is where the holder runs; HOLDER_SECONDS (default 300) is how long it lives at most.
# IDLE_SETTLE_SECONDS (default 0) is a pause between the holder's ready and the measurement, for a server that keeps
# a connection's thread a moment after its request (Wisp's wait for a burst) not to be counted with that thread.
# HEAP_FROM_HISTOGRAM=1 reads the live heap as the total of the class histogram instead of the heap spaces' use:
# exact to the byte, where a space's use also counts the allocation buffers that threads take right after the GC
# (with ParallelGC, steps of about 2.6 MB on a 512 MB heap).

heap_used_kib() {  # pid -> used heap in KiB right after a full GC (sum of the heap spaces, no metaspace)
    local pid=$1
    if [[ ${HEAP_FROM_HISTOGRAM:-0} == 1 ]]; then
        # The histogram runs a full GC of its own, after one that lets the JDK clear what only references and
        # cleaners of the connections closed before held. Its last line: Total INSTANCES BYTES.
        timeout 60 "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null 2>&1 || return 1
        timeout 120 "$JAVA_HOME/bin/jcmd" "$pid" GC.class_histogram 2>/dev/null |
            awk '$1 == "Total" {found = 1; printf "%.3f", $3 / 1024} END {if (!found) exit 1}'
        return
    fi
    timeout 60 "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null 2>&1 || return 1
    timeout 60 "$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info 2>/dev/null |
        grep -oE 'total [0-9]+K, used [0-9]+K' | sed -E 's/.*used ([0-9]+)K/\1/' |
        awk '{sum += $1} END {if (NR == 0) exit 1; print sum}'
}

is_jvm() {  # pid -> 0 if the process is a Java VM, whose live heap jcmd can measure
    [[ $(readlink "/proc/$1/exe" 2>/dev/null) == */java ]]
}

rss_kib() {  # pids... -> summed VmRSS in KiB
    local pid value total=0
    for pid in "$@"; do
        value=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        [[ -n $value ]] || return 1
        total=$((total + value))
    done
    echo "$total"
}

per_connection() {  # before after count -> KiB per connection, one decimal
    awk -v before="$1" -v after="$2" -v count="$3" 'BEGIN {printf "%.1f", (after - before) / count}'
}

measure_idle_memory() {  # name port pid -> HEAP_PER_CONNECTION, RSS_PER_CONNECTION, HEAP_BYTES_PER_CONNECTION
    local name=$1 port=$2 pid=$3 label=${LABEL[$1]} holder_pid in_fd out_fd line opened open
    local heap_before="" heap_after="" rss_before rss_after pids
    HEAP_PER_CONNECTION="-"
    RSS_PER_CONNECTION="-"
    HEAP_BYTES_PER_CONNECTION="-"  # the heap figure in whole bytes, for comparisons finer than 0.1 KiB
    [[ $IDLE_CONNECTIONS -gt 0 ]] || return 0
    if [[ $name == nginx ]]; then
        pids=$(pgrep -P "$pid" | paste -sd ' ' -)  # the workers hold the connections, not the master
    else
        pids=$pid
    fi
    if is_jvm "$pid"; then
        heap_before=$(heap_used_kib "$pid") || { NOTES+=("$label: jcmd failed, no memory figures"); return 0; }
    fi
    # shellcheck disable=SC2086  # one or more PIDs
    rss_before=$(rss_kib $pids) || { NOTES+=("$label: no RSS for PIDs '$pids'"); return 0; }

    log "$label: holding $IDLE_CONNECTIONS idle connections"
    # shellcheck disable=SC2086  # HOLDER_ARGS is a list of arguments
    coproc HOLDER {
        exec taskset -c "${HOLDER_CPUS:-$LOAD_CPU}" "$JAVA_HOME/bin/java" -Xms128m -Xmx256m -cp "$CLASS_PATH" \
            dev.wisp.bench.load.IdleConnections ${HOLDER_ARGS:-} 127.0.0.1 "$port" "$IDLE_CONNECTIONS" \
            "${HOLDER_SECONDS:-300}" 2>"$WORK_DIR/holder.log"
    }
    holder_pid=$HOLDER_PID
    in_fd=${HOLDER[0]}
    out_fd=${HOLDER[1]}
    STARTED_PIDS+=("$holder_pid")
    line=""
    read -r -t 180 line <&"$in_fd"
    log "$label: holder ${line:-gave no answer}"
    opened=$(sed -nE 's/.*opened=([0-9]+).*/\1/p' <<<"$line")
    RESPONSE_BYTES[$1]=$(sed -nE 's/.*response_bytes=([0-9]+).*/\1/p' <<<"$line")
    if [[ -z $opened || $opened -eq 0 ]]; then
        NOTES+=("$label: the holder opened no connection (${line:-no answer})")
        stop_holder "$holder_pid" "$out_fd"
        return 0
    fi
    [[ $opened -lt $IDLE_CONNECTIONS ]] &&
        NOTES+=("$label: only $opened of $IDLE_CONNECTIONS connections opened ($line)")

    sleep "${IDLE_SETTLE_SECONDS:-0}"
    if [[ -n $heap_before ]]; then
        heap_after=$(heap_used_kib "$pid") || heap_after=""
    fi
    # shellcheck disable=SC2086
    rss_after=$(rss_kib $pids) || rss_after=""

    echo check >&"$out_fd"
    line=""
    read -r -t 60 line <&"$in_fd"
    open=$(sed -nE 's/^open ([0-9]+)$/\1/p' <<<"$line")
    stop_holder "$holder_pid" "$out_fd"
    if [[ -z $open || $open -eq 0 ]]; then
        NOTES+=("$label: no idle connection left open at measurement (${line:-no answer})")
        return 0
    fi
    [[ $open -lt $opened ]] && NOTES+=("$label closed $((opened - open)) of $opened idle connections during the test")
    if [[ -n $heap_before && -n $heap_after ]]; then
        HEAP_PER_CONNECTION=$(per_connection "$heap_before" "$heap_after" "$open")
        HEAP_BYTES_PER_CONNECTION=$(awk -v before="$heap_before" -v after="$heap_after" -v count="$open" \
            'BEGIN {printf "%.0f", (after - before) * 1024 / count}')
    fi
    [[ -n $rss_after ]] && RSS_PER_CONNECTION=$(per_connection "$rss_before" "$rss_after" "$open")
    return 0
}

stop_holder() {  # pid write-fd: closing its stdin makes the holder close every connection and exit
    local pid=$1 fd=$2
    { exec {fd}>&-; } 2>/dev/null
    for _ in $(seq 1 75); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    stop_pid "$pid"
}
