package dev.wisp.testing;

import dev.wisp.core.Ascii;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;

/**
 * A raw HTTP/1.1 peer on a loopback socket: a test writes exactly the bytes it wants, well-formed or not, and
 * reads what comes back as {@link RawResponse}s. Every read waits at most {@link #DEFAULT_TIMEOUT} (the socket's
 * {@code soTimeout}), so a test never hangs on a server that does not answer.
 *
 * <pre>{@code
 * RawPeer.talk(server.port(), peer -> {
 *     peer.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
 *     assertEquals(200, peer.readResponse().status());
 * });
 * }</pre>
 *
 * <p>Not thread-safe: one test thread uses it.
 */
public final class RawPeer implements AutoCloseable {
    /** How long any read waits unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** How long {@link #readLastResponse()} waits for the server to close after its last response. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    /** The most a {@link #talk(int, Conversation)} may take before it fails the test. */
    public static final Duration CONVERSATION_LIMIT = Duration.ofSeconds(10);

    /** What a test does with a connected peer. */
    @FunctionalInterface
    public interface Conversation {
        void run(RawPeer peer) throws Exception;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RawResponseReader reader;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.reader = new RawResponseReader(in);
    }

    /** Connects to a port on 127.0.0.1, over TLS in a run that tests TLS ({@link TestTransport}). */
    public static RawPeer connect(int port) throws IOException {
        return connect(null, port);
    }

    /**
     * Connects to a port on 127.0.0.1 from another loopback address (127.0.0.2, say: a second client as the server
     * sees it), or from any if null; over TLS in a run that tests TLS.
     */
    public static RawPeer connect(InetAddress from, int port) throws IOException {
        return connect(from, port, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to a port on 127.0.0.1, over TLS in a run that tests TLS, waiting at most this long for the connection,
     * the handshake and each read: for a server that may not answer at all, such as one whose heap is full.
     */
    public static RawPeer connect(int port, Duration timeout) throws IOException {
        return connect(null, port, timeout);
    }

    private static RawPeer connect(InetAddress from, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return new RawPeer(TestTransport.isTls() ? TestTransport.wrapTls(socket) : socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects to a port on 127.0.0.1, runs the conversation and closes the connection. The whole runs under
     * {@code assertTimeoutPreemptively} with {@link #CONVERSATION_LIMIT}, so a server that never answers fails the
     * test instead of hanging the build.
     */
    public static void talk(int port, Conversation conversation) {
        Assertions.assertTimeoutPreemptively(CONVERSATION_LIMIT, () -> {
            try (RawPeer peer = connect(port)) {
                conversation.run(peer);
            }
        });
    }

    /** The buffered input: what follows the responses read so far, such as a WebSocket's frames. */
    InputStream input() {
        return in;
    }

    /** Sends text, one byte per char (ISO-8859-1), so any byte can be written as a char escape. */
    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends bytes in one write. */
    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads the next response, body included, framed as RFC 9112 §6.3 says. An interim (1xx) response is
     * returned on its own; call again for the final one.
     *
     * @throws java.io.EOFException if the connection closes before a whole response arrived
     * @throws java.net.ProtocolException if the response is malformed
     */
    public RawResponse readResponse() throws IOException {
        return reader.read(false);
    }

    /**
     * Reads the last response the server should send on this connection: it must say {@code Connection: close},
     * and the server must then close the connection within {@link #CLOSE_WAIT}, sending nothing more.
     *
     * @throws AssertionError if the response does not say close, or the connection stays open, or more comes
     */
    public RawResponse readLastResponse() throws IOException {
        RawResponse response = readResponse();
        if (!response.headers().containsToken("Connection", "close")) {
            throw new AssertionError("expected Connection: close on the last response:\n" + response.text());
        }
        if (!isClosedByPeer(CLOSE_WAIT)) {
            throw new AssertionError("connection still open " + CLOSE_WAIT.toMillis() + " ms after the last response:\n"
                    + response.text());
        }
        return response;
    }

    /** Reads the status line and headers of the next response only, as for the answer to a HEAD request. */
    public RawResponse readResponseHead() throws IOException {
        return reader.read(true);
    }

    /** Reads everything until the server closes the connection, one char per byte. */
    public String readAll() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads, one char per byte, until what was read ends with the marker, and returns it all; for a body that streams
     * without end (server-sent events). Waits at most {@link #DEFAULT_TIMEOUT} for each byte.
     *
     * @throws java.io.EOFException if the server closes first
     */
    public String readUntil(String marker) throws IOException {
        StringBuilder read = new StringBuilder();
        while (read.length() < marker.length() || !read.substring(read.length() - marker.length()).equals(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed before '" + Ascii.escape(marker) + "'; read: '"
                        + Ascii.escape(read) + "'");
            }
            read.append((char) b);
        }
        return read.toString();
    }

    /**
     * Whether the server closes the connection within the timeout: true when a read ends the stream (or finds it
     * reset), false when the timeout passes first.
     *
     * @throws AssertionError if the server sends bytes instead, which for a connection that should be closed is
     *     a response to a request it should never have read; the message shows them
     */
    public boolean isClosedByPeer(Duration timeout) throws IOException {
        return awaitClose(timeout, true);
    }

    /**
     * Whether the server closes the connection cleanly within the timeout, without a reset: true when a read ends the
     * stream (over TLS after the server's close_notify), false when the timeout passes first.
     *
     * @throws AssertionError if the server sends bytes instead, as {@link #isClosedByPeer} does, or resets the
     *     connection
     */
    public boolean isClosedCleanlyByPeer(Duration timeout) throws IOException {
        return awaitClose(timeout, false);
    }

    private boolean awaitClose(Duration timeout, boolean resetCounts) throws IOException {
        socket.setSoTimeout(Math.max(1, (int) timeout.toMillis()));
        try {
            int b = in.read();
            if (b < 0) {
                return true;
            }
            byte[] more = new byte[Math.min(in.available(), 256)];
            int n = Math.max(0, in.read(more));
            throw new AssertionError("expected the connection to be closed, but the server sent: '"
                    + Ascii.escape((char) b + new String(more, 0, n, StandardCharsets.ISO_8859_1)) + "'");
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            // A server that closes with unread request bytes in its receive buffer resets the connection.
            if (!resetCounts) {
                throw new AssertionError("expected a clean close, but the connection was reset: " + e.getMessage());
            }
            return true;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
            }
        }
    }

    /**
     * Whether something can be read within the timeout, a byte or the end of the stream, without consuming it;
     * for a test that paces its own sending until the server answers.
     */
    public boolean isReadable(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.max(1, (int) timeout.toMillis()));
        try {
            in.mark(1);
            in.read();
            in.reset();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
        }
    }

    /** Half-closes: the server reads the end of the stream, and can still answer. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** The local port of this peer; the server sees it as the connection's remote port. */
    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
