package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.server.ConnectionInfo;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Instant;

/**
 * One HTTP/1.1 connection: reads requests one after another, runs an {@link Http1Exchange} for each, and answers
 * them in order (pipelined requests wait in the read buffer). Between requests it holds no buffer: the
 * {@link WireInput} waits for the next byte without one, and the {@link WireOutput} gave its buffer back at flush.
 * Its fields are kept few on purpose: an idle connection's footprint is a headline number.
 *
 * <p>Everything in this class runs on the connection's virtual thread, except {@link #evict()}, {@link #drain()},
 * {@link #abort(String)} and {@link #expireIfLate(long)}, which other threads call; they end a blocked read or
 * write by closing the socket or shutting its input. The connection's thread is one at a time, not one for its
 * whole life: an idle wait outside a burst moves to a fresh virtual thread (see {@link #run()}), and the request
 * that ends it is served on another; each hand-over happens-before the next thread's first step, since starting a
 * thread does.
 */
final class Http1ServerConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(Http1ServerConnection.class.getName());
    private static final VarHandle STATE;
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int CLOSING = 2;
    /** A request that came this soon after the previous response marks a burst; see {@link #awaitRequest()}. */
    private static final long BURST_WAIT_NANOS = 50_000_000;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Http1ServerConnection.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ServerContext context;
    private final SocketChannel channel;
    private final long id;
    private final long openedAtMillis;
    private final InetSocketAddress remoteAddress;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    private volatile long idleSinceNanos;
    private volatile boolean draining;
    private volatile boolean timedOut;
    private volatile String closeReason;
    /** The connection's thread, for {@link #abort(String)} to interrupt. */
    private volatile Thread thread;
    /**
     * How long the last wait for a request took. The wait for the first request does not count (a client sends
     * it at once after connecting, which says nothing of a burst). Connection thread only.
     */
    private long lastWaitNanos = Long.MAX_VALUE;
    private boolean firstWait = true;
    /** Links in the registry's list of open connections; guarded by the registry's list lock. */
    Http1ServerConnection previous;
    Http1ServerConnection next;
    boolean linked;
    private ChannelInput channelInput;
    private ChannelOutput channelOutput;
    private WireInput input;
    private WireOutput output;

    Http1ServerConnection(ServerContext context, SocketChannel channel, long id) throws IOException {
        this.context = context;
        this.channel = channel;
        this.id = id;
        // The channel keeps this object; holding it here costs a reference, and it stays readable after close.
        this.remoteAddress = (InetSocketAddress) channel.getRemoteAddress();
        this.openedAtMillis = System.currentTimeMillis();
    }

    /**
     * Serves requests on this thread until the connection closes or goes idle outside a burst of requests. Then
     * the wait moves to a fresh thread ({@link #waitIdle()}) and this one ends: a parked virtual thread keeps its
     * frames on the heap, and the frames of this loop, compiled with the exchange inlined, would cost every idle
     * connection hundreds of bytes. A connection in a burst waits here, where the next request soon comes.
     */
    @Override
    public void run() {
        thread = Thread.currentThread();
        String reason;
        try {
            if (input == null) {
                open();
            }
            reason = null;
            while (reason == null) {
                boolean idle = input.buffered() == 0;
                boolean keepBuffer = idle && lastWaitNanos < BURST_WAIT_NANOS
                        && context.registry().tryKeepBufferWhileIdle();
                if (idle && !keepBuffer && startThread(this::waitIdle)) {
                    return;
                }
                reason = idle ? awaitRequest(keepBuffer) : null;
                if (reason == null) {
                    reason = serveRequest();
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            reason = failureReason(e);
        }
        close(reason);
    }

    /**
     * Waits for the next request on a thread whose stack holds nothing but this wait, then serves the request on
     * another fresh thread: calling {@link #run()} from here would let the compiler fold the exchange into this
     * frame again. Two thread starts per idle period are cheap next to the period itself.
     */
    private void waitIdle() {
        thread = Thread.currentThread();
        String reason;
        try {
            reason = awaitRequest(false);
        } catch (IOException | RuntimeException | Error e) {
            reason = failureReason(e);
        }
        if (reason == null) {
            if (!startThread(this)) {
                run();
            }
            return;
        }
        close(reason);
    }

    private boolean startThread(Runnable task) {
        try {
            context.connectionThreads().newThread(task).start();
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(WARNING, "[c" + id + "] could not start a thread; the connection goes on in this one", e);
            return false;
        }
    }

    private String failureReason(Throwable e) {
        if (e instanceof IOException) {
            String forced = closeReason;
            LOG.log(DEBUG, () -> "[c" + id + "] " + e);
            return forced != null ? forced : "I/O error: " + e.getMessage();
        }
        LOG.log(ERROR, "[c" + id + "] connection failed", e);
        return "internal error: " + e;
    }

    /** Sets up the streams and tells the listener. */
    private void open() throws IOException {
        ConnectionInfo info = info();
        notify(() -> context.config().connectionListener().opened(info));
        channelInput = new ChannelInput(channel);
        input = WireInput.of(channelInput, context.buffers());
        channelOutput = new ChannelOutput(channel, context.config().writeTimeout().toNanos());
        output = WireOutput.of(channelOutput, context.buffers());
    }

    private void close(String reason) {
        STATE.setVolatile(this, CLOSING);
        ConnectionInfo info = info();
        closeQuietly();
        if (input != null) {
            input.release();
            output.release();
        }
        context.registry().remove(this);
        LOG.log(DEBUG, () -> "[c" + id + "] closed: " + reason);
        notify(() -> context.config().connectionListener().closed(info, reason));
    }

    /**
     * Waits, idle, for the first byte of the next request, in one untimed read; the sweeper enforces the idle
     * timeout. The wait holds no buffer: one byte is read into a one-byte array and the request goes on in a
     * pooled buffer, at the price of a second read. A connection in a burst of requests (its last one came within
     * 50 ms) keeps its read buffer across the wait instead, so it reads each request at once; the registry lets at
     * most {@code maxPooledBuffers} connections do that, which bounds the memory idle connections hold.
     *
     * @param keepBuffer whether to wait holding the read buffer, as the registry allowed
     * @return null when a request is arriving, else why the connection must close
     */
    private String awaitRequest(boolean keepBuffer) throws IOException {
        boolean arrived;
        try {
            idleSinceNanos = System.nanoTime();
            STATE.setVolatile(this, IDLE);
            context.registry().becameIdle();
            if (draining) {
                return "server stopping";
            }
            channelInput.deadline(idleSinceNanos + context.config().idleTimeout().toNanos());
            // A read ended by evict() or abort() throws; failureReason() then reports why it was ended.
            arrived = keepBuffer ? input.fill() : input.awaitData();
        } finally {
            if (keepBuffer) {
                context.registry().bufferKeptWhileIdleReturned();
            }
        }
        lastWaitNanos = firstWait ? Long.MAX_VALUE : System.nanoTime() - idleSinceNanos;
        firstWait = false;
        if (!STATE.compareAndSet(this, IDLE, BUSY)) {
            return closeReason;
        }
        if (timedOut) {
            ErrorResponses.send(output, Status.REQUEST_TIMEOUT, "idle connection closed");
            return "idle timeout";
        }
        return arrived ? null : "peer closed";
    }

    /**
     * Reads one request head and runs its exchange.
     *
     * @return null if the connection may carry another request, else why it must close
     */
    private String serveRequest() throws IOException {
        channelInput.deadline(System.nanoTime() + context.config().headerTimeout().toNanos());
        RequestHead head;
        try {
            head = context.requestReader().readHead(input);
        } catch (HttpProtocolException e) {
            ErrorResponses.send(output, e.status(), e.getMessage());
            linger();
            return "bad request: " + e.getMessage();
        } catch (EOFException e) {
            if (timedOut) {
                ErrorResponses.send(output, Status.REQUEST_TIMEOUT, "request head not received in time");
                return "header timeout";
            }
            return "peer closed mid-request";
        }
        channelInput.perReadTimeout(context.config().readTimeout().toNanos());
        Http1Exchange exchange = new Http1Exchange(context, this);
        if (!exchange.run(head)) {
            String forced = closeReason;
            String reason = forced != null ? forced : timedOut ? "body read timeout" : "exchange asked to close";
            if (forced == null && exchange.hasUnreadBody()) {
                linger();
            }
            return reason;
        }
        return draining ? "server stopping" : null;
    }

    /** Lets the client read the answer before the close; see {@link LingeringClose}. */
    private void linger() {
        if (timedOut || channelInput.hasEnded()) {
            return; // the input is shut or ended already: nothing can arrive to cause a reset
        }
        String outcome = LingeringClose.linger(channel, channelInput, context.config().lingerTimeout().toNanos(),
                context.config().maxLingerBytes());
        LOG.log(DEBUG, () -> "[c" + id + "] " + outcome);
    }

    /** Builds the connection's description; not kept, since an idle connection should hold little. */
    ConnectionInfo info() {
        InetSocketAddress local = context.localAddress();
        if (channel.isOpen()) {
            try {
                local = (InetSocketAddress) channel.getLocalAddress();
            } catch (IOException e) {
                // closed meanwhile: the listening address will do
            }
        }
        return new ConnectionInfo(id, remoteAddress, local, Instant.ofEpochMilli(openedAtMillis), Version.HTTP_1_1);
    }

    WireInput input() {
        return input;
    }

    WireOutput output() {
        return output;
    }

    boolean isDraining() {
        return draining;
    }

    /** Whether a read deadline passed and the sweeper shut the input. */
    boolean isTimedOut() {
        return timedOut;
    }

    /** How many bytes went to the socket so far; those still in the output buffer do not count. */
    long bytesWritten() {
        return channelOutput.written();
    }

    /** Whether the request stream has ended: the peer closed its side, or the input was shut. */
    boolean hasInputEnded() {
        return channelInput.hasEnded();
    }

    long id() {
        return id;
    }

    boolean isIdle() {
        return (int) STATE.getVolatile(this) == IDLE;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Ends a read whose deadline has passed by shutting the input; the connection's thread answers 408. Ends a
     * write whose deadline has passed by closing the connection, since a shut input would not end it.
     */
    void expireIfLate(long nowNanos) {
        long deadline = channelInput == null ? 0 : channelInput.deadlineNanos();
        if (deadline != 0 && nowNanos - deadline > 0 && !timedOut) {
            timedOut = true;
            try {
                channel.shutdownInput();
            } catch (IOException e) {
                abort("timeout");
            }
        }
        long writeDeadline = channelOutput == null ? 0 : channelOutput.deadlineNanos();
        if (writeDeadline != 0 && nowNanos - writeDeadline > 0) {
            abort("write timeout");
        }
    }

    /** Closes the connection if it is idle; called by the registry to make room. */
    boolean evict() {
        return closeIfIdle("evicted to make room (least recently used)");
    }

    /** Closes the connection if idle, else lets it finish its exchange and close. */
    void drain() {
        draining = true;
        closeIfIdle("server stopping");
    }

    /**
     * Closes the socket whatever the connection is doing. Closing ends a read or write on it; the interrupt ends
     * a handler blocked on anything else (a lock, a queue, a slow call), which would otherwise hold stop() up.
     */
    void abort(String reason) {
        closeReason = reason;
        STATE.setVolatile(this, CLOSING);
        closeQuietly();
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    private boolean closeIfIdle(String reason) {
        if (STATE.compareAndSet(this, IDLE, CLOSING)) {
            closeReason = reason;
            closeQuietly();
            return true;
        }
        return false;
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[c" + id + "] close failed: " + e);
        }
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(WARNING, "[c" + id + "] connection listener failed", e);
        }
    }
}
