package dev.wisp.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;

/**
 * A WebSocket client that writes exactly the frames a test asks for, valid or not, and reads frames back, over a
 * {@link RawPeer} (so over TLS in a run that tests TLS). Its framing is written here from RFC 6455 §5.2, not with
 * Wisp's codec, so it does not share that codec's bugs. Client frames are masked unless asked otherwise.
 *
 * <p>Not thread-safe: one test thread uses it.
 */
public final class ScriptedWebSocketPeer implements AutoCloseable {
    /** The key of RFC 6455 §1.3 and the accept value it must produce. */
    public static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    public static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    public static final int CONTINUATION = 0;
    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;

    /** A frame as received: its flags, opcode and unmasked payload. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 if it has none. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : (payload[0] & 0xff) << 8 | payload[1] & 0xff;
        }
    }

    private final RawPeer peer;
    private final RawResponse handshake;

    private ScriptedWebSocketPeer(RawPeer peer, RawResponse handshake) {
        this.peer = peer;
        this.handshake = handshake;
    }

    /**
     * Connects and sends an upgrade request for the path with the fixed {@link #KEY} and these extra header lines
     * (as {@code "Sec-WebSocket-Protocol: chat"}); fails the test unless the answer is a valid 101.
     */
    public static ScriptedWebSocketPeer open(int port, String path, String... headerLines) throws IOException {
        RawPeer peer = RawPeer.connect(port);
        RawResponse response = upgrade(peer, path, headerLines);
        if (response.status() != 101) {
            peer.close();
            Assertions.fail("expected 101, got " + response.status() + ": " + response.bodyText());
        }
        Assertions.assertEquals(ACCEPT, response.header("Sec-WebSocket-Accept").orElse(null));
        return new ScriptedWebSocketPeer(peer, response);
    }

    /** Speaks WebSocket on a peer that has read the 101 already. */
    public static ScriptedWebSocketPeer over(RawPeer peer, RawResponse handshake) {
        return new ScriptedWebSocketPeer(peer, handshake);
    }

    /** Sends an upgrade request on a connected peer and reads the answer's head (and body, if not 101). */
    public static RawResponse upgrade(RawPeer peer, String path, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        peer.send(request.append("\r\n").toString());
        return peer.readResponse();
    }

    /** The 101 response. */
    public RawResponse handshake() {
        return handshake;
    }

    public RawPeer raw() {
        return peer;
    }

    public void sendText(String text) throws IOException {
        send(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a close frame with this code and reason. */
    public void sendClose(int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        send(true, CLOSE, payload);
    }

    /** Sends one masked frame. */
    public void send(boolean fin, int opcode, byte[] payload) throws IOException {
        peer.send(frame(fin, 0, opcode, payload, true));
    }

    /** Sends bytes in writes of at most {@code chop} bytes each, as a peer whose frames arrive in pieces. */
    public void sendInChops(byte[] bytes, int chop) throws IOException {
        for (int at = 0; at < bytes.length; at += chop) {
            peer.send(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chop)));
        }
    }

    /** The bytes of one frame, masked with a random key if asked, with any reserved bits (0-7) set. */
    public static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.write(maskBit | 126);
            out.write(payload.length >> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift));
            }
        }
        byte[] key = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(key);
            out.writeBytes(key);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ key[i & 3]);
        }
        return out.toByteArray();
    }

    /**
     * A message as frames of at most {@code frameBytes} payload bytes each, masked as a client's or not as a server's:
     * a data frame with the reserved bits (RSV1 for a compressed message: 4), then continuations.
     */
    public static byte[] fragments(int opcode, int rsv, byte[] payload, int frameBytes, boolean masked) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int at = 0;
        do {
            int end = (int) Math.min(payload.length, (long) at + frameBytes);
            wire.writeBytes(frame(end == payload.length, at == 0 ? rsv : 0, at == 0 ? opcode : CONTINUATION,
                    Arrays.copyOfRange(payload, at, end), masked));
            at = end;
        } while (at < payload.length);
        return wire.toByteArray();
    }

    /** Reads the next frame. */
    public Frame read() throws IOException {
        return read(peer.input());
    }

    /** Reads the next frame, masked or not, from any stream: the server's side of a test of a client, too. */
    public static Frame read(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("connection closed before a frame");
        }
        int second = readByte(in);
        long length = second & 0x7f;
        if (length == 126) {
            length = readByte(in) << 8 | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = length << 8 | readByte(in);
            }
        }
        boolean masked = (second & 0x80) != 0;
        byte[] key = new byte[4];
        if (masked) {
            readFully(in, key);
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        readFully(in, payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= key[i & 3];
        }
        return new Frame((first & 0x80) != 0, first >> 4 & 7, first & 0x0f, masked, payload);
    }

    /**
     * Reads the frames of one data message and returns it as one frame: the first frame's opcode and reserved bits,
     * the payloads joined.
     *
     * @throws AssertionError if a control frame or a frame out of sequence arrives first
     */
    public Frame readMessage() throws IOException {
        Frame first = read();
        if (first.opcode() != TEXT && first.opcode() != BINARY) {
            throw new AssertionError("expected a data message, got a frame of opcode " + first.opcode());
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(first.payload());
        Frame frame = first;
        while (!frame.fin()) {
            frame = read();
            if (frame.opcode() != CONTINUATION) {
                throw new AssertionError("expected a continuation frame, got a frame of opcode " + frame.opcode());
            }
            payload.writeBytes(frame.payload());
        }
        return new Frame(true, first.rsv(), first.opcode(), first.masked(), payload.toByteArray());
    }

    /** Reads frames until a close frame and returns it. */
    public Frame readClose() throws IOException {
        for (int i = 0; i < 1000; i++) {
            Frame frame = read();
            if (frame.opcode() == CLOSE) {
                return frame;
            }
        }
        throw new IOException("no close frame among 1000 frames");
    }

    /** Whether the server closes the connection within the timeout (end of stream or reset). */
    public boolean isClosedByPeer(Duration timeout) throws IOException {
        return peer.isClosedByPeer(timeout);
    }

    /**
     * Whether the server ends the connection within the timeout, leaving its pings unanswered: true when a read ends
     * the stream or fails, false when the time passes first.
     *
     * @throws AssertionError if a frame other than a ping arrives
     */
    public boolean isEndedByPeer(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        try {
            long left;
            while ((left = end - System.nanoTime()) > 0 && peer.isReadable(Duration.ofNanos(left))) {
                Frame frame = read();
                if (frame.opcode() != PING) {
                    throw new AssertionError("expected the connection to end, but the server sent a frame of opcode "
                            + frame.opcode() + ": " + frame.text());
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            throw e; // a frame begun and not finished is no end
        } catch (IOException e) {
            return true; // the end of the stream, a reset, or over TLS an end without close_notify
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed mid-frame");
        }
        return b;
    }

    private static void readFully(InputStream in, byte[] bytes) throws IOException {
        int n = in.readNBytes(bytes, 0, bytes.length);
        if (n < bytes.length) {
            throw new EOFException("connection closed mid-frame");
        }
    }

    @Override
    public void close() throws IOException {
        peer.close();
    }
}
