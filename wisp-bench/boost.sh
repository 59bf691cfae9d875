# shellcheck shell=bash
# Sourced first by the scripts that take BOOST=1 (latency.sh, tls.sh), with their arguments: the script runs
# again in a session of its own, which gets a scheduling group of its own, whose weight nice -20 raises above the
# rest. On a machine that other work keeps busy, the measured processes then get their cores nearly to themselves.
if [[ ${BOOST:-0} == 1 && -z ${WISP_BENCH_BOOSTED:-} ]]; then
    exec setsid env WISP_BENCH_BOOSTED=1 bash "$0" "$@" </dev/null
fi
if [[ -n ${WISP_BENCH_BOOSTED:-} ]]; then
    echo -20 >/proc/self/autogroup 2>/dev/null || echo "BOOST: cannot renice the scheduling group" >&2
fi
