#!/usr/bin/env bash
# Runs the JMH benchmarks of wisp-bench briefly (default: the HTTP/1.1 request head parser).
#
#   ./jmh.sh                          Http1RequestParseBenchmark, -f1 -wi 3 -i 5 -w 1s -r 1s
#   ./jmh.sh Http1RequestParse -f1 -prof gc   arguments, when given, replace all the defaults
#   SKIP_BUILD=1 ./jmh.sh             use the jars already in target/
# The benchmark JVM is pinned to one core (BENCH_CPU, default 1) so runs compare across machines with more cores.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
BENCH_CPU=${BENCH_CPU:-1}
# shellcheck source=../bin/jdk.sh
source "$ROOT_DIR/bin/jdk.sh"

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    (cd "$ROOT_DIR" && timeout 900 ./mvnw -q -B -Pbench -pl wisp-bench -am package -DskipTests)
fi

if [[ $# -eq 0 ]]; then
    set -- Http1RequestParseBenchmark -f1 -wi 3 -i 5 -w 1s -r 1s
fi
CLASS_PATH="$BENCH_DIR/target/wisp-bench.jar:$BENCH_DIR/target/lib/*"
exec timeout 1800 taskset -c "$BENCH_CPU" "$JAVA_HOME/bin/java" -cp "$CLASS_PATH" \
    org.openjdk.jmh.Main "$@"
