package dev.wisp.server.sse;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.core.EventStreamWriter;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Method;
import dev.wisp.core.ServerSentEvent;
import dev.wisp.core.Status;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A response that is a stream of server-sent events ({@code text/event-stream}, WHATWG HTML), which browsers read
 * with {@code EventSource}. Open it in a handler, over HTTP/1.1 (chunked) or HTTP/2 alike:
 *
 * <pre>{@code
 * router.get("/events", (request, response) -> {
 *     try (EventStream events = EventStream.open(request, response)) {
 *         events.send(ServerSentEvent.of("hello", "1").withId("1"));  // written and flushed before it returns
 *         hub.subscribe(events);                                       // publishers offer(...) from their threads
 *         events.awaitClosed();                                        // writes what they offer until the end
 *         hub.unsubscribe(events);
 *     }
 * });
 * }</pre>
 *
 * <p>Two ways to send: {@link #send} writes at once from the calling thread and blocks while the client is slow to
 * read; {@link #offer} never blocks (a publisher with many clients must not wait for the slowest) and queues the
 * event for the thread in {@link #awaitClosed()} to write, up to {@code maxQueuedEvents}, past which the client is
 * too slow and its stream ends. A heartbeat comment goes out whenever nothing was sent for
 * {@code heartbeatInterval}, from a thread shared by every stream, so that proxies do not end a quiet stream as idle
 * and a client that left is found: over HTTP/2 at once ({@link ServerRequest#onClientLeft}); over HTTP/1.1 each
 * heartbeat first asks {@link ServerRequest#hasClientLeft()}, as a send does at most once a second, since over TCP the
 * first write after the client closed still goes through.
 *
 * <p>The stream ends when the handler closes it or returns, when the client left (found so, or by a failed write;
 * logged at DEBUG), when {@link #close()} is called from any thread, or when the server starts to stop (which closes
 * it, so that the client reconnects, to another instance say, without waiting for the grace period). After the end,
 * {@code send} throws {@link EventStreamClosedException}, {@code offer} returns false and {@code awaitClosed} returns.
 *
 * <p>Thread-safe: sends from any thread take turns, each event whole.
 */
public final class EventStream implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
    /** How often a send looks whether the client left, at most: a look is a system call. */
    private static final long LOOK_NANOS = Duration.ofSeconds(1).toNanos();

    private final ServerRequest request;
    private final EventStreamConfig config;
    private final OutputStream out;
    private final EventStreamWriter writer;
    /** Taken for every write, so that events go out whole and in turn. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guards the queue and the end; the writer thread waits on {@link #changed}. */
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition changed = stateLock.newCondition();
    private ArrayDeque<ServerSentEvent> queue;
    private volatile boolean open;
    private volatile long lastWriteNanos;
    /** When the heartbeat under way started, 0 for none. */
    private final AtomicLong heartbeatStarted = new AtomicLong();
    /** The handler's thread, which closes the stream before the exchange ends the response. */
    private final Thread owner = Thread.currentThread();
    /** Whether the body stream was closed; guarded by {@link #writeLock}. */
    private boolean outClosed;
    /** When {@link #clientLeft()} last looked; guarded by {@link #writeLock}. */
    private long lastLookNanos;

    private EventStream(ServerRequest request, EventStreamConfig config, OutputStream out, boolean open) {
        this.request = request;
        this.config = config;
        this.out = out;
        this.writer = out == null ? null : new EventStreamWriter(out);
        this.open = open;
        this.lastWriteNanos = System.nanoTime();
        this.lastLookNanos = lastWriteNanos;
    }

    /**
     * Opens a stream with the default configuration; see
     * {@link #open(ServerRequest, ServerResponse, EventStreamConfig)}.
     */
    public static EventStream open(ServerRequest request, ServerResponse response) throws IOException {
        return open(request, response, EventStreamConfig.defaults());
    }

    /**
     * Sends the response's head (200, {@code Content-Type: text/event-stream}, {@code Cache-Control: no-store}, and
     * the other fields the handler set) and, if configured, the {@code retry} field, and returns the stream. To a
     * {@code HEAD} request the head goes alone, at once, and the stream returned has ended: a send on it fails, as
     * it would once a client left.
     *
     * @throws IllegalStateException if the response was already sent
     * @throws IOException if the head cannot be sent: the client left
     */
    public static EventStream open(ServerRequest request, ServerResponse response, EventStreamConfig config)
            throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(config, "config");
        if (response.isCommitted()) {
            throw new IllegalStateException("the response was already sent: an event stream must be its body");
        }
        response.status(Status.OK)
                .setHeader(HeaderNames.CONTENT_TYPE, "text/event-stream")
                .setHeader(HeaderNames.CACHE_CONTROL, "no-store");
        if (request.method().equals(Method.HEAD)) {
            // The head a GET would get (no Content-Length: the stream's is unknown, RFC 9110 §8.6), sent now, so that
            // a handler that goes on to send anyway, and fails on the ended stream, cannot turn it into an error.
            OutputStream head = response.outputStream();
            head.flush();
            head.close();
            return new EventStream(request, config, null, false);
        }
        OutputStream out = response.outputStream();
        EventStream stream = new EventStream(request, config, out, true);
        stream.writeLock.lock();
        try {
            if (config.retry().isPresent()) {
                stream.writer.retry(config.retry().get());
            }
            // The head goes now, so that the client's EventSource opens before the first event.
            out.flush();
        } catch (IOException e) {
            stream.end();
            throw new EventStreamClosedException("the client left before the event stream opened", e);
        } finally {
            stream.writeLock.unlock();
        }
        if (!config.heartbeatInterval().isZero()) {
            Heartbeats.SHARED.add(stream);
        }
        request.onServerStop(stream::close);
        // Over HTTP/2 a client that resets the stream or drops the connection ends it at once.
        request.onClientLeft(stream::close);
        // A handler that returned without closing the stream: no more heartbeats or sends from then on.
        request.closeAtEnd(stream::end);
        return stream;
    }

    /**
     * The {@code Last-Event-ID} the client sent: the id of the last event it received before it reconnected, for the
     * stream to go on from there.
     */
    public Optional<String> lastEventId() {
        return Optional.ofNullable(request.headers().firstOrNull("Last-Event-ID"));
    }

    /**
     * Writes the event and flushes it, blocking while the client is slow to read (up to the server's
     * {@code writeTimeout}).
     *
     * @throws EventStreamClosedException if the stream has ended, or ends now because the write failed
     */
    public void send(ServerSentEvent event) throws IOException {
        Objects.requireNonNull(event, "event");
        write(writer -> writer.write(event));
    }

    /** Sends a {@code message} event with this data; see {@link #send(ServerSentEvent)}. */
    public void send(String data) throws IOException {
        send(ServerSentEvent.of(data));
    }

    /** Sends a comment, which clients ignore; see {@link #send(ServerSentEvent)}. */
    public void comment(String text) throws IOException {
        Objects.requireNonNull(text, "text");
        write(writer -> writer.comment(text));
    }

    /** Tells the client how long to wait before it reconnects; see {@link #send(ServerSentEvent)}. */
    public void retry(Duration delay) throws IOException {
        Objects.requireNonNull(delay, "delay");
        write(writer -> writer.retry(delay));
    }

    /** One block of the stream, written whole. */
    @FunctionalInterface
    private interface Block {
        void writeTo(EventStreamWriter writer) throws IOException;
    }

    /** Writes the block and flushes, in turn with the other writers; a failure ends the stream. */
    private void write(Block block) throws IOException {
        writeLock.lock();
        try {
            checkOpen();
            if (System.nanoTime() - lastLookNanos >= LOOK_NANOS && clientLeft()) {
                throw new EventStreamClosedException("the event stream has ended: the client left");
            }
            block.writeTo(writer);
            flush();
        } catch (EventStreamClosedException e) {
            throw e;
        } catch (IOException e) {
            throw failed(e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Queues the event for the thread in {@link #awaitClosed()} to write, without blocking. A client with
     * {@code maxQueuedEvents} events queued already does not keep up: its stream ends.
     *
     * @return false if the stream has ended (or ends now, the queue being full): the event will not be sent
     */
    public boolean offer(ServerSentEvent event) {
        Objects.requireNonNull(event, "event");
        stateLock.lock();
        try {
            if (!open) {
                return false;
            }
            if (queue == null) {
                queue = new ArrayDeque<>();
            }
            if (queue.size() >= config.maxQueuedEvents()) {
                LOG.log(DEBUG, () -> "event stream to " + request.connection().remoteAddress() + " ended: "
                        + config.maxQueuedEvents() + " events queued (maxQueuedEvents), the client does not keep up");
                endLocked();
                return false;
            }
            queue.add(event);
            changed.signal();
            return true;
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Writes the events {@link #offer} queues, in order, until the stream ends; returns then. Call it from the
     * handler's thread, which the stream's response belongs to. An interrupt (the server stopping, after its grace
     * period) ends the stream and returns, with the thread's interrupt status set.
     */
    public void awaitClosed() {
        while (true) {
            ServerSentEvent next;
            stateLock.lock();
            try {
                while (open && (queue == null || queue.isEmpty())) {
                    try {
                        changed.await();
                    } catch (InterruptedException e) {
                        endLocked();
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (!open) {
                    return;
                }
                next = queue.poll();
            } finally {
                stateLock.unlock();
            }
            try {
                send(next);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Whether the stream has not ended yet. */
    public boolean isOpen() {
        return open;
    }

    /**
     * Ends the stream: events still queued are dropped, and the thread in {@link #awaitClosed()} returns. The
     * response ends as it should (its last chunk over HTTP/1.1, the end of its stream over HTTP/2) now, or, while a
     * write is under way on another thread, when the handler closes the stream. Idempotent; any thread.
     *
     * <p>The handler must close it before it returns (try-with-resources): on the handler's thread, close waits for a
     * write under way (a heartbeat's, a publisher's), which must not meet the end of the response that the exchange
     * writes once the handler has returned.
     */
    @Override
    public void close() {
        stateLock.lock();
        try {
            endLocked();
        } finally {
            stateLock.unlock();
        }
        if (out == null) {
            return;
        }
        if (Thread.currentThread() == owner) {
            writeLock.lock();
        } else if (!writeLock.tryLock()) {
            return;
        }
        try {
            if (!outClosed) {
                outClosed = true;
                out.close();
            }
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "event stream to " + request.connection().remoteAddress() + " ended: " + e);
        } finally {
            writeLock.unlock();
        }
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    long heartbeatIntervalNanos() {
        return config.heartbeatInterval().toNanos();
    }

    /**
     * Writes a heartbeat from a thread of its own, unless one started less than an interval ago. One started longer
     * ago is no bar: its thread may be blocked in a write to a slow client, in which case the new one finds the
     * stream busy and leaves at once, or lost, as JDK 25 may lose a virtual thread that starts as the heap fills up,
     * in which case the new one writes.
     */
    void startHeartbeat() {
        long now = System.nanoTime();
        long started = heartbeatStarted.get();
        if (started != 0 && now - started < heartbeatIntervalNanos()
                || !heartbeatStarted.compareAndSet(started, now == 0 ? 1 : now)) {
            return;
        }
        try {
            Thread.ofVirtual().name("wisp-sse-heartbeat").start(this::heartbeat);
        } catch (RuntimeException | Error e) {
            heartbeatStarted.set(0);
            throw e;
        }
    }

    private void heartbeat() {
        try {
            if (writeLock.tryLock()) {
                try {
                    if (open && System.nanoTime() - lastWriteNanos >= heartbeatIntervalNanos() && !clientLeft()) {
                        writer.comment("");
                        flush();
                    }
                } catch (IOException e) {
                    failed(e);
                } catch (RuntimeException | Error e) {
                    // A full heap: the stream goes on, and the ticker tries again at its next turn.
                    LOG.log(DEBUG, () -> "a heartbeat failed: " + e);
                } finally {
                    writeLock.unlock();
                }
            }
        } finally {
            heartbeatStarted.set(0);
        }
    }

    private void flush() throws IOException {
        out.flush();
        lastWriteNanos = System.nanoTime();
    }

    /** Looks whether the client left, and ends the stream if it did. Under {@link #writeLock}. */
    private boolean clientLeft() {
        lastLookNanos = System.nanoTime();
        if (!request.hasClientLeft()) {
            return false;
        }
        LOG.log(DEBUG, () -> "event stream to " + request.connection().remoteAddress() + " ended: the client left");
        end();
        return true;
    }

    private void checkOpen() throws EventStreamClosedException {
        if (!open) {
            throw new EventStreamClosedException("the event stream has ended");
        }
    }

    /** Ends the stream after a failed write, which says the client left. */
    private EventStreamClosedException failed(IOException e) {
        LOG.log(DEBUG, () -> "event stream to " + request.connection().remoteAddress() + " ended: " + e);
        end();
        return new EventStreamClosedException("the event stream has ended: " + e.getMessage(), e);
    }

    private void end() {
        stateLock.lock();
        try {
            endLocked();
        } finally {
            stateLock.unlock();
        }
    }

    private void endLocked() {
        open = false;
        queue = null;
        changed.signalAll();
        Heartbeats.SHARED.remove(this);
    }
}
