/**
 * The {@code wisp} command: {@code wisp serve} runs a file, echo and WebSocket echo server (and a reverse proxy for
 * the prefixes given with {@code --proxy}), {@code wisp get} sends
 * a request as curl does, {@code wisp ws} talks to a WebSocket.
 * The build packs it with every Wisp module into one runnable jar.
 */
module dev.wisp.cli {
    requires dev.wisp.server;
    requires dev.wisp.client;
    requires dev.wisp.proxy;
    // The libraries log through System.Logger, to java.util.logging: wisp get -s silences it (LibraryLog).
    requires java.logging;
    // sun.misc.Signal, for a graceful stop on Ctrl-C with its messages intact; see StopSignals.
    requires jdk.unsupported;
}
