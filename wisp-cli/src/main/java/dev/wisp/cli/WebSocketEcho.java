package dev.wisp.cli;

import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;

/**
 * The WebSocket side of {@code wisp serve}: an echo endpoint at {@code /ws} that sends every message back as it
 * came (text as text, binary as binary), with permessage-deflate when the client offers it, and a page at
 * {@code /ws.html} whose script talks to it from a browser.
 */
final class WebSocketEcho {
    /** Messages up to 16 MiB, so the echo takes what test tools send; compression when offered. */
    static final WebSocketConfig CONFIG = WebSocketConfig.builder()
            .maxFrameBytes(16 << 20)
            .maxMessageBytes(16 << 20)
            .permessageDeflate(true)
            .build();
    private WebSocketEcho() {
    }

    /** The listener of every echo connection: the library's, which keeps no state. */
    static WebSocketListener open(ServerRequest request) {
        return WebSocketListener.echo();
    }

    /** Serves the test page, {@code ws.html} from the jar. */
    static void page(ServerRequest request, ServerResponse response) throws IOException {
        try (InputStream page = WebSocketEcho.class.getResourceAsStream("ws.html")) {
            if (page == null) {
                throw new IOException("ws.html is missing from the jar");
            }
            response.header("Content-Type", "text/html; charset=utf-8").send(page.readAllBytes());
        }
    }
}
