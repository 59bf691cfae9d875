package dev.wisp.client.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.wisp.transport.PlatformThreadCalls;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A connected Unix stream socket with a Linux abstract name, its calls made through the Foreign Function and
 * Memory API: {@code socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)}, {@code connect} to a {@code sockaddr_un} whose
 * {@code sun_path} starts with a NUL byte, then {@code recv}, {@code send}, {@code shutdown} and {@code close}.
 *
 * <p><b>Threads.</b> A virtual thread that blocks in a native call holds its carrier for as long as the call
 * blocks: with a few connections waiting for their peers, every carrier could be held, and every other virtual
 * thread would stop. So a call that may block ({@code connect}, a blocking {@code recv} or {@code send}, a
 * {@code poll}) called from a virtual thread runs on a platform thread of {@link #BLOCKING} instead, and the
 * virtual thread parks on its result, freeing the carrier. Calls that cannot block ({@code recv} with
 * {@code MSG_DONTWAIT}, {@code shutdown}, {@code close}) run where they are called. This is simpler than a
 * non-blocking descriptor with a readiness poller of our own, and as correct; it costs a hand-off per blocking
 * call and a platform thread per call in progress. The pool has no bound on purpose: a connection has at most one
 * read and one write in progress, so its size follows the connections in use, and a bound would let idle readers
 * (a WebSocket waiting for its next message) starve the other connections' calls. Its threads end after a minute
 * unused.
 *
 * <p><b>Closing.</b> {@link #close()} shuts both directions at once, which ends a {@code recv} or {@code send}
 * blocked on another thread (a {@code close} alone would not wake it), and closes the descriptor only when no call
 * is using it any more, so a call never reaches a descriptor number the process has meanwhile given to another
 * file. The native buffers go with it.
 *
 * <p>One thread reads and one writes at a time, as {@link StreamSocket} asks; {@code shutdownInput}, {@code close}
 * and {@code isOpen} may be called from any thread.
 */
final class AbstractUnixSocket implements StreamSocket {
    /** {@code sun_path}'s size; the name takes all of it but the leading NUL. */
    static final int MAX_NAME_BYTES = 107;
    /** {@code offsetof(struct sockaddr_un, sun_path)}: after the two bytes of {@code sun_family}. */
    private static final int PATH_OFFSET = 2;
    /** The native buffer a heap buffer's bytes go through, each way; a direct buffer is used as it is. */
    private static final int BUFFER_BYTES = 32 * 1024;
    private static final ExecutorService BLOCKING = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("wisp-unix-io-", 0).daemon().factory());

    private final int fd;
    private final String name;
    private final Arena arena = Arena.ofShared();
    private MemorySegment readBuffer;
    private MemorySegment writeBuffer;
    /** Calls using the descriptor now; guarded by this. */
    private int inUse;
    /** Guarded by this; read without the lock by {@link #isOpen()}. */
    private volatile boolean closed;

    private AbstractUnixSocket(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Connects to the abstract name (without its leading NUL byte; UTF-8, at most 107 bytes).
     *
     * @throws ConnectException if nothing listens on the name
     * @throws SocketException for any other failure, with the C library's text
     */
    static AbstractUnixSocket connect(String name) throws IOException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("an abstract name takes 1 to " + MAX_NAME_BYTES + " bytes: " + name);
        }
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new SocketException("socket: " + Libc.message(-fd));
        }
        AbstractUnixSocket socket = new AbstractUnixSocket(fd, name);
        try {
            // A connect blocks while the listener's backlog is full.
            socket.offCarrier(() -> socket.connect(bytes));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * <pre>
     * struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
     *   | AF_UNIX (2 bytes, native order) | 0 | name ... |   length = 2 + 1 + name bytes, no trailing NUL
     * </pre>
     */
    private long connect(byte[] name) throws IOException {
        int length = PATH_OFFSET + 1 + name.length;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment address = call.allocate(length, 2);
            address.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
            MemorySegment.copy(name, 0, address, JAVA_BYTE, PATH_OFFSET + 1, name.length);
            long result = using(() -> Libc.connect(fd, address, length));
            if (result == -Libc.ECONNREFUSED) {
                throw new ConnectException("Connection refused");
            }
            if (result < 0) {
                throw new SocketException("connect: " + Libc.message((int) -result));
            }
            return result;
        }
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return destination.hasRemaining() ? (int) offCarrier(() -> receive(destination, 0)) : 0;
    }

    @Override
    public int readNow(ByteBuffer destination) throws IOException {
        return destination.hasRemaining() ? (int) receive(destination, Libc.MSG_DONTWAIT) : 0;
    }

    /** A socket closed before or during the wait fails as the channel's socket view does, with "Socket closed". */
    @Override
    public int readWithin(ByteBuffer destination, long nanos) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, nanos / 1_000_000));
        try {
            long ready = offCarrier(() -> using(() -> Libc.pollReadable(fd, millis)));
            if (ready < 0 && ready != -Libc.EINTR) {
                throw new SocketException("poll: " + Libc.message((int) -ready));
            }
            return ready > 0 ? readNow(destination) : 0;
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        }
    }

    /** One {@code recv}: the bytes read, 0 if none have come (with {@code MSG_DONTWAIT}), -1 at the end. */
    private long receive(ByteBuffer destination, int flags) throws IOException {
        boolean direct = destination.isDirect();
        int length = direct ? destination.remaining() : Math.min(destination.remaining(), BUFFER_BYTES);
        long n = using(() -> {
            MemorySegment target = direct ? MemorySegment.ofBuffer(destination) : readBuffer();
            long received;
            do {
                received = Libc.recv(fd, target, length, flags);
            } while (received == -Libc.EINTR);
            if (received > 0 && !direct) {
                destination.put(destination.position(), target.asSlice(0, received).asByteBuffer(),
                        0, (int) received);
            }
            return received;
        });
        if (closed) {
            throw new AsynchronousCloseException();
        }
        if (n == -Libc.EAGAIN) {
            return 0;
        }
        if (n < 0) {
            throw new SocketException("read: " + Libc.message((int) -n));
        }
        if (n == 0) {
            return -1;
        }
        destination.position(destination.position() + (int) n);
        return n;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return source.hasRemaining() ? (int) offCarrier(() -> send(source)) : 0;
    }

    /** One {@code send}: at least one byte, or an exception. */
    private long send(ByteBuffer source) throws IOException {
        boolean direct = source.isDirect();
        int length = direct ? source.remaining() : Math.min(source.remaining(), BUFFER_BYTES);
        long n = using(() -> {
            MemorySegment from = direct ? MemorySegment.ofBuffer(source) : writeBuffer();
            if (!direct) {
                MemorySegment.copy(MemorySegment.ofBuffer(source), 0, from, 0, length);
            }
            long sent;
            do {
                sent = Libc.send(fd, from, length, Libc.MSG_NOSIGNAL);
            } while (sent == -Libc.EINTR);
            return sent;
        });
        if (closed) {
            throw new AsynchronousCloseException();
        }
        if (n < 0) {
            throw new SocketException("write: " + Libc.message((int) -n));
        }
        source.position(source.position() + (int) n);
        return n;
    }

    @Override
    public void shutdownInput() throws IOException {
        shutdown(Libc.SHUT_RD);
    }

    @Override
    public void shutdownOutput() throws IOException {
        shutdown(Libc.SHUT_WR);
    }

    private void shutdown(int how) throws IOException {
        long result = using(() -> Libc.shutdown(fd, how));
        if (result < 0) {
            throw new SocketException("shutdown: " + Libc.message((int) -result));
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            Libc.shutdown(fd, Libc.SHUT_RDWR); // wakes a call blocked on another thread; ENOTCONN is fine
            if (inUse > 0) {
                return; // the last call to finish closes the descriptor
            }
        }
        release();
    }

    /** The peer's name as {@code ss} and {@code netstat} show it, {@code @name}, as an unresolved host name. */
    @Override
    public InetSocketAddress remoteAddress() {
        return InetSocketAddress.createUnresolved("@" + name, 0);
    }

    @Override
    public Optional<InetSocketAddress> localAddress() {
        return Optional.empty();
    }

    @Override
    public Optional<SocketChannel> channel() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "abstract Unix socket @" + name + " (fd " + fd + (closed ? ", closed)" : ")");
    }

    /** A call on the descriptor, which stays open until it returns. */
    private interface DescriptorCall {
        long run() throws IOException;
    }

    /** Runs the call with the descriptor held open; fails at once if the socket is closed. */
    private long using(DescriptorCall call) throws IOException {
        synchronized (this) {
            if (closed) {
                throw new ClosedChannelException();
            }
            inUse++;
        }
        try {
            return call.run();
        } finally {
            boolean last;
            synchronized (this) {
                last = --inUse == 0 && closed;
            }
            if (last) {
                release();
            }
        }
    }

    private void release() {
        Libc.close(fd);
        arena.close();
    }

    /** Runs a call that may block on a platform thread when called from a virtual one (see the class comment). */
    private long offCarrier(DescriptorCall call) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return call.run();
        }
        try {
            return PlatformThreadCalls.call(BLOCKING, call::run);
        } catch (InterruptedException e) {
            // As an interruptible channel does: the socket closes, which ends the call on the other thread.
            close();
            Thread.currentThread().interrupt();
            throw new ClosedByInterruptException();
        }
    }

    private MemorySegment readBuffer() {
        if (readBuffer == null) {
            readBuffer = arena.allocate(BUFFER_BYTES);
        }
        return readBuffer;
    }

    private MemorySegment writeBuffer() {
        if (writeBuffer == null) {
            writeBuffer = arena.allocate(BUFFER_BYTES);
        }
        return writeBuffer;
    }
}
