package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Max-Forwards} on TRACE and OPTIONS (RFC 9110 §7.6.2): the proxy forwards the count less one, answers a
 * request that reaches it at zero as its final recipient (an OPTIONS with what it forwards, a TRACE with the request
 * it got, its credentials and cookies left out), and refuses a value that is no count with 400. Other methods pass
 * the field on as it came. Before, the proxy forwarded the count unchanged, so a client could not ask proxy by proxy.
 */
class MaxForwardsIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<String> reached = new CopyOnWriteArrayList<>();
    private Server upstream;
    private ReverseProxy proxy;
    private Server server;

    @BeforeEach
    void start() {
        upstream = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(), Router.builder()
                .any("/*", (request, response) -> {
                    String told = request.method() + " " + request.headers().firstOrNull("Max-Forwards");
                    reached.add(told);
                    response.send(told + "\n");
                })
                .build()).start();
        proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port()).build();
        server = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                Router.builder().any("/*", proxy).build()).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(Duration.ZERO);
        proxy.close();
        upstream.stop(Duration.ZERO);
    }

    @Test
    void forwardsTheCountLessOne() throws Exception {
        assertEquals("OPTIONS 2\n", exchange("OPTIONS /a HTTP/1.1\r\nHost: x\r\nMax-Forwards: 3\r\n\r\n").bodyText());
        assertEquals("TRACE 0\n", exchange("TRACE /a HTTP/1.1\r\nHost: x\r\nMax-Forwards: 1\r\n\r\n").bodyText());
        assertEquals("OPTIONS 2147483646\n", exchange("OPTIONS /a HTTP/1.1\r\nHost: x\r\n"
                + "Max-Forwards: 99999999999999999999\r\n\r\n").bodyText(), "at most what the proxy counts");
        assertEquals("GET 0\n", exchange("GET /a HTTP/1.1\r\nHost: x\r\nMax-Forwards: 0\r\n\r\n").bodyText(),
                "another method's count passes on as it came");
        assertEquals("OPTIONS null\n", exchange("OPTIONS /a HTTP/1.1\r\nHost: x\r\n\r\n").bodyText());
    }

    @Test
    void answersAnOptionsWithNoForwardsLeftItself() throws Exception {
        RawResponse answer = exchange("OPTIONS /a HTTP/1.1\r\nHost: x\r\nMax-Forwards: 0\r\n\r\n");
        assertEquals(200, answer.status());
        assertEquals("GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE", answer.header("Allow").orElseThrow());
        assertEquals("0", answer.header("Content-Length").orElseThrow());
        assertTrue(reached.isEmpty(), "the upstream was not asked: " + reached);
    }

    @Test
    void answersATraceWithNoForwardsLeftWithTheRequestLessItsSecrets() throws Exception {
        RawResponse answer = exchange("TRACE /a?b=1 HTTP/1.1\r\nHost: x\r\nMax-Forwards: 0\r\nX-Probe: 7\r\n"
                + "Cookie: session=secret\r\nAuthorization: Basic c2VjcmV0\r\n\r\n");
        assertEquals(200, answer.status());
        assertEquals("message/http", answer.header("Content-Type").orElseThrow());
        assertEquals("TRACE /a?b=1 HTTP/1.1\r\nHost: x\r\nMax-Forwards: 0\r\nX-Probe: 7\r\n\r\n", answer.bodyText());
        assertFalse(answer.bodyText().contains("secret"));
        assertTrue(reached.isEmpty(), "the upstream was not asked: " + reached);
    }

    @Test
    void refusesACountThatIsNoCount() throws Exception {
        for (String value : new String[] {"-1", "1.5", "two", ""}) {
            assertEquals(400, exchange("OPTIONS /a HTTP/1.1\r\nHost: x\r\nMax-Forwards: " + value + "\r\n\r\n")
                    .status(), value);
        }
        assertEquals(400, exchange("TRACE /a HTTP/1.1\r\nHost: x\r\nMax-Forwards: 1\r\nMax-Forwards: 2\r\n\r\n")
                .status(), "two counts");
        assertTrue(reached.isEmpty(), "the upstream was not asked: " + reached);
    }

    private RawResponse exchange(String request) throws Exception {
        try (RawPeer peer = RawPeer.connect(server.port())) {
            peer.send(request);
            return peer.readResponse();
        }
    }
}
