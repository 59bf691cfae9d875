package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.TestTransport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 with Python's h2 (python3-h2, which {@code bin/test} installs) driving a client by hand,
 * {@code src/test/python/h2_interop_client.py}: an upload sent only as the server's windows allow, whose echo comes
 * back through a window the client opens slowly from zero; a download held while SETTINGS shrink the stream's window
 * below zero and resumed when they raise it; trailers both ways; streams opened as others end, up to the limit; a field
 * section over the limit. h2 checks the frames it receives against RFC 9113 itself (a DATA frame past the window is a
 * FlowControlError that fails the script).
 */
class Http2PythonClientIT {
    @BeforeAll
    static void requireH2() throws Exception {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per server themselves");
        PythonH2.require();
    }

    private static Map<String, List<String>> run(InteropServer server, String scenario) throws Exception {
        return PythonH2.run(server, "h2_interop_client.py", scenario);
    }

    private static String fact(Map<String, List<String>> facts, String name) {
        List<String> values = facts.get(name);
        assertTrue(values != null && values.size() == 1, () -> "one '" + name + "' in " + facts);
        return values.get(0);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void echoesAnUploadThroughAWindowTheClientOpensSlowly(boolean tls) throws Exception {
        try (InteropServer server = InteropServer.start(tls)) {
            Map<String, List<String>> facts = run(server, "upload");
            assertEquals("200", fact(facts, "status"));
            assertEquals(fact(facts, "sent"), fact(facts, "received"), facts::toString);
            assertEquals("True", fact(facts, "echoed"), "the echo is the upload, byte for byte");
            // 1.5 MiB against a 256 KiB stream window and a 1 MiB connection window: the client could send it all
            // only because the server gave its windows back as the handler read.
            assertTrue(Integer.parseInt(fact(facts, "stream-window-updates")) >= 5, facts::toString);
            assertTrue(Integer.parseInt(fact(facts, "connection-window-updates")) >= 1, facts::toString);
            assertEquals("0", fact(facts, "data-while-window-closed"),
                    "no content while the client's window was zero");
            server.assertAllHttp2(1);
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void sendsTrailersAfterAStreamedBodyAndReadsTheClientsTrailers(boolean tls) throws Exception {
        try (InteropServer server = InteropServer.start(tls)) {
            Map<String, List<String>> facts = run(server, "trailers");
            assertEquals("200", fact(facts, "streamed-status"));
            assertEquals("100", fact(facts, "streamed-lines"));
            assertEquals("True", fact(facts, "streamed-sha256-matches"), facts::toString);
            assertEquals("x-lines=100", facts.get("trailer").get(0), facts::toString);
            assertEquals("200", fact(facts, "digest-status"));
            assertEquals(fact(facts, "expected") + "|x-python: yes|x-count: 2|", fact(facts, "digest"));
            server.assertAllHttp2(2);
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void holdsAResponseWhileSettingsShrinkTheWindowAndGoesOnWhenTheyRaiseIt(boolean tls) throws Exception {
        try (InteropServer server = InteropServer.start(tls)) {
            Map<String, List<String>> facts = run(server, "shrink");
            assertTrue(Integer.parseInt(fact(facts, "received-before-ack")) <= 65_535, facts::toString);
            assertEquals("0", fact(facts, "received-while-closed"), "nothing sent through a window at or below zero");
            assertEquals("reopened", fact(facts, "phase"));
            assertEquals(Integer.toString(InteropServer.LARGE.length), fact(facts, "length"));
            assertEquals(InteropServer.sha256Hex(InteropServer.LARGE), fact(facts, "sha256"));
            server.assertAllHttp2(1);
        }
    }

    @Test
    void answersAnOversizedFieldSectionOnItsStreamAlone() throws Exception {
        try (InteropServer server = InteropServer.start(false)) {
            Map<String, List<String>> facts = run(server, "oversize");
            // RFC 9113 §10.5.1: 431 on that stream; the HPACK state stays whole, so the connection goes on.
            assertEquals("status 431", fact(facts, "second"), facts::toString);
            assertEquals("True", fact(facts, "first-went-on"), facts::toString);
            assertEquals(null, facts.get("goaway"), facts::toString);
        }
    }

    @Test
    void neverRefusesAStreamWithinTheConcurrencyLimit() throws Exception {
        try (InteropServer server = InteropServer.start(false, config -> config.maxConcurrentStreams(1))) {
            Map<String, List<String>> facts = run(server, "refill");
            assertEquals("1", fact(facts, "limit"));
            assertEquals("0", fact(facts, "refused"), facts::toString);
            assertEquals("3000", fact(facts, "completed"));
        }
    }
}
