package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.core.WireOutput;
import dev.wisp.http2.ConnectionPreface;
import dev.wisp.http2.ContinuationFrame;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Frame;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.FrameWriter;
import dev.wisp.http2.HeadersFrame;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.hpack.HpackDecoder;
import dev.wisp.http2.hpack.HpackEncoder;
import dev.wisp.http2.hpack.HpackException;
import dev.wisp.http2.hpack.HpackField;
import dev.wisp.testing.TestTransport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A scripted HTTP/2 client for tests (RFC 9113), in the spirit of OkHttp's {@code MockHttp2Peer}: it writes exactly
 * the frames a test asks for, valid ones through our {@link FrameWriter} and broken ones as raw bytes, and reads
 * what the server sends with a frame parser of its own, decoding every header block with an HPACK decoder so that
 * its table follows the server's. Every read waits at most {@link #READ_TIMEOUT}, so a test never hangs.
 *
 * <p>The {@code expect} methods skip what does not concern them (frames of other streams, connection-level
 * WINDOW_UPDATE and SETTINGS) and fail on anything that contradicts them. Not thread-safe: one test thread uses it,
 * except that a test may write from a second thread while the first reads (a flood).
 *
 * <p>Longer than a test class should be, since the frame parser and the expectations are one vocabulary that every
 * HTTP/2 scripted test reads; splitting them would only move the parser's state behind accessors.
 */
