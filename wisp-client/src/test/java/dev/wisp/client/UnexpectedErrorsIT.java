package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An {@link Error} thrown in the middle of a call, where no step expects one (what a full heap throws anywhere; here
 * a listener that throws one, at each step in turn), fails that call with it, and its connection does not stay
 * checked out of the pool: it goes back, closed or kept, and with one connection per origin the next call gets it
 * at once rather than waiting out its connect timeout for a free one; on an explicit connection the next call goes on
 * (or, the connection closed, says so) rather than wait for its turn for good. {@link ClientMemoryExhaustionIT} does
 * the same under a real full heap, where the step that fails is a matter of chance.
 */
class UnexpectedErrorsIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    /** Where the listener throws: the events of one call, in the order they come. */
    enum Step {
        REQUEST_HEADERS_SENT, RESPONSE_HEADERS, BODY_CHUNK, FINISHED
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Step.class)
    void anErrorInACallEndsItAndGivesItsConnectionBack(Step step) {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicBoolean armed = new AtomicBoolean(true);
            ClientConfig config = ClientConfig.builder().maxConnectionsPerOrigin(1)
                    .connectTimeout(Duration.ofSeconds(3)).eventListener(new ThrowingListener(step, armed)).build();
            try (ScriptedServer server = ScriptedServer.start(UnexpectedErrorsIT::answerEachRequest);
                    Client client = Client.create(config)) {
                AssertionError thrown = assertThrows(AssertionError.class, () -> {
                    try (Response response = client.send(Request.get(server.url("/first")))) {
                        response.text();
                    }
                });
                assertEquals("thrown at " + step, thrown.getMessage());
                assertEquals(client.idleConnections(), client.openConnections(),
                        "no connection checked out after the error");

                long start = System.nanoTime();
                try (Response response = client.send(Request.get(server.url("/second")))) {
                    assertEquals("hello", response.text());
                }
                long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(millis < 2000, "the next call waited " + millis + " ms for a free connection");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Step.class)
    void anErrorOnAnExplicitConnectionEndsItsCallAndTheNextCallGoesOn(Step step) {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicBoolean armed = new AtomicBoolean(true);
            ClientConfig config = ClientConfig.builder().eventListener(new ThrowingListener(step, armed)).build();
            try (ScriptedServer server = ScriptedServer.start(UnexpectedErrorsIT::answerEachRequest);
                    ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                            server.port()), config)) {
                AssertionError thrown = assertThrows(AssertionError.class, () -> {
                    try (Response response = connection.send(Request.get(server.url("/first")))) {
                        response.text();
                    }
                });
                assertEquals("thrown at " + step, thrown.getMessage());
                if (!connection.isConnected()) { // closed by the error: the next call says so, and a reconnect serves
                    ConnectionClosedException closed = assertThrows(ConnectionClosedException.class,
                            () -> connection.send(Request.get(server.url("/second"))));
                    assertTrue(closed.getMessage().contains("the call failed unexpectedly"), closed.getMessage());
                    connection.reconnect();
                }
                try (Response response = connection.send(Request.get(server.url("/third")))) {
                    assertEquals("hello", response.text());
                }
            }
        });
    }

    /** Answers every request on the connection with a small body, until the client closes it. */
    private static void answerEachRequest(Socket socket, int index, ScriptedServer self) throws Exception {
        while (true) {
            self.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        }
    }

    /** Throws an AssertionError, once, at its step. */
    private record ThrowingListener(Step step, AtomicBoolean armed) implements EventListener {
        private void at(Step now) {
            if (now == step && armed.compareAndSet(true, false)) {
                throw new AssertionError("thrown at " + step);
            }
        }

        @Override
        public void requestHeadersSent(Request request, RequestHead head) {
            at(Step.REQUEST_HEADERS_SENT);
        }

        @Override
        public void responseHeaders(Request request, ResponseHead head) {
            at(Step.RESPONSE_HEADERS);
        }

        @Override
        public void bodyChunk(Request request, int bytes) {
            at(Step.BODY_CHUNK);
        }

        @Override
        public void finished(Request request, Timing timing) {
            at(Step.FINISHED);
        }
    }
}
