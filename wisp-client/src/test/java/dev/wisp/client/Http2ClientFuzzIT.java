package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Http2ResponseScript.Template;
import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.client.Http2ScriptedServer.RequestHead;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.GoAwayFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.testing.FuzzBytes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Seeded mutations of valid HTTP/2 responses (RFC 9113), played over h2c by {@link Http2ScriptedServer}: each case
 * opens a connection with one to three concurrent calls, and the server answers them with an
 * {@link Http2ResponseScript}, written in pieces. Every call must end within a bound, in a response whose body reads
 * to its end or in one of the client's {@link HttpCallException}s; when nothing was mutated or ended a stream, every
 * call reads its response as sent. A connection the client ends with an error GOAWAY leaves the pool at once; after
 * the server closes it, the client holds no connection and serves the next call on a new one. The seed is
 * {@code wisp.fuzz.seed}, the number of cases {@code wisp.fuzz.socketIterations}; a failure names the seed, the case
 * and its frames.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes (it mostly waits out read timeouts)
@Order(1) // the longest of the module: started first
class Http2ClientFuzzIT {
    private static final int INITIAL_STREAM_WINDOW = 16;
    private static final String REQUEST_BODY = "a request body longer than the window";
    @Test
    void endsEveryCallInAResponseOrATypedFailureAndKeepsWorking() {
        Random random = new Random(FuzzBytes.SEED);
        ClientConfig.Builder config = ClientConfig.builder()
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofMillis(400))
                .writeTimeout(Duration.ofMillis(400)) // bounds a request body's wait for a window kept shut
                .pongTimeout(Duration.ofMillis(400))
                .maxHeaderBytes(1024)
                .redirectPolicy(RedirectPolicy.none());
        assertTimeoutPreemptively(FuzzBytes.RUN_BOUND, () -> {
            try (Http2ScriptedServer server = Http2ScriptedServer.start(config)) {
                int verified = 0;
                int failed = 0;
                for (int i = 0; i < FuzzBytes.ITERATIONS; i++) {
                    String where = "seed " + FuzzBytes.SEED + ", case " + i;
                    List<FuzzOutcome> outcomes = playCase(server, random, where);
                    verified += outcomes.stream().filter(o -> o.failure() == null).count();
                    failed += outcomes.stream().filter(o -> o.failure() != null).count();
                }
                assertTrue(verified >= FuzzBytes.ITERATIONS / 10 && failed >= FuzzBytes.ITERATIONS / 10,
                        verified + " responses read, " + failed + " calls failed: the cases are too alike");
            }
        });
    }

    private static List<FuzzOutcome> playCase(Http2ScriptedServer server, Random random, String where)
            throws Exception {
        Client client = server.client();
        List<Template> templates = new ArrayList<>();
        List<CompletableFuture<FuzzOutcome>> calls = new ArrayList<>();
        for (int e = 1 + random.nextInt(3); e > 0; e--) {
            Template template = Http2ResponseScript.TEMPLATES.get(random.nextInt(Http2ResponseScript.TEMPLATES.size()));
            Request.Builder request = Request.builder(server.url("/e" + templates.size())).method(template.method());
            if (template.method().equals("POST")) {
                request.body(REQUEST_BODY);
            }
            calls.add(FuzzOutcome.start(client, request.build()));
            templates.add(template);
        }
        Peer peer = server.accept();
        // A stream window smaller than a request body: the client sends the rest once the script opens the window.
        peer.send(new SettingsFrame(List.of(new Setting(0x3, 100), new Setting(0x4, INITIAL_STREAM_WINDOW))),
                SettingsFrame.ACK);
        int[] streams = awaitRequests(server, peer, calls, where + ": the requests of " + templates);
        Http2ResponseScript script = new Http2ResponseScript(templates, streams, peer, random);
        String what = where + " (" + templates + " on streams " + Arrays.toString(streams) + ", answered "
                + script + ")";
        for (byte[] piece : FuzzBytes.split(script.wire, random)) {
            try {
                peer.sendBytes(piece);
            } catch (IOException e) {
                break; // the client closed the connection on what it read so far
            }
        }
        List<FuzzOutcome> outcomes = new ArrayList<>();
        for (int e = 0; e < calls.size(); e++) {
            FuzzOutcome outcome = FuzzOutcome.await(calls.get(e), what + ", call " + e);
            outcome.assertTyped(what + ", call " + e);
            if (!script.disturbed) {
                Template t = templates.get(e);
                outcome.assertRead(t.status(), t.body(), t.trailer(), what + ", call " + e);
            }
            outcomes.add(outcome);
        }
        assertNoConnectionLeft(server, peer, what);
        return outcomes;
    }

    /** The stream of each call, in the order of the calls, from the request heads the client sent. */
    private static int[] awaitRequests(Http2ScriptedServer server, Peer peer,
            List<CompletableFuture<FuzzOutcome>> calls, String what) {
        int[] streams = new int[calls.size()];
        for (int e = 0; e < streams.length; e++) {
            try {
                RequestHead head = peer.awaitRequest();
                streams[Integer.parseInt(head.field(":path").substring(2))] = head.streamId();
            } catch (IOException | AssertionError failure) {
                throw new AssertionError(what + ": request " + e + " did not come; " + server.connections()
                        + " connections so far, " + server.client().openConnections() + " open; the calls: "
                        + calls.stream().map(c -> c.getNow(null)).toList(), failure);
            }
        }
        return streams;
    }

    /**
     * Checks that a connection the client ended with an error GOAWAY left its pool at once, and that once the
     * server closed the connection the client holds none, and serves the next call on a new one.
     */
    private static void assertNoConnectionLeft(Http2ScriptedServer server, Peer peer, String what) throws Exception {
        Client client = server.client();
        if (peer.takeUnread().stream().anyMatch(f -> f instanceof GoAwayFrame goAway
                && goAway.errorCode() != ErrorCode.NO_ERROR)) {
            Eventually.assertEventually(() -> client.openConnections() == 0,
                    () -> what + ": the connection the client ended with GOAWAY is still in its pool");
        }
        peer.close();
        Eventually.assertEventually(() -> client.openConnections() == 0,
                () -> what + ": " + client.openConnections() + " connections open after the server closed");
        server.closeUnaccepted();
        server.servesNextCallOnANewConnection().close();
        Eventually.assertEventually(() -> client.openConnections() == 0,
                () -> what + ": " + client.openConnections() + " connections open after a good call");
    }
}
