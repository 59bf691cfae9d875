package dev.wisp.bench.load;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The least HTTP/2 client that opens a connection with one {@code GET /plaintext}, or one WebSocket, and leaves it
 * idle, for {@link IdleConnections}: the connection preface with empty SETTINGS, the request as stream 1, then frames
 * read until the response ends, acknowledging the server's SETTINGS on the way (a server may end a connection whose
 * client never does, RFC 9113 §6.5.3). Its HPACK is the static table and literals only, so no dynamic table is
 * kept on either side for the request; the response's status must be the static table's 200, which every
 * server the benchmarks run sends so.
 */
final class Http2SingleRequest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(US_ASCII);
    private static final int FRAME_HEADER_BYTES = 9;
    private static final int MAX_FRAME_BYTES = 16_384;
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    /** HPACK: the static table's {@code :status 200}, indexed (RFC 7541 Appendix A, index 8). */
    private static final int STATUS_200 = 0x88;

    private Http2SingleRequest() {
    }

    /**
     * The preface, our SETTINGS (none changed) and a HEADERS frame for {@code GET /plaintext}, in one write; or,
     * with a WebSocket path, for an extended CONNECT that opens a WebSocket on stream 1 (RFC 8441), which stays open.
     * The CONNECT goes with the preface, before the server's SETTINGS announce that it takes one: the servers it is
     * sent to (Wisp's) always announce it.
     */
    static byte[] request(String authority, boolean tls, String webSocketPath) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        if (webSocketPath == null) {
            block.write(0x82); // :method GET
        } else {
            literal(block, 2, "CONNECT"); // :method
            literal(block, ":protocol", "websocket");
        }
        block.write(tls ? 0x87 : 0x86); // :scheme https or http
        literal(block, 4, webSocketPath == null ? "/plaintext" : webSocketPath); // :path, name from the static table
        literal(block, 1, authority); // :authority
        if (webSocketPath != null) {
            literal(block, "sec-websocket-version", "13");
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(PREFACE);
        request.writeBytes(frameHeader(0, SETTINGS, 0, 0));
        request.writeBytes(frameHeader(block.size(), HEADERS, (webSocketPath == null ? END_STREAM : 0) | END_HEADERS,
                1));
        request.writeBytes(block.toByteArray());
        return request.toByteArray();
    }

    /**
     * Reads frames until stream 1 ends, or for a WebSocket until its 200, and returns the bytes read; fails on
     * anything but a 200 (that ends, unless it opens a WebSocket).
     */
    static int readResponse(InputStream in, OutputStream out, boolean webSocket) throws IOException {
        int bytes = 0;
        while (true) {
            byte[] header = in.readNBytes(FRAME_HEADER_BYTES);
            if (header.length < FRAME_HEADER_BYTES) {
                throw new IOException("connection closed before the response ended");
            }
            int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
            int type = header[3] & 0xff;
            int flags = header[4] & 0xff;
            int stream = ((header[5] & 0x7f) << 24) | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                    | header[8] & 0xff;
            if (length > MAX_FRAME_BYTES) {
                throw new IOException("frame of " + length + " bytes, above the default maximum");
            }
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new IOException("connection closed inside a frame");
            }
            bytes += FRAME_HEADER_BYTES + length;
            if (type == SETTINGS && (flags & ACK) == 0) {
                out.write(frameHeader(0, SETTINGS, ACK, 0));
                out.flush();
            } else if (type == GOAWAY || type == RST_STREAM && stream == 1) {
                throw new IOException("the server ended the request (frame type " + type + ")");
            } else if (type == HEADERS && stream == 1 && firstFieldByte(payload, flags) != STATUS_200) {
                throw new IOException("the response's status is not an indexed 200");
            }
            if ((type == DATA || type == HEADERS) && stream == 1 && ((flags & END_STREAM) != 0 || webSocket)) {
                return bytes;
            }
        }
    }

    private static int firstFieldByte(byte[] payload, int flags) {
        int at = ((flags & PADDED) != 0 ? 1 : 0) + ((flags & PRIORITY) != 0 ? 5 : 0);
        return at < payload.length ? payload[at] & 0xff : -1;
    }

    private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
        byte[] bytes = value.getBytes(US_ASCII);
        if (bytes.length > 126) {
            throw new IllegalArgumentException("value too long for a one-byte length: " + value);
        }
        block.write(nameIndex); // 0000xxxx: literal without indexing, indexed name (index below 15)
        block.write(bytes.length); // no Huffman coding
        block.writeBytes(bytes);
    }

    /** A literal field without indexing and with a new name (0000 0000), neither Huffman coded. */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0);
        byte[] nameBytes = name.getBytes(US_ASCII);
        block.write(nameBytes.length);
        block.writeBytes(nameBytes);
        byte[] bytes = value.getBytes(US_ASCII);
        block.write(bytes.length);
        block.writeBytes(bytes);
    }

    private static byte[] frameHeader(int length, int type, int flags, int stream) {
        return new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
            (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
    }
}
