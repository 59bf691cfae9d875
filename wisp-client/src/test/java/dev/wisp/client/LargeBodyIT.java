package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Bodies larger than a read-ahead buffer, in every framing, with the next response already on the wire behind
 * each: the client reads a plaintext body ahead in large reads, and must take every byte of it and not one of the
 * response after it.
 */
class LargeBodyIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final ClientConfig PIPELINING = ClientConfig.builder().pipelining(true)
            .readTimeout(Duration.ofSeconds(10)).build();

    @Test
    void takesEachBodyWholeAndLeavesTheNextResponseOnTheWire() {
        byte[] fixed = WispServerIT.randomBytes(700_001);
        byte[] chunk = WispServerIT.randomBytes(300_000);
        byte[] untilClose = WispServerIT.randomBytes(400_003);
        assertTimeoutPreemptively(LIMIT, () -> {
            // The peer reads all four requests, then writes the four responses back to back in one go.
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        InputStream in = socket.getInputStream();
                        for (int i = 0; i < 4; i++) {
                            self.readHead(in);
                        }
                        ByteArrayOutputStream wire = new ByteArrayOutputStream();
                        ascii(wire, "HTTP/1.1 200 OK\r\nContent-Length: " + fixed.length + "\r\n\r\n");
                        wire.write(fixed);
                        ascii(wire, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsmall");
                        ascii(wire, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(chunk.length) + "\r\n");
                        wire.write(chunk);
                        ascii(wire, "\r\n3\r\nend\r\n0\r\nX-Checked: yes\r\n\r\n");
                        ascii(wire, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
                        wire.write(untilClose);
                        OutputStream out = socket.getOutputStream();
                        wire.writeTo(out);
                        out.flush();
                        socket.shutdownOutput();
                        in.read();
                    });
                    ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", server.port()), PIPELINING)) {
                List<CompletableFuture<Received>> calls = new ArrayList<>();
                for (String path : List.of("/fixed", "/small", "/chunked", "/until-close")) {
                    calls.add(connection.sendAsync(Request.get(server.url(path))).thenApply(LargeBodyIT::read));
                }
                assertArrayEquals(fixed, calls.get(0).get(10, TimeUnit.SECONDS).body());
                assertEquals("small", new String(calls.get(1).get(10, TimeUnit.SECONDS).body(),
                        StandardCharsets.US_ASCII));
                Received chunked = calls.get(2).get(10, TimeUnit.SECONDS);
                assertArrayEquals(chunk, Arrays.copyOf(chunked.body(), chunk.length));
                assertEquals("end", new String(chunked.body(), chunk.length, 3, StandardCharsets.US_ASCII));
                assertEquals("yes", chunked.response().trailers().firstOrNull("X-Checked"));
                assertArrayEquals(untilClose, calls.get(3).get(10, TimeUnit.SECONDS).body());
            }
        });
    }

    private static void ascii(ByteArrayOutputStream wire, String text) {
        wire.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A response and its whole body. */
    private record Received(Response response, byte[] body) {
    }

    /** Reads the body in the small pieces an application might ask for. */
    private static Received read(Response response) {
        try (response) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] piece = new byte[1000];
            for (int n = response.body().read(piece); n >= 0; n = response.body().read(piece)) {
                body.write(piece, 0, n);
            }
            return new Received(response, body.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
