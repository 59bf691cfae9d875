package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.core.ResponseHead;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Interim responses around {@code Expect: 100-continue} (RFC 9110 §10.1.1, §15.2): a {@code 103 Early Hints} is
 * no invitation to send the body, {@code 100 Continue} is, and a final answer before it means the body is not
 * wanted; a listener is told of each interim head. The peer reports whether body bytes came while it waited (a read
 * with a short timeout).
 */
class InterimResponsesIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final ClientConfig PATIENT = ClientConfig.builder().expectContinueTimeout(Duration.ofSeconds(10))
            .build();

    /** Reads one byte within 300 ms: "held" if none came, else what came. */
    private static String waitForBody(InputStream in, Socket socket) throws Exception {
        socket.setSoTimeout(300);
        try {
            int b = in.read();
            return b < 0 ? "closed" : "body sent";
        } catch (SocketTimeoutException e) {
            return "held";
        } finally {
            socket.setSoTimeout(0);
        }
    }

    private static Request post(ScriptedServer server) {
        return Request.builder(server.url("/")).method("POST").expectContinue(true).body("payload").build();
    }

    @Test
    void holdsTheBodyPastAn103UntilAFinalAnswerSaysItIsNotWanted() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicReference<String> afterHints = new AtomicReference<>();
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        InputStream in = socket.getInputStream();
                        self.readHead(in);
                        ScriptedServer.write(socket, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n");
                        afterHints.set(waitForBody(in, socket));
                        ScriptedServer.write(socket, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
                    });
                    Client client = Client.create(PATIENT)) {
                Response response = client.send(post(server));
                assertEquals(401, response.statusCode());
                assertEquals("held", afterHints.get());
            }
        });
    }

    @Test
    void sendsTheBodyAfter100ContinueThatFollowsAn103AndTellsEachInterimHead() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicReference<String> afterHints = new AtomicReference<>();
            List<String> seen = new CopyOnWriteArrayList<>();
            EventListener heads = new EventListener() {
                @Override
                public void interimResponse(Request request, ResponseHead head) {
                    seen.add("interim " + head.status());
                }

                @Override
                public void responseHeaders(Request request, ResponseHead head) {
                    seen.add("final " + head.status());
                }
            };
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        InputStream in = socket.getInputStream();
                        self.readHead(in);
                        ScriptedServer.write(socket, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n");
                        afterHints.set(waitForBody(in, socket));
                        ScriptedServer.write(socket, "HTTP/1.1 100 Continue\r\n\r\n");
                        byte[] body = in.readNBytes("payload".length());
                        ScriptedServer.write(socket, "HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\n"
                                + "Content-Length: " + body.length + "\r\n\r\n"
                                + new String(body, StandardCharsets.ISO_8859_1));
                    });
                    Client client = Client.create(PATIENT.toBuilder().eventListener(heads).build())) {
                assertEquals("payload", client.send(post(server)).text());
                assertEquals("held", afterHints.get());
                assertEquals(List.of("interim 103 Early Hints", "interim 100 Continue", "interim 103 Early Hints",
                        "final 200 OK"), seen, "each interim head is told to the listener, in order");
            }
        });
    }
}
