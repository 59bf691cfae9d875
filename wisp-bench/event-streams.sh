#!/usr/bin/env bash
# Heap per open event stream (server-sent events): Wisp's server against Undertow's and Helidon's, and beside an idle
# HTTP/1.1 keep-alive connection on Wisp's, class by class.
#
# Starts the peers on SERVER_CPU, each with GET /events, a stream that sends one event and stays open: Wisp's
# (WispPlaintext: an EventStream waiting in awaitClosed, heartbeats every 15 s), Undertow's (UndertowEvents: its
# asynchronous ServerSentEventHandler, heartbeats every 15 s) and Helidon's (HelidonEvents: an SseSink on the
# request's virtual thread, which then waits). IdleConnections on LOAD_CPU opens COUNT connections of a kind and
# holds them; the class histogram after a full GC, less the one before, divided by COUNT, is what each one holds. A
# warm-up pass of each first, then ROUNDS rounds of: COUNT event streams on each server in turn, then COUNT keep-alive
# connections on Wisp's, after a pause of 35 s, longer than two of Wisp's heartbeat intervals (the first write to a
# socket whose client closed goes through, the second fails), so that the streams whose clients left have found out
# and ended before Wisp's next pass. (Helidon's streams never end, and each figure is the difference within one pass,
# in which what earlier passes left counts on both sides.) Histograms go to WORK_DIR (default: a fresh temporary
# folder, printed). Stops only the processes it started.
#
# Settings (environment): COUNT (2000), ROUNDS (3), PORT (19181: Wisp; Undertow and Helidon the next two),
# SERVER_CPU (0), LOAD_CPU (1), SKIP_BUILD=1 to use the jars in target/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
source "$root/bin/jdk.sh"
COUNT=${COUNT:-2000}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-19181}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
WORK_DIR=${WORK_DIR:-$(mktemp -d /tmp/wisp-event-streams.XXXXXX)}
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    (cd "$root" && ./mvnw -q -B -Pbench -pl wisp-bench -am package -DskipTests)
fi
class_path="$here/target/wisp-bench.jar:$here/target/lib/*"
jcmd="$JAVA_HOME/bin/jcmd"

declare -A port=([wisp]=$PORT [undertow]=$((PORT + 1)) [helidon]=$((PORT + 2)))
declare -A main=([wisp]=WispPlaintext [undertow]=UndertowEvents [helidon]=HelidonEvents)
declare -A pid=()
stop_peers() {
    local name
    for name in "${!pid[@]}"; do
        kill "${pid[$name]}" 2>/dev/null || true
    done
}
trap stop_peers EXIT
for name in wisp undertow helidon; do
    taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" -Xms512m -Xmx512m -XX:+UseParallelGC -cp "$class_path" \
        "dev.wisp.bench.peers.${main[$name]}" "${port[$name]}" > "$WORK_DIR/$name.log" 2>&1 &
    pid[$name]=$!
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/${port[$name]}") 2>/dev/null && break
        sleep 0.1
    done
done

histogram() {  # server name -> the histogram's total bytes; the histogram itself in WORK_DIR/name.txt
    timeout 60 "$jcmd" "${pid[$1]}" GC.run > /dev/null
    timeout 120 "$jcmd" "${pid[$1]}" GC.class_histogram > "$WORK_DIR/$2.txt"
    awk '$1 == "Total" {print $3}' "$WORK_DIR/$2.txt"
}

hold() {  # server name holder-options... -> bytes per connection held, from histograms before and after
    local server=$1 name=$2 before after line
    shift 2
    before=$(histogram "$server" "$name-before")
    coproc HOLDER { taskset -c "$LOAD_CPU" "$JAVA_HOME/bin/java" -cp "$class_path" \
        dev.wisp.bench.load.IdleConnections "$@" 127.0.0.1 "${port[$server]}" "$COUNT" 300; }
    read -r -t 180 line <&"${HOLDER[0]}"
    [[ $line == "ready opened=$COUNT failed=0"* ]] || { echo "$name: $line" >&2; exit 1; }
    sleep 1
    after=$(histogram "$server" "$name-after")
    echo check >&"${HOLDER[1]}"
    read -r -t 30 line <&"${HOLDER[0]}"
    [[ $line == "open $COUNT" ]] || { echo "$name: the server closed some: $line" >&2; exit 1; }
    echo quit >&"${HOLDER[1]}"
    wait "$HOLDER_PID" 2> /dev/null || true
    awk -v b="$before" -v a="$after" -v n="$COUNT" 'BEGIN {printf "%.0f", (a - b) / n}'
}

stack_chunks() {  # name -> bytes of virtual thread stacks per connection held
    awk -v n="$COUNT" '$4 == "jdk.internal.vm.StackChunk" {print $3}' "$WORK_DIR/$1-before.txt" "$WORK_DIR/$1-after.txt" |
        paste -sd ' ' | awk -v n="$COUNT" '{printf "%.0f", ($2 - $1) / n}'
}

for name in wisp undertow helidon; do
    hold "$name" "warm-$name" --events /events > /dev/null
done
sleep 35
hold wisp warm-plain > /dev/null
echo "| round | Wisp: open event stream, bytes of heap | of which virtual thread stack | Undertow | Helidon |" \
    "Wisp: idle keep-alive connection |"
echo "|---|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
    wisp=$(hold wisp "events-wisp-$round" --events /events)
    undertow=$(hold undertow "events-undertow-$round" --events /events)
    helidon=$(hold helidon "events-helidon-$round" --events /events)
    sleep 35
    plain=$(hold wisp "plain-$round")
    echo "| $round | $wisp | $(stack_chunks "events-wisp-$round") | $undertow | $helidon | $plain |"
done
echo
echo "histograms: $WORK_DIR"
