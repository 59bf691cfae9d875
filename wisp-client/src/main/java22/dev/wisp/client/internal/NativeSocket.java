package dev.wisp.client.internal;

import dev.wisp.client.UnsupportedSocketOptionException;
import dev.wisp.transport.PlatformThreadCalls;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stream socket the JDK cannot open, its calls made through the Foreign Function and Memory API: a Unix socket with
 * a Linux abstract name, or a TCP socket with options java.net cannot set ({@code SO_PRIORITY}).
 * {@code socket(family, SOCK_STREAM | SOCK_CLOEXEC)}, options and a bind while it is new, one {@code connect}, then
 * {@code recv}, {@code send}, {@code shutdown} and {@code close}.
 *
 * <p><b>Threads.</b> A virtual thread that blocks in a native call holds its carrier for as long as the call
 * blocks: with a few connections waiting for their peers, every carrier could be held, and every other virtual
 * thread would stop. So a call that may block ({@code connect} to a Unix socket, a blocking {@code recv} or
 * {@code send}, a {@code poll}) called from a virtual thread runs on a platform thread of {@link #BLOCKING} instead,
 * and the virtual thread parks on its result, freeing the carrier. Calls that cannot block ({@code recv} with
 * {@code MSG_DONTWAIT}, {@code setsockopt}, {@code shutdown}, {@code close}) run where they are called. A TCP
 * connect, which must end by a deadline, is made non-blocking and waited for with {@code poll}, then the descriptor
 * is made blocking again. This is simpler than a non-blocking descriptor with a readiness poller of our own, and as
 * correct; it costs a hand-off per blocking call and a platform thread per call in progress. The pool has no bound
 * on purpose: a connection has at most one read and one write in progress, so its size follows the connections in
 * use, and a bound would let idle readers (a WebSocket waiting for its next message) starve the other connections'
 * calls. Its threads end after a minute unused.
 *
 * <p><b>Closing.</b> {@link #close()} shuts both directions at once, which ends a {@code recv}, {@code send} or a
 * connect's {@code poll} blocked on another thread (a {@code close} alone would not wake it), and closes the
 * descriptor only when no call is using it any more, so a call never reaches a descriptor number the process has
 * meanwhile given to another file. The native buffers go with it.
 *
 * <p>One thread sets options, binds and connects; then one thread reads and one writes at a time, as
 * {@link StreamSocket} asks; {@code shutdownInput}, {@code close} and {@code isOpen} may be called from any thread,
 * at any time.
 */
final class NativeSocket implements StreamSocket {
    /** The native buffer a heap buffer's bytes go through, each way; a direct buffer is used as it is. */
    private static final int BUFFER_BYTES = 32 * 1024;
    private static final ExecutorService BLOCKING = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("wisp-native-io-", 0).daemon().factory());

    private final int fd;
    private final int family;
    private final Arena arena = Arena.ofShared();
    private MemorySegment readBuffer;
    private MemorySegment writeBuffer;
    /** Whether a thread waits in a read now: an HTTP/2 connection's reading thread that is not counts as lost. */
    private volatile boolean readBlocked;
    /** Whether a thread waits in a write now. */
    private volatile boolean writeBlocked;
    /** Set by the connect, before the socket is handed to other threads. */
    private InetSocketAddress remote;
    private InetSocketAddress local;
    /** Calls using the descriptor now; guarded by this. */
    private int inUse;
    /** Guarded by this; read without the lock by {@link #isOpen()}. */
    private volatile boolean closed;

    private NativeSocket(int fd, int family) {
        this.fd = fd;
        this.family = family;
    }

    /**
     * A new stream socket of the family ({@code AF_UNIX}, {@code AF_INET}, {@code AF_INET6}), not yet connected.
     *
     * @throws SocketException with the C library's text if the kernel makes none
     */
    static NativeSocket open(int family) throws SocketException {
        int fd = Libc.socket(family, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new SocketException("socket: " + Libc.message(-fd));
        }
        return new NativeSocket(fd, family);
    }

    /**
     * Fails unless the system is Linux, whose calls, constants and structures this class uses.
     *
     * @param why what only Linux has, for the message
     */
    static void requireLinux(String option, String why) {
        String system = System.getProperty("os.name", "");
        if (!system.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedSocketOptionException(option, why + ", not on " + system);
        }
    }

    /** Memory that lives as long as the socket, for the addresses its calls take. */
    Arena arena() {
        return arena;
    }

    /** Sets an {@code int} option: 0, or the negated {@code errno}, for the caller to name the option it refused. */
    int setOption(int level, int name, int value) throws IOException {
        return (int) using(() -> Libc.setsockopt(fd, level, name, value));
    }

    /** An {@code int} option's value. */
    int option(int level, int name) throws IOException {
        int value = (int) using(() -> Libc.getsockopt(fd, level, name));
        if (value < 0) {
            throw new SocketException("getsockopt: " + Libc.message(-value));
        }
        return value;
    }

    /** Binds to the local address and port before connecting. */
    void bind(InetSocketAddress address) throws IOException {
        MemorySegment sockaddr = Sockaddr.ip(address, arena);
        long result = using(() -> Libc.bind(fd, sockaddr, (int) sockaddr.byteSize()));
        if (result < 0) {
            // As the JDK's: "Address already in use", "Cannot assign requested address".
            throw new BindException(Libc.message((int) -result));
        }
    }

    /**
     * Connects to a Unix socket's address, blocking while the listener's backlog is full.
     *
     * @param name the peer's name as {@link #remoteAddress()} gives it
     */
    void connect(MemorySegment address, InetSocketAddress name) throws IOException {
        long result = offCarrier(() -> using(() -> Libc.connect(fd, address, (int) address.byteSize())));
        if (result < 0) {
            throw connectFailed((int) -result);
        }
        remote = name;
    }

    /**
     * Connects to an IP address within the time given: non-blocking, then a {@code poll} for the end of the
     * handshake and {@code SO_ERROR} for its outcome, as the JDK's socket adapter does.
     *
     * @throws ConnectException if the peer refused
     * @throws SocketTimeoutException if the time passed first
     */
    void connect(InetSocketAddress address, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        MemorySegment sockaddr = Sockaddr.ip(address, arena);
        blocking(false);
        long result = using(() -> Libc.connect(fd, sockaddr, (int) sockaddr.byteSize()));
        if (result == -Libc.EINPROGRESS) {
            awaitConnected(deadline);
        } else if (result < 0) {
            throw connectFailed((int) -result);
        }
        blocking(true);
        remote = address;
        MemorySegment name = arena.allocate(Sockaddr.MAX_IP_BYTES, 4);
        local = using(() -> Libc.getsockname(fd, name)) == 0 ? Sockaddr.ip(name) : null;
    }

    private void awaitConnected(long deadline) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("Connect timed out");
            }
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            long ready = offCarrier(() -> using(() -> Libc.poll(fd, Libc.POLLOUT, millis)));
            if (closed) {
                throw new AsynchronousCloseException();
            }
            if (ready > 0) {
                break;
            }
            if (ready < 0 && ready != -Libc.EINTR) {
                throw new SocketException("poll: " + Libc.message((int) -ready));
            }
        }
        int error = option(Libc.SOL_SOCKET, Libc.SO_ERROR);
        if (error != 0) {
            throw connectFailed(error);
        }
    }

    private void blocking(boolean blocking) throws IOException {
        long result = using(() -> Libc.setNonBlocking(fd, !blocking));
        if (result < 0) {
            throw new SocketException("ioctl(FIONBIO): " + Libc.message((int) -result));
        }
    }

    private static IOException connectFailed(int errno) {
        return errno == Libc.ECONNREFUSED ? new ConnectException("Connection refused")
                : new SocketException("connect: " + Libc.message(errno));
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        if (!destination.hasRemaining()) {
            return 0;
        }
        readBlocked = true;
        try {
            return (int) offCarrier(() -> receive(destination, 0));
        } finally {
            readBlocked = false;
        }
    }

    @Override
    public boolean isReadBlocked() {
        return readBlocked;
    }

    @Override
    public boolean holdsUnreadBytes() {
        try {
            return using(() -> Libc.bytesReadable(fd)) > 0;
        } catch (IOException | RuntimeException | Error e) {
            return false;
        }
    }

    @Override
    public int readNow(ByteBuffer destination) throws IOException {
        return destination.hasRemaining() ? (int) receive(destination, Libc.MSG_DONTWAIT) : 0;
    }

    /** A socket closed before or during the wait fails as the channel's socket view does, with "Socket closed". */
    @Override
    public int readWithin(ByteBuffer destination, long nanos) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, nanos / 1_000_000));
        readBlocked = true;
        try {
            long ready = offCarrier(() -> using(() -> Libc.poll(fd, Libc.POLLIN, millis)));
            if (ready < 0 && ready != -Libc.EINTR) {
                throw new SocketException("poll: " + Libc.message((int) -ready));
            }
            return ready > 0 ? readNow(destination) : 0;
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        } finally {
            readBlocked = false;
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
        if (!source.hasRemaining()) {
            return 0;
        }
        writeBlocked = true;
        try {
            return (int) offCarrier(() -> send(source));
        } finally {
            writeBlocked = false;
        }
    }

    @Override
    public boolean isWriteBlocked() {
        return writeBlocked;
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

    /** The peer's IP address, or a Unix socket's name as {@code ss} shows it, {@code @name}, unresolved. */
    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** Our IP address; empty for a Unix socket. */
    @Override
    public Optional<InetSocketAddress> localAddress() {
        return Optional.ofNullable(local);
    }

    @Override
    public Optional<SocketChannel> channel() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        String peer = remote == null ? "not connected" : family == Libc.AF_UNIX ? remote.getHostString()
                : remote.toString();
        return (family == Libc.AF_UNIX ? "abstract Unix socket " : "TCP socket ") + peer + " (fd " + fd
                + (closed ? ", closed)" : ")");
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
            return PlatformThreadCalls.callOrFailIfRefused(BLOCKING, call::run);
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
