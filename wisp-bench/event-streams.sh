#!/usr/bin/env bash
# Heap per open event stream on Wisp's server, beside an idle HTTP/1.1 keep-alive connection, class by class.
#
# Starts Wisp's bench peer (WispPlaintext: GET /events is an EventStream that sends one event and stays open) on
# SERVER_CPU; IdleConnections on LOAD_CPU opens COUNT connections of a kind and holds them; the class histogram after
# a full GC, less the one before, divided by COUNT, is what each one holds. A warm-up pass of each kind first, then
# ROUNDS rounds of: COUNT event streams, then COUNT keep-alive connections. Between the two, a pause longer than the
# streams' heartbeat interval (15 s), so that the streams whose clients left have found out and ended.
# Histograms go to WORK_DIR (default: a fresh temporary folder, printed). Stops only the processes it started.
#
# Settings (environment): COUNT (2000), ROUNDS (3), PORT (19181), SERVER_CPU (0), LOAD_CPU (1),
# SKIP_BUILD=1 to use the jars in target/.
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

taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" -Xms512m -Xmx512m -XX:+UseParallelGC -cp "$class_path" \
    dev.wisp.bench.peers.WispPlaintext "$PORT" > "$WORK_DIR/peer.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

histogram() {  # name -> the histogram's total bytes; the histogram itself in WORK_DIR/name.txt
    timeout 60 "$jcmd" "$server_pid" GC.run > /dev/null
    timeout 120 "$jcmd" "$server_pid" GC.class_histogram > "$WORK_DIR/$1.txt"
    awk '$1 == "Total" {print $3}' "$WORK_DIR/$1.txt"
}

hold() {  # name holder-options... -> bytes per connection held, from histograms before and after
    local name=$1 before after line
    shift
    before=$(histogram "$name-before")
    coproc HOLDER { taskset -c "$LOAD_CPU" "$JAVA_HOME/bin/java" -cp "$class_path" \
        dev.wisp.bench.load.IdleConnections "$@" 127.0.0.1 "$PORT" "$COUNT" 300; }
    read -r -t 180 line <&"${HOLDER[0]}"
    [[ $line == "ready opened=$COUNT failed=0"* ]] || { echo "$name: $line" >&2; exit 1; }
    sleep 1
    after=$(histogram "$name-after")
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

hold warm-events --events /events > /dev/null
sleep 17
hold warm-plain > /dev/null
echo "| round | open event stream, bytes of heap | of which virtual thread stack | idle keep-alive connection |"
echo "|---|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
    events=$(hold "events-$round" --events /events)
    sleep 17
    plain=$(hold "plain-$round")
    echo "| $round | $events | $(stack_chunks "events-$round") | $plain |"
done
echo
echo "histograms: $WORK_DIR"
