package dev.wisp.client;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.core.BufferPool;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Frame;
import dev.wisp.http2.FrameReader;
import dev.wisp.http2.FrameWriter;
import dev.wisp.http2.GoAwayFrame;
import dev.wisp.http2.HeadersFrame;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.hpack.HpackDecoder;
import dev.wisp.http2.hpack.HpackEncoder;
import dev.wisp.http2.hpack.HpackField;
import dev.wisp.testing.CarrierHog;
import dev.wisp.testing.ThreadDumps;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A scripted h2c server for the client's tests (RFC 9113), the mirror image of the server's scripted client peer: it
 * accepts connections on loopback, and the test thread plays each one frame by frame through a {@link Peer}, writing
 * valid frames with our {@link FrameWriter} and {@link HpackEncoder}, broken ones as raw bytes, and reading what the
 * client sends with our {@link FrameReader} and {@link HpackDecoder}. Every wait is bounded by {@link #WAIT}, so a
 * test fails rather than hangs. Like any live server, each connection acknowledges the client's SETTINGS in its
 * handshake, and its PINGs as they come, on a reading thread of its own, until the test makes it go silent. It starts
 * and closes the client under test too, which speaks HTTP/2 to it by prior knowledge.
 *
 * <p>Over 500 lines, as the server's scripted peer: the frames it reads and writes, and the expectations a test states
 * about them, are one vocabulary that every client HTTP/2 test speaks.
 */
final class Http2ScriptedServer implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);

    private final Client client;
    private final ServerSocket listener;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private Http2ScriptedServer(ClientConfig.Builder clientConfig) throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("h2-scripted-accept").start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    sockets.add(socket);
                    accepted.add(socket);
                } catch (IOException e) {
                    return;
                }
            }
        });
        client = Client.create(clientConfig.http2(Http2Mode.PRIOR_KNOWLEDGE).build());
    }

    /** Starts a server and the client under test, which speaks HTTP/2 to it by prior knowledge. */
    static Http2ScriptedServer start(ClientConfig.Builder clientConfig) throws IOException {
        return new Http2ScriptedServer(clientConfig);
    }

    Client client() {
        return client;
    }

    String url(String path) {
        return "http://127.0.0.1:" + listener.getLocalPort() + path;
    }

    /** The connections accepted so far. */
    int connections() {
        return sockets.size();
    }

    /** Closes the connections the client opened that no test took with {@link #accept()}. */
    void closeUnaccepted() throws IOException {
        for (Socket socket = accepted.poll(); socket != null; socket = accepted.poll()) {
            socket.close();
        }
    }

    /** Waits for the client's next connection and reads its preface and SETTINGS; nothing is sent yet. */
    Peer accept() throws Exception {
        Socket socket = accepted.poll(WAIT.toMillis(), MILLISECONDS);
        if (socket == null) {
            fail("the client opened no connection within " + WAIT);
        }
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.setTcpNoDelay(true);
        Peer peer = new Peer(socket);
        peer.readPreface();
        peer.startReading();
        return peer;
    }

    /** Accepts the client's next connection, sends our SETTINGS with these parameters and acknowledges the client's. */
    Peer handshake(Setting... settings) throws Exception {
        Peer peer = accept();
        peer.send(new SettingsFrame(List.of(settings)), SettingsFrame.ACK);
        return peer;
    }

    /** Checks that the client's next call is served on this connection. */
    void servesNextCall(Peer peer) throws Exception {
        servesNextCall(() -> peer);
    }

    /** Checks that the client's next call is served on a new connection, and returns that connection. */
    Peer servesNextCallOnANewConnection() throws Exception {
        return servesNextCall(this::handshake);
    }

    private Peer servesNextCall(Callable<Peer> connection) throws Exception {
        CompletableFuture<String> next = get("/next");
        Peer peer = connection.call();
        peer.respond(peer.awaitRequest().streamId(), "next");
        assertEquals("200 next", result(next));
        return peer;
    }

    /** What the server does wrong on a call's stream. */
    @FunctionalInterface
    interface Misbehaviour {
        void play(Peer peer, int streamId) throws Exception;
    }

    /**
     * Plays {@code misbehave} on the first of two calls sharing a connection, and checks that it fails with the given
     * exception and a RST_STREAM of the given code while the second call gets its response, and the next call goes on
     * the same connection.
     */
    <T extends Throwable> T failsOneStreamOnly(ErrorCode reset, Class<T> expected, Misbehaviour misbehave)
            throws Exception {
        CompletableFuture<String> first = get("/first");
        Peer peer = handshake();
        int id = peer.awaitRequest().streamId();
        CompletableFuture<String> second = get("/second");
        int secondId = peer.awaitRequest().streamId();
        misbehave.play(peer, id);
        peer.awaitReset(id, reset);
        T failure = failure(first, expected);
        peer.respond(secondId, "fine");
        assertEquals("200 fine", result(second));
        servesNextCall(peer);
        return failure;
    }

    /**
     * Plays {@code misbehave} on a call's stream, and checks that the client ends the connection with GOAWAY of this
     * code (naming no stream of ours: a server opens none), the call fails, and the next call goes to a new connection.
     */
    ResponseProtocolException connectionError(ErrorCode code, Misbehaviour misbehave) throws Exception {
        CompletableFuture<String> call = get("/");
        Peer peer = handshake();
        misbehave.play(peer, peer.awaitRequest().streamId());
        assertEquals(0, peer.awaitGoAway(code).lastStreamId(), "GOAWAY's last stream id");
        ResponseProtocolException failure = failure(call, ResponseProtocolException.class);
        servesNextCallOnANewConnection();
        return failure;
    }

    /** A call, its connection and its stream, whose response head was sent. */
    record HeadSent(CompletableFuture<Response> call, Peer peer, int streamId) {
    }

    /** Sends a GET of / on the client's first connection and answers it with a 200 head, no content yet. */
    HeadSent headOfAGet() throws Exception {
        CompletableFuture<Response> call = client.sendAsync(Request.get(url("/")));
        Peer peer = handshake();
        int id = peer.awaitRequest().streamId();
        peer.headers(id, false, ":status", "200");
        return new HeadSent(call, peer, id);
    }

    /** Sends a GET of this path as {@link #fetch(Request)} does. */
    CompletableFuture<String> get(String path) {
        return fetch(Request.get(url(path)));
    }

    /** Sends a call on a virtual thread and reads its whole response: its status code, a space, and its text. */
    CompletableFuture<String> fetch(Request request) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().name("wisp-test-call").start(() -> {
            try (Response response = client.send(request)) {
                result.complete(response.statusCode() + " " + response.text());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The exception a call failed with, checked to be of this type. */
    static <T extends Throwable> T failure(CompletableFuture<?> call, Class<T> type) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT.toMillis(), MILLISECONDS));
        return assertInstanceOf(type, e.getCause(), () -> "the call failed with " + e.getCause());
    }

    /** What a call that succeeded returned; if it did not end in time, where the call and the client's threads are. */
    static <T> T result(CompletableFuture<T> call) throws Exception {
        try {
            return call.get(WAIT.toMillis(), MILLISECONDS);
        } catch (TimeoutException e) {
            Path dump = Files.createTempDirectory("wisp-dump").resolve("threads.txt");
            throw new AssertionError("the call did not end within " + WAIT + "; the call's and the client's threads:\n"
                    + String.join("\n\n", ThreadDumps.threadsNamed("wisp-", ProcessHandle.current().pid(), dump)), e);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** A request head the client sent: its stream and fields. */
    record RequestHead(int streamId, List<HpackField> fields, boolean endStream) {
        String field(String name) {
            return fields.stream().filter(f -> f.name().equals(name)).map(HpackField::value).findFirst().orElse(null);
        }
    }

    /** One connection, played by the test thread: it writes exactly what the test asks and reads what comes. */
    static final class Peer {
        private final Socket socket;
        private final WireInput in;
        private final FrameReader reader;
        private final FrameWriter writer;
        private final HpackEncoder encoder = new HpackEncoder(4096);
        private final HpackDecoder decoder = new HpackDecoder(1 << 20, 1 << 20);
        /** Every frame read so far, for the failure message of an expectation not met. */
        private final List<Frame> received = new ArrayList<>();
        /** What the reading thread read and the test has yet to take: frames, then what ended the input. */
        private final BlockingQueue<Object> unread = new LinkedBlockingQueue<>();
        /** Our frames go out whole, whether the test or the reading thread (answering a PING) writes them. */
        private final ReentrantLock writing = new ReentrantLock();
        private volatile boolean silent;
        /** Counted down when the test lets the reading thread go on; null while it reads. */
        private volatile CountDownLatch paused;

        private Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = WireInput.of(socket.getInputStream(), new BufferPool(32 * 1024, 2));
            this.reader = new FrameReader(in, 16_384, 1 << 20);
            this.writer = new FrameWriter(WireOutput.of(socket.getOutputStream(), new BufferPool(32 * 1024, 2)));
        }

        /** Reads the client's preface and the SETTINGS frame that must follow it. */
        private void readPreface() throws IOException {
            reader.readPreface();
            Frame first = reader.readFrame(); // before the reading thread starts
            received.add(first);
            if (!(first instanceof SettingsFrame settings) || settings.ack()) {
                fail("the client's preface goes on with " + first + ", not SETTINGS");
            }
        }

        /**
         * Reads the client's frames on a thread of its own from now on, answering its PINGs at once, as servers do
         * whatever their streams wait for; the test takes the frames in order through {@link #next()}.
         */
        private void startReading() throws IOException {
            socket.setSoTimeout(0); // the test's waits are bounded in next()
            Thread.ofVirtual().name("h2-scripted-reader").start(() -> {
                try {
                    while (true) {
                        CountDownLatch pause = paused;
                        if (pause != null) {
                            pause.await();
                        }
                        Frame frame = reader.readFrame();
                        if (silent) {
                            return; // it reads nothing more, as a server that vanished
                        }
                        if (frame instanceof PingFrame ping && !ping.ack()) {
                            send(new PingFrame(true, ping.payload()));
                        }
                        unread.add(frame);
                    }
                } catch (IOException e) {
                    unread.add(e);
                } catch (InterruptedException e) {
                    unread.add(new InterruptedIOException("interrupted while paused"));
                }
            });
        }

        /**
         * Stops reading after the frame being read, as a server on a slow link, until {@link #resumeReading()}: what
         * the client sends fills the sockets' buffers.
         */
        void pauseReading() {
            paused = new CountDownLatch(1);
        }

        void resumeReading() {
            paused.countDown();
            paused = null;
        }

        /**
         * Goes silent from now on, as a server whose host vanished or whose NAT entry was dropped: it reads nothing
         * more, answers nothing (PINGs included) and keeps the socket open, sending no FIN.
         */
        void goSilent() {
            silent = true;
        }

        /** The SETTINGS frame of the client's preface. */
        SettingsFrame clientSettings() {
            return (SettingsFrame) received.getFirst();
        }

        /**
         * Takes a SETTINGS_HEADER_TABLE_SIZE we sent as acknowledged: the client's next header block must start with a
         * dynamic table size update within it (RFC 7541 §4.2), or {@link #awaitRequest()} fails.
         */
        void headerTableSizeAcknowledged(int size) {
            decoder.applyTableSizeLimit(size);
        }

        /** Takes the next frame the client sent. */
        Frame next() throws IOException {
            Object next;
            try {
                next = unread.poll(WAIT.toMillis(), MILLISECONDS);
            } catch (InterruptedException e) {
                throw new InterruptedIOException("interrupted waiting for a frame");
            }
            if (next == null) {
                throw new SocketTimeoutException("no frame from the client within " + WAIT);
            }
            if (next instanceof IOException end) {
                unread.add(end); // the input stays ended for whoever reads next
                throw end;
            }
            Frame frame = (Frame) next;
            received.add(frame);
            return frame;
        }

        /** Every frame the client sent that the test has taken so far, in order. */
        List<Frame> received() {
            return List.copyOf(received);
        }

        /** The frames the client sent that the test has not taken yet, without waiting for more. */
        List<Frame> takeUnread() {
            List<Frame> frames = new ArrayList<>();
            while (unread.peek() instanceof Frame) {
                Frame frame = (Frame) unread.poll();
                received.add(frame);
                frames.add(frame);
            }
            return frames;
        }

        /** Reads frames until one of the type that matches, failing if the connection ends first. */
        <T extends Frame> T await(Class<T> type, Predicate<T> matches) throws IOException {
            while (true) {
                Frame frame;
                try {
                    frame = next();
                } catch (EOFException | SocketException e) {
                    throw new AssertionError("connection ended before " + type.getSimpleName() + "; received "
                            + received, e);
                }
                if (type.isInstance(frame) && matches.test(type.cast(frame))) {
                    return type.cast(frame);
                }
            }
        }

        /** Reads frames until the next request head; the block is decoded, so the table follows the client's. */
        RequestHead awaitRequest() throws IOException {
            HeadersFrame headers = await(HeadersFrame.class, h -> true);
            try {
                return new RequestHead(headers.streamId(), decoder.decode(headers.headerBlock()), headers.endStream());
            } catch (IOException e) {
                throw new AssertionError("the client's header block does not decode", e);
            }
        }

        /** Reads frames until the RST_STREAM of this stream, and checks its code. */
        void awaitReset(int streamId, ErrorCode code) throws IOException {
            ResetFrame reset = await(ResetFrame.class, r -> r.streamId() == streamId);
            assertEquals(code, reset.errorCode(), "RST_STREAM of stream " + streamId);
        }

        /** Reads frames until GOAWAY, checks its code, then until the client closes the connection. */
        GoAwayFrame awaitGoAway(ErrorCode code) throws IOException {
            GoAwayFrame goAway = await(GoAwayFrame.class, g -> true);
            assertEquals(code, goAway.errorCode(), "GOAWAY " + new String(goAway.debugData(), StandardCharsets.UTF_8));
            awaitClosed();
            return goAway;
        }

        /** Reads until the client closes the connection. */
        void awaitClosed() throws IOException {
            try {
                while (true) {
                    next();
                }
            } catch (EOFException | SocketException e) {
                // closed, as expected
            }
        }

        /** Reads frames until the whole request body of a stream came, and returns it. */
        byte[] awaitBody(int streamId) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                DataFrame data = await(DataFrame.class, d -> d.streamId() == streamId);
                body.write(data.data());
                if (data.endStream()) {
                    return body.toByteArray();
                }
            }
        }

        /** Whether the client sent frames the test has not taken yet. */
        boolean hasUnreadInput() throws IOException {
            return unread.peek() instanceof Frame || in.buffered() > 0 || socket.getInputStream().available() > 0;
        }

        void send(Frame... frames) throws IOException {
            writing.lock();
            try {
                for (Frame frame : frames) {
                    writer.write(frame);
                }
                writer.flush();
            } finally {
                writing.unlock();
            }
        }

        /** Sends a header block of these fields, given as names and values in turn. */
        void headers(int streamId, boolean endStream, String... namesAndValues) throws IOException {
            send(new HeadersFrame(streamId, block(namesAndValues), endStream));
        }

        /** Encodes fields, given as names and values in turn, into a header block. */
        byte[] block(String... namesAndValues) {
            List<HpackField> fields = new ArrayList<>();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                fields.add(new HpackField(namesAndValues[i], namesAndValues[i + 1]));
            }
            return encoder.encode(fields);
        }

        void data(int streamId, String text, boolean endStream) throws IOException {
            send(new DataFrame(streamId, text.getBytes(StandardCharsets.UTF_8), endStream));
        }

        /** Sends a whole 200 response with this text as its content. */
        void respond(int streamId, String text) throws IOException {
            headers(streamId, false, ":status", "200", "content-length", String.valueOf(text.length()));
            data(streamId, text, true);
        }

        /** Writes a frame from its parts, whatever they are: one our writer refuses to make. */
        void sendFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
            sendBytes(frameBytes(type, flags, streamId, payload));
        }

        /** Writes bytes as they are, whole frames or not. */
        void sendBytes(byte[] bytes) throws IOException {
            writing.lock();
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            } finally {
                writing.unlock();
            }
        }

        private static byte[] frameBytes(int type, int flags, int streamId, byte[] payload) {
            return ByteBuffer.allocate(9 + payload.length)
                    .put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                    .put((byte) type).put((byte) flags).putInt(streamId).put(payload).array();
        }

        /**
         * Writes the same frame {@code times} times in one go, as fast as the socket takes it; the client may close the
         * connection before it read them all.
         */
        void flood(int type, int streamId, byte[] payload, int times) {
            flood(type, streamId, payload, times, 0);
        }

        /** Writes the same frame, with these flags, {@code times} times in one go. */
        void flood(int type, int streamId, byte[] payload, int times, int flags) {
            byte[] frame = frameBytes(type, flags, streamId, payload);
            ByteBuffer all = ByteBuffer.allocate(frame.length * times);
            for (int i = 0; i < times; i++) {
                all.put(frame);
            }
            try {
                sendBytes(all.array());
            } catch (IOException e) {
                // the client ended the connection before the flood did
            }
        }

        /** Closes the socket, as a server that goes away without a word. */
        void close() throws IOException {
            socket.close();
        }

        /**
         * Ends the reading thread, shutting the socket's input, and waits until it has ended: the JDK closes a socket
         * that a virtual thread is blocked reading only once that thread runs again, which it cannot while
         * {@link CarrierHog} keeps the carriers busy; without a reader, {@link #reset()} then takes effect at once.
         */
        void stopReading() throws IOException {
            socket.shutdownInput();
            awaitClosed();
        }

        /**
         * Closes the socket with a TCP reset (SO_LINGER 0), as a server that closes with the client's bytes unread
         * does: what it sent before stays readable to the client, and the client's next write fails at once.
         */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }
}
