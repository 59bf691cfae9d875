package dev.wisp.client.internal;

import dev.wisp.core.BufferPool;
import dev.wisp.core.Headers;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import dev.wisp.transport.Transport;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.Agreement;
import dev.wisp.websocket.internal.Role;
import dev.wisp.websocket.internal.SessionChannel;
import dev.wisp.websocket.internal.WebSocketSession;

/**
 * A client's WebSocket, which keeps the header fields of the answer that opened it ({@link #handshakeHeaders()}): a
 * server's session does without them, so that none of a server's WebSockets pays for the field.
 */
final class ClientWebSocketSession extends WebSocketSession {
    private final Version handshakeVersion;
    private final Headers handshakeHeaders;

    /** Over an HTTP/1.1 connection that the 101 switched. */
    ClientWebSocketSession(long connectionId, Transport transport, WireInput input, BufferPool pool,
            WebSocketConfig config, Agreement agreement, WebSocketListener listener, Headers handshakeHeaders) {
        super(connectionId, transport, input, pool, Role.CLIENT, config, agreement, listener);
        this.handshakeVersion = Version.HTTP_1_1;
        this.handshakeHeaders = handshakeHeaders;
    }

    /** Over an HTTP/2 stream that an extended CONNECT opened. */
    ClientWebSocketSession(long connectionId, SessionChannel channel, WireInput input, BufferPool pool,
            WebSocketConfig config, Agreement agreement, WebSocketListener listener, Headers handshakeHeaders) {
        super(connectionId, channel, input, pool, Role.CLIENT, config, agreement, listener);
        this.handshakeVersion = Version.HTTP_2;
        this.handshakeHeaders = handshakeHeaders;
    }

    @Override
    public Version handshakeVersion() {
        return handshakeVersion;
    }

    @Override
    public Headers handshakeHeaders() {
        return handshakeHeaders;
    }
}
