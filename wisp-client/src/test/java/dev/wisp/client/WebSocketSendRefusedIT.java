package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketClosedException;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A message over the server's limit: the server closes with 1009 as it arrives, then ends the connection (or, over
 * HTTP/2, resets the stream) while the message is still being sent. The send fails with the server's code, where it
 * failed as a bare broken pipe or reset before (over HTTP/2 it returned as if sent); and a send after the close says
 * the peer closed it, with its code.
 */
class WebSocketSendRefusedIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** Far past the server's 1 MiB and what the sockets' buffers and its lingering read take in. */
    private static final int TOO_BIG = 32 * 1024 * 1024;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aMessageOverTheServersLimitFailsWithTheServersClose(boolean http2) {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder()
                    .get("/hello", (request, response) -> response.send("hello"))
                    .webSocket("/echo", WebSocketConfig.defaults(), request -> WebSocketListener.echo())
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).http2(true).build(), router).start();
                    Client client = Client.create(ClientConfig.builder()
                            .http2(http2 ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.OFF).build())) {
                String base = "http://127.0.0.1:" + server.port();
                assertEquals("hello", client.send(Request.get(base + "/hello")).text()); // the WebSocket's connection
                CompletableFuture<Integer> closed = new CompletableFuture<>();
                WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + server.port() + "/echo",
                        WebSocketConfig.defaults(), new WebSocketListener() {
                            @Override
                            public void onClose(WebSocket socket, int code, String reason) {
                                closed.complete(code);
                            }

                            @Override
                            public void onError(WebSocket socket, java.io.IOException error) {
                                closed.completeExceptionally(error);
                            }
                        });
                // Over HTTP/2 the server resets the stream right after its close frame (it read and dropped the rest
                // for its linger time, and the send returned as if the message had gone).
                WebSocketClosedException during = assertThrows(WebSocketClosedException.class,
                        () -> webSocket.sendBinary(new byte[TOO_BIG]));
                assertEquals(CloseCode.MESSAGE_TOO_BIG, during.closeStatus().code(), during.toString());
                assertNotNull(during.getCause(), "the send under way failed");
                assertTrue(during.getMessage().startsWith("the peer closed the WebSocket with 1009"),
                        during.getMessage());
                assertEquals(CloseCode.MESSAGE_TOO_BIG, closed.get(LIMIT.toSeconds(), TimeUnit.SECONDS));

                WebSocketClosedException after = assertThrows(WebSocketClosedException.class,
                        () -> webSocket.sendText("more"));
                assertEquals(CloseCode.MESSAGE_TOO_BIG, after.closeStatus().code());
                assertNull(after.getCause(), "nothing was under way");
            }
        });
    }
}
