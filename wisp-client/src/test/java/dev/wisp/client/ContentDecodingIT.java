package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code decompress(true)} on encoded bodies real servers rarely send: empty ones, which decode to nothing as curl's
 * {@code --compressed} has them, truncated ones, and ones whose framing breaks after the encoded bytes end. (nginx's
 * answer to HEAD is in {@link NginxIT}.)
 */
class ContentDecodingIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void decodesAnEmptyEncodedBodyToNothing() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                var in = socket.getInputStream();
                self.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n");
                self.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
                self.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                self.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\n"
                        + "\u001f\u008b\u0008");
            }); Client client = Client.create()) {
                assertEquals(0, client.send(Request.builder(server.url("/gzip")).decompress(true).build())
                        .bytes().length);
                assertEquals(0, client.send(Request.builder(server.url("/deflate")).decompress(true).build())
                        .bytes().length);
                assertEquals("ok", client.send(Request.get(server.url("/after"))).text());
                assertEquals(1, server.connections());
                Response truncated = client.send(Request.builder(server.url("/cut")).decompress(true).build());
                ResponseProtocolException e = assertThrows(ResponseProtocolException.class, truncated::bytes);
                assertEquals("response body is not valid gzip: it ends early", e.getMessage());
            }
        });
    }

    @Test
    void failsWithTheFramingErrorWhenTheBodyBreaksAfterAWholeGzipMember() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] member = gzip("zipped text");
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                self.readHead(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(member.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(member);
                // The last chunk's trailer section breaks: the gzip reader, looking for a next member, meets it.
                out.write("\r\n0\r\n\rbroken\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }); Client client = Client.create()) {
                Response response = client.send(Request.builder(server.url("/gzip")).decompress(true).build());
                ResponseProtocolException e = assertThrows(ResponseProtocolException.class, response::bytes);
                assertEquals("invalid response from " + Origin.plaintext("127.0.0.1", server.port())
                        + ": bare CR in trailer section", e.getMessage());
                assertEquals(0, client.openConnections());
            }
        });
    }

    /**
     * Members one after another are one gzip body (RFC 1952 §2.2), but bytes after the last are no part of it: the
     * JDK's gzip reader dropped them without a word, and a body glued to junk, or a corrupt member, was handed over
     * as whole. curl fails it. Junk within the decoder's last read and junk past it alike; zeros are padding, which
     * gzip(1) and curl skip.
     */
    @Test
    void failsOnBytesAfterTheLastGzipMember() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] two = concat(gzip("first "), gzip("second"));
            byte[] junk = concat(gzip("hello"), "GARBAGE".getBytes(StandardCharsets.US_ASCII));
            byte[] farJunk = concat(gzip("hello"), "x".repeat(20_000).getBytes(StandardCharsets.US_ASCII));
            byte[] zeros = concat(gzip("padded"), new byte[20_000]); // padding, which gzip(1) and curl skip
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                var in = socket.getInputStream();
                for (byte[] body : new byte[][] {two, zeros, junk, farJunk}) {
                    self.readHead(in);
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            }); Client client = Client.create()) {
                assertEquals("first second", client.send(Request.builder(server.url("/two")).decompress(true).build())
                        .text());
                assertEquals("padded", client.send(Request.builder(server.url("/zeros")).decompress(true).build())
                        .text());
                for (String path : new String[] {"/junk", "/far-junk"}) {
                    Response response = client.send(Request.builder(server.url(path)).decompress(true).build());
                    ResponseProtocolException e = assertThrows(ResponseProtocolException.class, response::bytes);
                    assertEquals("response body is not valid gzip: bytes follow the end of the gzip data",
                            e.getMessage(), path);
                }
            }
        });
    }

    /**
     * Codings stacked one over another are undone last first, as curl's --compressed does (a body in {@code gzip,
     * gzip} came back still gzipped once, as if decoded); a coding it cannot undo, or more than five, leaves the body
     * and its Content-Encoding as they came, for the program to see.
     */
    @Test
    void undoesStackedCodingsAndLeavesWhatItCannotUndoAsItCame() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] twice = gzipBytes(gzip("twice"));
            byte[] sixTimes = gzip("six");
            for (int i = 1; i < 6; i++) {
                sixTimes = gzipBytes(sixTimes);
            }
            Map<String, byte[]> answers = new LinkedHashMap<>();
            answers.put("gzip, gzip", twice);
            answers.put("gzip, identity", gzip("with identity"));
            answers.put("br", "not really brotli".getBytes(StandardCharsets.US_ASCII));
            answers.put("gzip, br", "neither".getBytes(StandardCharsets.US_ASCII));
            answers.put("gzip, gzip, gzip, gzip, gzip, gzip", sixTimes);
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                var in = socket.getInputStream();
                for (Map.Entry<String, byte[]> answer : answers.entrySet()) {
                    self.readHead(in);
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Encoding: " + answer.getKey() + "\r\nContent-Length: "
                            + answer.getValue().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(answer.getValue());
                    out.flush();
                }
            }); Client client = Client.create()) {
                for (Map.Entry<String, byte[]> answer : answers.entrySet()) {
                    Response response = client.send(Request.builder(server.url("/")).decompress(true).build());
                    String coding = response.headers().firstOrNull("Content-Encoding");
                    switch (answer.getKey()) {
                        case "gzip, gzip" -> assertEquals("twice", response.text());
                        case "gzip, identity" -> assertEquals("with identity", response.text());
                        default -> {
                            assertArrayEquals(answer.getValue(), response.bytes(), answer.getKey());
                            assertEquals(answer.getKey(), coding, "left as it came");
                            continue;
                        }
                    }
                    assertEquals(null, coding, answer.getKey());
                }
            }
        });
    }

    private static byte[] gzipBytes(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] gzip(String text) throws IOException {
        return gzipBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
