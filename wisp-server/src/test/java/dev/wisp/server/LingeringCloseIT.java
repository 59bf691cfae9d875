package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Lingering close: after an answer sent before the request was read whole, the server half-closes and drops what
 * the client still sends, so a client that sends its whole body before reading gets the answer, not a reset; and
 * the lingering ends at {@code lingerTimeout} or past {@code maxLingerBytes}.
 */
class LingeringCloseIT {
    private static final int MAX_BODY = 1024 * 1024;
    /** Less than a body the handler leaves unread, so the server will not drain it to keep the connection. */
    private static final int MAX_DRAIN = 1024;
    /** Larger than the loopback socket buffers can hold, so the client's writes need the server to read. */
    private static final int LARGE_BODY = 8 * 1024 * 1024;

    private final ConnectionEvents events = new ConnectionEvents();

    private Server start(Duration lingerTimeout, long maxLingerBytes) {
        return TestServers.start(TestServers.config()
                .maxRequestBodyBytes(MAX_BODY)
                .maxDrainBytes(MAX_DRAIN)
                .lingerTimeout(lingerTimeout)
                .maxLingerBytes(maxLingerBytes)
                .connectionListener(events), Router.builder()
                .post("/upload", (request, response) -> response.send(request.bodyBytes().length + " bytes\n"))
                .post("/ignore", (request, response) -> response.send("not read\n"))
                .build());
    }

    @Test
    void clientThatSendsAnOversizedBodyBeforeReadingStillReadsThe413() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = start(Duration.ofSeconds(30), 2L * LARGE_BODY);
                    Socket socket = connect(server)) {
                sendHeadAndBody(socket, "/upload", LARGE_BODY);
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 413 Content Too Large\r\n"), response);
                assertTrue(response.endsWith("exceeds 1048576 bytes (maxRequestBodyBytes)\n"), response);
            }
        });
    }

    @Test
    void clientWhoseUploadTheHandlerIgnoredReadsTheAnswer() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = start(Duration.ofSeconds(30), 2L * LARGE_BODY);
                    Socket socket = connect(server)) {
                sendHeadAndBody(socket, "/ignore", MAX_BODY / 2);
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
                assertTrue(response.endsWith("not read\n"), response);
            }
        });
    }

    @Test
    void lingeringEndsAtTheTimeoutWhileTheClientStaysSilent() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = start(Duration.ofMillis(200), LARGE_BODY);
                    Socket socket = connect(server)) {
                OutputStream out = socket.getOutputStream();
                out.write(head("/upload", LARGE_BODY));
                out.write(new byte[100]);
                // The answer, then the end of the stream from the half-close, while the client keeps its side open.
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 413 "), response);
                assertEquals("exchange asked to close", events.awaitClosed().reason());
            }
        });
    }

    @Test
    void lingeringEndsPastMaxLingerBytesWhileTheClientKeepsSending() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = start(Duration.ofSeconds(60), 64 * 1024);
                    Socket socket = connect(server)) {
                CountDownLatch sent = new CountDownLatch(1);
                Thread.ofVirtual().start(() -> {
                    try {
                        sendHeadAndBody(socket, "/upload", LARGE_BODY);
                    } catch (IOException e) {
                        // the reset after the server gave up lingering
                    }
                    sent.countDown();
                });
                // Well before lingerTimeout: only the byte limit can have ended it.
                assertEquals("exchange asked to close", events.awaitClosed().reason());
                socket.close();
                sent.await();
            }
        });
    }

    private static Socket connect(Server server) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] head(String path, int contentLength) {
        return ("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + contentLength + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends the whole request before reading anything, as a simple client does. */
    private static void sendHeadAndBody(Socket socket, String path, int length) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(head(path, length));
        byte[] slice = new byte[64 * 1024];
        for (int sent = 0; sent < length; sent += slice.length) {
            out.write(slice, 0, Math.min(slice.length, length - sent));
        }
        out.flush();
    }
}
