# shellcheck shell=bash disable=SC2034  # tables read by the scripts that source this file
# The plaintext peers of run.sh and latency.sh: each one's main class in dev.wisp.bench.peers, its port offset
# from the script's PORT_BASE, its name in reports, and JVM flags of its own (sourced after lib.sh). wisp-loops is Wisp with its carrier
# loops (ServerConfig.carrierLoops, one per core the server may use).
declare -A MAIN_CLASS=(
    [wisp]=WispPlaintext [wisp-loops]=WispPlaintext [netty]=NettyPlaintext [jetty]=JettyPlaintext [undertow]=UndertowPlaintext
    [helidon]=HelidonPlaintext [jdk]=JdkHttpServerPlaintext)
declare -A PORT_OFFSET=([wisp]=1 [wisp-loops]=8 [netty]=2 [jetty]=3 [undertow]=4 [helidon]=5 [jdk]=6 [nginx]=7)
declare -A LABEL=(
    [wisp]=Wisp [wisp-loops]="Wisp (carrier loops)" [netty]=Netty [jetty]=Jetty [undertow]=Undertow
    [helidon]=Helidon [jdk]="JDK HttpServer"
    [nginx]=nginx)
declare -A PEER_FLAGS=([wisp-loops]="$WISP_LOOPS_FLAGS")  # lib.sh's, sourced before this file
