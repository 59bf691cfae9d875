package dev.wisp.bench.peers;

/**
 * What every WebSocket peer serves: an echo endpoint on {@code /echo} that sends each text or binary message back
 * as it came, with no compression in the echo tests (the load client does not offer permessage-deflate). The peers
 * that support permessage-deflate accept it when offered, for the idle-memory test with compression.
 * Messages up to {@link #MAX_MESSAGE_BYTES} are accepted, where a peer has a limit, and no peer closes an idle
 * connection or pings it: the memory test holds connections that never answer.
 */
final class WebSocketEcho {
    static final String PATH = "/echo";
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private WebSocketEcho() {
    }
}