final class Http2TestPeer implements AutoCloseable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;
    static final int PADDED = 0x8;
    static final int PRIORITY = 0x20;
    private static final Set<String> CONNECTION_FIELDS = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    /** A frame as it arrived; a HEADERS frame with its CONTINUATION frames joined and its block decoded. */
    record Received(int type, int flags, int streamId, byte[] payload, List<HpackField> fields) {
        boolean is(FrameType frameType) {
            return type == frameType.code();
        }

        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** The error code of a RST_STREAM or GOAWAY frame. */
        ErrorCode errorCode() {
            return new ErrorCode(ByteBuffer.wrap(payload, is(FrameType.GOAWAY) ? 4 : 0, 4).getInt());
        }

        /** The Last-Stream-ID of a GOAWAY frame. */
        int lastStreamId() {
            return ByteBuffer.wrap(payload).getInt() & 0x7fff_ffff;
        }

        @Override
        public String toString() {
            String name = type < 10 ? FrameType.values()[type].name() : "type " + type;
            String detail = is(FrameType.GOAWAY) || is(FrameType.RST_STREAM) ? " " + errorCode() : "";
            return name + detail + " flags=0x" + Integer.toHexString(flags) + " stream=" + streamId + " length="
                    + payload.length + (fields != null ? " " + fields : "");
        }
    }

    /** A response: its final status and fields, its content and its trailers. */
    record Response(int status, List<HpackField> fields, byte[] body, List<HpackField> trailers) {
        String header(String name) {
            return fields.stream().filter(f -> f.name().equals(name)).map(HpackField::value).findFirst()
                    .orElse(null);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final FrameWriter writer;
    private final WireOutput wire;
    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final HpackDecoder decoder = new HpackDecoder(1 << 20, 1 << 20);
    /** Our SETTINGS_MAX_FRAME_SIZE, once the server acknowledged it: the longest frame it may send. */
    private int maxFrameSize = 16_384;
    /** Every frame read so far, for a test to inspect. */
    private final List<Received> received = new ArrayList<>();
    /** Frames of other streams that {@link #expectResponse} read past, kept for the responses read after. */
    private final List<Received> deferred = new ArrayList<>();

    private Http2TestPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
        this.wire = WireOutput.of(out);
        this.writer = new FrameWriter(wire);
    }

    /** Connects in plaintext (h2c with prior knowledge, once the test sends the preface). */
    static Http2TestPeer connect(Server server) throws IOException {
        return new Http2TestPeer(open(server.port(), 0));
    }

    /**
     * Connects with a socket receive buffer of about this size (the kernel may round it), so that what the server
     * sends beyond it stays in the server's socket until the test reads: plaintext, or TLS in a run that tests TLS.
     */
    static Http2TestPeer connect(Server server, int receiveBufferBytes) throws Exception {
        Socket plain = open(server.port(), receiveBufferBytes);
        return TestTransport.isTls() ? new Http2TestPeer(startTls(plain, server)) : new Http2TestPeer(plain);
    }

    /** Connects over TLS, offering only {@code h2} by ALPN, and completes the handshake. */
    static Http2TestPeer connectTls(Server server) throws Exception {
        return new Http2TestPeer(startTls(open(server.port(), 0), server));
    }

    private static SSLSocket startTls(Socket plain, Server server) throws Exception {
        SSLSocket tls = (SSLSocket) TestTls.trustingClientContext().getSocketFactory()
                .createSocket(plain, "localhost", server.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        assertEquals("h2", tls.getApplicationProtocol(), "ALPN chose h2");
        return tls;
    }

    /** Connects in plaintext, sends the preface and empty SETTINGS, and completes the settings exchange. */
    static Http2TestPeer start(Server server) throws IOException {
        return start(server.port());
    }

    /** As {@link #start(Server)}, to a server on this port: one in a process of its own. */
    static Http2TestPeer start(int port) throws IOException {
        Http2TestPeer peer = new Http2TestPeer(open(port, 0));
        peer.handshake();
        return peer;
    }

    /** What a test does with a peer. */
    @FunctionalInterface
    interface Conversation {
        void run(Http2TestPeer peer) throws Exception;
    }

    /**
     * Connects in plaintext, completes the preface and settings exchange, runs the conversation and closes, all
     * within {@link TestServers#TEST_TIMEOUT}.
     */
    static void talk(Server server, Conversation conversation) {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = start(server)) {
                conversation.run(peer);
            }
        });
    }

    private static Socket open(int port, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes); // before connecting: it sets the window offered
            }
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 3000);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends the preface and SETTINGS with these parameters, acknowledges the server's SETTINGS and waits for the
     * acknowledgement of ours, skipping the server's connection WINDOW_UPDATE.
     */
    void handshake(Setting... settings) throws IOException {
        sendBytes(ConnectionPreface.bytes());
        send(new SettingsFrame(List.of(settings)));
        boolean theirs = false;
        boolean acked = false;
        while (!theirs || !acked) {
            Received frame = next();
            if (!frame.is(FrameType.SETTINGS)) {
                continue;
            }
            if (frame.has(ACK)) {
                acked = true;
                applyAcknowledged(settings);
            } else {
                theirs = true;
                send(SettingsFrame.ACK);
            }
        }
    }

    /**
     * Waits for the server's acknowledgement of this many SETTINGS frames of ours, then applies their settings: until
     * then the server may still send what the settings before allowed (RFC 9113 §6.5.3). Frames before the
     * acknowledgements are skipped.
     */
    void awaitAcknowledged(int frames, Setting... settings) throws IOException {
        int acked = 0;
        while (acked < frames) {
            Received frame = next();
            if (frame.is(FrameType.SETTINGS) && frame.has(ACK)) {
                acked++;
            }
        }
        applyAcknowledged(settings);
    }

    /**
     * Applies settings of ours the server acknowledged: the largest frame it may send, and the HPACK table size its
     * encoder must shrink to (RFC 7541 §4.2, which the decoder then checks).
     */
    void applyAcknowledged(Setting... settings) {
        for (Setting setting : settings) {
            if (setting.identifier() == Settings.MAX_FRAME_SIZE) {
                maxFrameSize = (int) setting.value();
            } else if (setting.identifier() == Settings.HEADER_TABLE_SIZE) {
                decoder.applyTableSizeLimit((int) setting.value());
            }
        }
    }

    /** Writes frames through our writer, and flushes. */
    void send(Frame... frames) throws IOException {
        for (Frame frame : frames) {
            writer.write(frame);
        }
        writer.flush();
    }

    /** Writes one frame from its parts, whatever they are: the way to send a frame our writer refuses to make. */
    void sendFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
        sendBytes(frameBytes(type, flags, streamId, payload));
    }

    /** Writes one frame from its parts, giving its length field a value of its own. */
    void sendFrame(int length, int type, int flags, int streamId, byte[] payload) throws IOException {
        byte[] frame = frameBytes(type, flags, streamId, payload);
        frame[0] = (byte) (length >>> 16);
        frame[1] = (byte) (length >>> 8);
        frame[2] = (byte) length;
        sendBytes(frame);
    }

    static byte[] frameBytes(int type, int flags, int streamId, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length)
                .put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) type).put((byte) flags).putInt(streamId).put(payload).array();
    }

    void sendBytes(byte[] bytes) throws IOException {
        wire.flush();
        out.write(bytes);
        out.flush();
    }

    /** Encodes fields with this connection's HPACK encoder, for a HEADERS or CONTINUATION frame built by hand. */
    byte[] encode(List<HpackField> fields) {
        return encoder.encode(fields);
    }

    /** Encodes name and value pairs in order. */
    byte[] encode(String... namesAndValues) {
        return encode(fields(namesAndValues));
    }

    static List<HpackField> fields(String... namesAndValues) {
        List<HpackField> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new HpackField(namesAndValues[i], namesAndValues[i + 1]));
        }
        return fields;
    }

    /** The pseudo-header fields of a request, then the extra name and value pairs. */
    static List<HpackField> request(String method, String path, String... extra) {
        List<HpackField> fields = fields(":method", method, ":scheme", "http", ":authority", "localhost",
                ":path", path);
        fields.addAll(fields(extra));
        return fields;
    }

    /** Sends a HEADERS frame with these fields, END_HEADERS set. */
    void headers(int streamId, boolean endStream, List<HpackField> fields) throws IOException {
        send(new HeadersFrame(streamId, encode(fields), endStream));
    }

    /** Sends a GET of {@code path} that ends the stream. */
    void get(int streamId, String path) throws IOException {
        headers(streamId, true, request("GET", path));
    }

    void data(int streamId, String text, boolean endStream) throws IOException {
        send(new DataFrame(streamId, text.getBytes(StandardCharsets.UTF_8), endStream));
    }

    void continuation(int streamId, byte[] fragment, boolean endHeaders) throws IOException {
        send(new ContinuationFrame(streamId, fragment, endHeaders));
    }

    /**
     * Reads the next frame, joining a header block and decoding it.
     *
     * @throws EOFException if the server closed the connection (or reset it)
     * @throws AssertionError if nothing came within {@link #READ_TIMEOUT}
     */
    Received next() throws IOException {
        Received frame = readRaw();
        if (frame.is(FrameType.HEADERS) || frame.is(FrameType.PUSH_PROMISE)) {
            frame = joinBlock(frame);
        }
        received.add(frame);
        return frame;
    }

    private Received readRaw() throws IOException {
        byte[] header = new byte[9];
        try {
            in.readFully(header);
            ByteBuffer fields = ByteBuffer.wrap(header);
            int length = (fields.get() & 0xff) << 16 | (fields.get() & 0xff) << 8 | fields.get() & 0xff;
            int type = fields.get() & 0xff;
            int flags = fields.get() & 0xff;
            int streamId = fields.getInt() & 0x7fff_ffff;
            if (length > maxFrameSize) {
                fail("the server sent a frame of " + length + " bytes, more than our SETTINGS_MAX_FRAME_SIZE of "
                        + maxFrameSize);
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            return new Received(type, flags, streamId, payload, null);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + READ_TIMEOUT + "; received so far: " + received);
        } catch (SocketException e) {
            throw new EOFException("connection reset: " + e.getMessage());
        }
    }

    private Received joinBlock(Received first) throws IOException {
        int offset = 0;
        int padding = 0;
        if (first.has(PADDED)) {
            padding = first.payload()[0] & 0xff;
            offset = 1;
        }
        if (first.is(FrameType.PUSH_PROMISE)) {
            offset += 4;
        } else if (first.has(PRIORITY)) {
            offset += 5;
        }
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(first.payload(), offset, first.payload().length - offset - padding);
        int flags = first.flags();
        while ((flags & END_HEADERS) == 0) {
            Received next = readRaw();
            if (!next.is(FrameType.CONTINUATION) || next.streamId() != first.streamId()) {
                fail("the server sent " + next + " inside the header block of " + first);
            }
            block.write(next.payload(), 0, next.payload().length);
            flags = next.flags();
        }
        List<HpackField> fields;
        try {
            fields = decoder.decode(block.toByteArray());
        } catch (HpackException e) {
            throw new AssertionError("the server's header block does not decode: " + e.getMessage(), e);
        }
        checkResponseFields(fields, first);
        return new Received(first.type(), first.flags() | END_HEADERS, first.streamId(), first.payload(), fields);
    }

    /**
     * RFC 9113 §8.2 and §8.3.2: names in lowercase, no connection-specific field, and :status, the only
     * pseudo-header of a response, first and once (absent in trailers).
     */
    private static void checkResponseFields(List<HpackField> fields, Received frame) {
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.get(i).name();
            boolean pseudo = name.startsWith(":");
            if (!name.equals(name.toLowerCase(Locale.ROOT)) || CONNECTION_FIELDS.contains(name)
                    || pseudo && (i > 0 || !name.equals(":status"))) {
                fail("the server sent field '" + name + "' in " + frame + ": " + fields);
            }
        }
    }

    /** The port of our end of the connection, by which the server's connection events name it. */
    int localPort() {
        return socket.getLocalPort();
    }

    /** Every frame read so far. */
    List<Received> received() {
        return received;
    }

    /** Reads until GOAWAY, which must carry this code; returns it. */
    Received expectGoAway(ErrorCode code) throws IOException {
        Received frame = nextError(0);
        if (frame == null) {
            fail("connection closed without GOAWAY " + code + "; received: " + received);
        }
        assertEquals(code, frame.errorCode(), () -> "GOAWAY " + frame + ": "
                + new String(frame.payload(), 8, frame.payload().length - 8, StandardCharsets.UTF_8));
        return frame;
    }

    /** Reads until GOAWAY with this code, then until the server closes the connection. */
    Received expectGoAwayAndClose(ErrorCode code) throws IOException {
        Received goAway = expectGoAway(code);
        expectClosed();
        return goAway;
    }

    /**
     * Reads until the server answers a broken rule that RFC 9113 lets it treat as a stream error or a connection
     * error: RST_STREAM on this stream, or GOAWAY (or a close, as h2spec accepts), with this code.
     */
    void expectStreamOrConnectionError(int streamId, ErrorCode code) throws IOException {
        Received frame = nextError(streamId);
        if (frame != null) {
            assertEquals(code, frame.errorCode(), frame::toString);
        }
    }

    /** Reads until GOAWAY or RST_STREAM on this stream (none for 0); null if the connection closes first. */
    private Received nextError(int streamId) throws IOException {
        while (true) {
            Received frame;
            try {
                frame = next();
            } catch (EOFException e) {
                return null;
            }
            if (frame.is(FrameType.GOAWAY) || frame.is(FrameType.RST_STREAM) && frame.streamId() == streamId) {
                return frame;
            }
        }
    }

    /** Reads until the server closes the connection; whatever comes before is kept in {@link #received()}. */
    void expectClosed() throws IOException {
        while (true) {
            try {
                next();
            } catch (EOFException e) {
                return;
            }
        }
    }

    /**
     * Reads until RST_STREAM on this stream, which must carry this code; fails on GOAWAY or any other frame of the
     * stream.
     */
    void expectReset(int streamId, ErrorCode code) throws IOException {
        while (true) {
            Received frame = nextOrFail("RST_STREAM " + code + " on stream " + streamId);
            if (frame.is(FrameType.RST_STREAM) && frame.streamId() == streamId) {
                assertEquals(code, frame.errorCode(), () -> "RST_STREAM on stream " + streamId);
                return;
            }
            if (frame.is(FrameType.GOAWAY) || frame.streamId() == streamId) {
                fail("expected RST_STREAM " + code + " on stream " + streamId + ", got " + frame);
            }
        }
    }

    /**
     * Reads one response on this stream: interim 1xx heads are skipped, DATA joined, trailers kept. Fails on
     * RST_STREAM on the stream or GOAWAY.
     */
    Response expectResponse(int streamId) throws IOException {
        List<HpackField> head = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            Received frame = nextOn(streamId);
            if (frame.is(FrameType.GOAWAY) || frame.is(FrameType.RST_STREAM) && frame.streamId() == streamId) {
                fail("expected the response on stream " + streamId + ", got " + frame);
            }
            if (frame.streamId() != streamId) {
                continue;
            }
            if (frame.is(FrameType.HEADERS) && head == null) {
                String status = frame.fields().get(0).value();
                if (!status.startsWith("1")) {
                    head = frame.fields();
                }
            } else if (frame.is(FrameType.HEADERS)) {
                return response(head, body, frame.fields());
            } else if (frame.is(FrameType.DATA)) {
                int padding = frame.has(PADDED) ? 1 + (frame.payload()[0] & 0xff) : 0;
                body.write(frame.payload(), padding > 0 ? 1 : 0, frame.payload().length - padding);
            }
            if (frame.has(END_STREAM)) {
                return response(head, body, List.of());
            }
        }
    }

    /** Reads past every other frame to the next RST_STREAM or GOAWAY, and returns it. */
    Received nextResetOrGoAway() throws IOException {
        Received frame;
        do {
            frame = next();
        } while (!frame.is(FrameType.RST_STREAM) && !frame.is(FrameType.GOAWAY));
        return frame;
    }

    /** Gives a frame read with {@link #next()} back, for the next {@code expect…} of its stream. */
    void pushBack(Received frame) {
        deferred.add(0, frame);
    }

    /** The next frame of this stream or of the connection; those of other streams are deferred. */
    private Received nextOn(int streamId) throws IOException {
        for (int i = 0; i < deferred.size(); i++) {
            if (deferred.get(i).streamId() == streamId) {
                return deferred.remove(i);
            }
        }
        while (true) {
            Received frame = nextOrFail("the response on stream " + streamId);
            if (frame.streamId() == 0 || frame.streamId() == streamId) {
                return frame;
            }
            deferred.add(frame);
        }
    }

    private static Response response(List<HpackField> head, ByteArrayOutputStream body, List<HpackField> trailers) {
        if (head == null) {
            fail("the stream ended without a final response head");
        }
        assertEquals(":status", head.get(0).name(), "the first field of a response is :status");
        return new Response(Integer.parseInt(head.get(0).value()), head, body.toByteArray(), trailers);
    }

    /**
     * Sends PING and reads until its acknowledgement: the frames before it (kept in {@link #received()}) are all the
     * server said in answer to what was sent before, and none of them may be GOAWAY or RST_STREAM.
     */
    void expectStillOpen() throws IOException {
        long payload = System.nanoTime();
        send(new PingFrame(false, payload));
        while (true) {
            Received frame = nextOrFail("PING acknowledgement");
            if (frame.is(FrameType.GOAWAY) || frame.is(FrameType.RST_STREAM)) {
                fail("expected the connection to go on, got " + frame);
            }
            if (frame.is(FrameType.PING) && frame.has(ACK)
                    && ByteBuffer.wrap(frame.payload()).getLong() == payload) {
                return;
            }
        }
    }

    private Received nextOrFail(String expected) throws IOException {
        try {
            return next();
        } catch (EOFException e) {
            throw new AssertionError("connection closed while waiting for " + expected + "; received: " + received);
        }
    }

    /** Closes the output only, as a client that is done sending does. */
    void shutdownOutput() throws IOException {
        if (!(socket instanceof SSLSocket)) {
            socket.shutdownOutput();
        }
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        byte[] all = new byte[0];
        for (byte[] part : parts) {
            int at = all.length;
            all = Arrays.copyOf(all, at + part.length);
            System.arraycopy(part, 0, all, at, part.length);
        }
        return all;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
