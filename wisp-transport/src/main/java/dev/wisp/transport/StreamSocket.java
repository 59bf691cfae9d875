package dev.wisp.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * The connected stream socket a {@link Transport} runs over: a blocking {@link SocketChannel} (TCP, or a Unix
 * domain socket with a path), or a socket the JDK cannot open, such as a Linux abstract Unix socket name. The
 * transport's deadlines, half-close and idle polls need only these calls, so every variant gets them the same way.
 *
 * <p>One thread reads ({@link #read}, {@link #readNow}, {@link #readWithin}) and one writes at a time;
 * {@link #shutdownInput()}, {@link #close()} and {@link #isOpen()} may be called from any thread, and must end a
 * read or write blocked on another: the sweeper ends a late read with {@code shutdownInput()} and a late write with
 * {@code close()}.
 */
public interface StreamSocket extends Closeable {

    /** The socket channel as a {@link StreamSocket}: the one every TCP and path Unix socket connection uses. */
    static StreamSocket of(SocketChannel channel) {
        return new ChannelSocket(channel);
    }

    /**
     * The plaintext of a TLS connection whose handshake is done as a {@link StreamSocket}, which then owns it: for a
     * transport inside it, such as TLS to an origin through an HTTPS proxy's tunnel. It has no channel to select on.
     */
    static StreamSocket insideTls(TlsTransport tls) {
        return new TlsPlaintextSocket(tls);
    }

    /** Reads what has arrived, blocking until something has: the bytes read, or -1 at the end of the stream. */
    int read(ByteBuffer destination) throws IOException;

    /**
     * Reads what has arrived without blocking: the bytes read, 0 if nothing has, -1 at the end of the stream. It
     * must not wait for a write blocked on another thread; where telling the end of the stream from nothing would
     * take that wait, it may wait up to a millisecond for input instead. Into a heap buffer the end reads as -1
     * (a connection that took it for nothing would wait for input that has ended); into a direct one it may read
     * as 0, and the next {@link #read} sees it.
     */
    int readNow(ByteBuffer destination) throws IOException;

    /**
     * Reads what arrives within this time into a heap buffer: the bytes read, 0 if the time passed first, -1 at the
     * end of the stream. Unlike {@link #read}, this may arm a timer.
     *
     * @throws java.net.SocketException if the socket is shut or closed meanwhile
     */
    int readWithin(ByteBuffer destination, long nanos) throws IOException;

    /** Writes some of the buffer's bytes, blocking until at least one went out; the count written. */
    int write(ByteBuffer source) throws IOException;

    /**
     * Writes what the socket takes now, without blocking: the count written, maybe 0; or -1, having tried nothing,
     * where a try would cost more than it saves (a blocking channel would switch modes for it).
     */
    default int writeNow(ByteBuffer source) throws IOException {
        return -1;
    }

    /**
     * The {@link System#nanoTime()} for this socket's own thread to time its deadlines and idle waits by; a
     * {@link LoopSocket}'s is its loop's turn's, read once for every thread the turn runs
     * ({@link CarrierLoop#clockNanos}).
     */
    default long clockNanos() {
        return System.nanoTime();
    }

    /** Ends reading: a blocked read returns the end of the stream. */
    void shutdownInput() throws IOException;

    /** Ends writing: the peer reads the end of the stream. */
    void shutdownOutput() throws IOException;

    boolean isOpen();

    /** Closes the socket; a read or write blocked on it ends with an exception. Idempotent. */
    @Override
    void close() throws IOException;

    /**
     * The peer's address: an IP socket address, or a Unix socket's name (its path, or {@code @name} for an
     * abstract one) as an unresolved host name with port 0.
     */
    InetSocketAddress remoteAddress() throws IOException;

    /** Our IP address, or empty (a Unix socket has none; a closed socket neither). */
    Optional<InetSocketAddress> localAddress();

    /**
     * Whether the socket knows, without a system call, that nothing has arrived since its last read took all the
     * kernel held: true only where a selection would have reported input or the end of the stream meanwhile (a
     * {@link LoopSocket} whose loop watches it); false when it cannot tell, and a read must look.
     */
    default boolean knowsNothingArrived() {
        return false;
    }

    /** The channel to select on for readiness, or empty if the socket is not a selectable channel. */
    Optional<SocketChannel> channel();

    /**
     * Whether a virtual thread is blocked in a read of this socket now; false for a socket that does not keep
     * track of its callers.
     */
    default boolean isReadBlocked() {
        return false;
    }

    /**
     * Whether a virtual thread is blocked in a write to this socket now; false for a socket that does not keep
     * track of its callers.
     */
    default boolean isWriteBlocked() {
        return false;
    }

    /**
     * Whether the kernel holds bytes for this socket that no read has taken yet ({@code FIONREAD}); false when it
     * holds none, or the socket cannot tell (closed, shut, or no memory for the count). Takes no lock that a
     * blocked read or write holds; never throws.
     */
    default boolean holdsUnreadBytes() {
        return false;
    }
}
