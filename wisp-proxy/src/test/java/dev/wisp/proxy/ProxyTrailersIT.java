package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.Http2Mode;
import dev.wisp.core.Headers;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Trailer fields through the proxy, both ways, with peers that send and show them as they are on the wire: the fields
 * no trailer section may hold (RFC 9110 §6.5.1) and the forwarding fields and {@code Via} never reach the other side,
 * and a field meant for trailers does. Over HTTP/1.1 raw sockets play the client and the upstream; over HTTP/2
 * node's {@code http2} module does ({@code node/trailers-relay-peer.js}), which sends such fields as asked.
 */
class ProxyTrailersIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** What a client or an upstream might put in trailers to get round the proxy, and one field that belongs there. */
    private static final String SMUGGLED = """
            Content-Length: 50\r
            Transfer-Encoding: chunked\r
            Host: evil\r
            Connection: close\r
            Authorization: Basic ZXZpbA==\r
            Set-Cookie: evil=1\r
            X-Forwarded-For: 6.6.6.6\r
            Forwarded: for=6.6.6.6\r
            Via: 1.1 evil\r
            """;

    private Server proxy;
    private ReverseProxy handler;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(Duration.ZERO);
        }
        if (handler != null) {
            handler.close();
        }
    }

    private int proxyTo(String upstream, boolean http2) {
        handler = ReverseProxy.builder(upstream).stripPrefix("/api")
                .clientConfig(ReverseProxy.defaultClientConfig().toBuilder()
                        .http2(http2 ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.OFF).build())
                .build();
        proxy = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).http2(http2).build(),
                Router.builder().any("/api/*", handler).build()).start();
        return proxy.port();
    }

    @Test
    void overHttp11OnlyTheTrailersThatBelongThereAreRelayedEitherWay() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket upstream = new ServerSocket(0, 8, LOOPBACK)) {
                CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> answerChunked(upstream,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok\n\r\n0\r\n" + SMUGGLED
                                + "X-Checksum: upstream\r\n\r\n"));
                int port = proxyTo("http://127.0.0.1:" + upstream.getLocalPort(), false);
                try (RawPeer client = RawPeer.connect(port)) {
                    client.send("POST /api/upload HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nhello\r\n0\r\n" + SMUGGLED + "X-Checksum: client\r\n\r\n");
                    RawResponse answer = client.readResponse();

                    assertEquals("ok\n", answer.bodyText());
                    assertEquals(Headers.of("X-Checksum", "upstream"), answer.trailers());
                    assertEquals("0\r\nX-Checksum: upstream\r\n\r\n", tail(answer.wire(), "0\r\n"));
                }
                String request = received.get(10, TimeUnit.SECONDS);
                assertEquals("0\r\nX-Checksum: client\r\n\r\n", tail(request, "0\r\n"));
            }
        });
    }

    @Test
    void overHttp2OnlyTheTrailersThatBelongThereAreRelayedEitherWay() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            String script = Path.of(ProxyTrailersIT.class.getResource("/node/trailers-relay-peer.js").toURI())
                    .toString();
            String node = PeerTools.require("node").toString();
            try (PeerProcess upstream = PeerProcess.start(List.of(node, script, "upstream"), Map.of(),
                    "listening on ", Duration.ofSeconds(20))) {
                String upstreamPort = upstream.output().seen().stream().filter(line -> line.startsWith("listening on "))
                        .findFirst().orElseThrow().substring("listening on ".length()).trim();
                int port = proxyTo("http://127.0.0.1:" + upstreamPort, true);
                PeerTools.Result client = PeerTools.run(Duration.ofSeconds(20),
                        List.of(node, script, "client", "http://127.0.0.1:" + port + "/api/upload"));

                // The upstream's body is the request's trailers as it got them.
                assertEquals("{\"status\":200,\"body\":\"{\\\"x-checksum\\\":\\\"client\\\"}\","
                        + "\"trailers\":{\"x-checksum\":\"upstream\"}}", client.stdout().strip(), client.stderr());
            }
        });
    }

    /** The text from the last occurrence of the marker on: a chunked message's last chunk and trailer section. */
    private static String tail(String wire, String marker) {
        return wire.substring(wire.lastIndexOf("\r\n" + marker) + 2);
    }

    /**
     * Accepts one connection, reads a chunked request to the end of its trailer section, answers with the bytes given
     * and returns the request as it came.
     */
    private static String answerChunked(ServerSocket listener, String response) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            StringBuilder request = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (!endsChunkedRequest(request)) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                request.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return request.toString();
        } catch (IOException e) {
            throw new IllegalStateException("the upstream's connection failed", e);
        }
    }

    /** Whether the text holds a head and a chunked body up to the empty line after its last chunk. */
    private static boolean endsChunkedRequest(StringBuilder text) {
        int head = text.indexOf("\r\n\r\n");
        int last = head < 0 ? -1 : text.indexOf("\r\n0\r\n", head);
        return last >= 0 && text.indexOf("\r\n\r\n", last) >= 0;
    }
}
