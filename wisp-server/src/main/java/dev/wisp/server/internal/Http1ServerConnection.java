package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.http1.Http1RequestLine;
import dev.wisp.server.ConnectionProtocol;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.transport.HeapPressure;
import dev.wisp.transport.IdleInput;
import dev.wisp.transport.LoadShedException;
import dev.wisp.transport.InputWatcher;
import dev.wisp.transport.NextInput;
import dev.wisp.transport.Transport;
import java.io.EOFException;
import java.io.IOException;

/**
 * One HTTP/1.1 connection: reads requests one after another, runs an {@link Http1Exchange} for each, and answers
 * them in order (pipelined requests wait in the read buffer). Between requests it holds no buffer: the
 * {@link WireInput} waits for the next byte without one, and the {@link WireOutput} gave its buffer back at flush.
 *
 * <p>Everything in this class runs on the connection's virtual thread; {@link ServerConnection} lists what other
 * threads may call. The connection's thread is one at a time, not one for its whole life: an idle wait outside a
 * burst has no thread at all (the server's {@link InputWatcher} holds it, see {@link #run()}), and the request
 * that ends it is served on a fresh one; each hand-over happens-before the next thread's first step, since
 * handing the connection to the watcher and starting a thread do.
 */
final class Http1ServerConnection extends ServerConnection {
    private static final System.Logger LOG = System.getLogger(Http1ServerConnection.class.getName());
    /** A request that came this soon after the previous response marks a burst; see {@link #awaitRequest}. */
    private static final long BURST_WAIT_NANOS = 50_000_000;
    /** The reason {@link #serveRequest} gives when an exchange switched the connection to another protocol. */
    private static final String SWITCHED = "switched protocols";
    /** The first bytes of the HTTP/2 connection preface, {@code PRI *}. */
    private static final byte[] PREFACE_START = {'P', 'R', 'I', ' ', '*'};
    private static final byte[] HEAD_METHOD = {'H', 'E', 'A', 'D', ' '};
    /** What {@link #awaitRequest} returns when the input watcher took the wait: not a reason to close. */
    private static final String HANDED_OFF = "waiting without a thread";

    /**
     * How long the last wait for a request took. The wait for the first request does not count (a client sends
     * it at once after connecting, which says nothing of a burst). Connection thread only.
     */
    private final Http1Connections http1;
    private long lastWaitNanos = Long.MAX_VALUE;
    /** When the last wait for a request ended ({@link System#nanoTime()}). */
    private long waitEndedNanos;
    /** Whether the connection waits for its first request; read by the registry's thread. */
    private volatile boolean firstWait = true;
    private boolean firstRequest = true;
    /** Whether the next {@link #run()} resumes after a wait in the input watcher; set before the wait begins. */
    private boolean resumeOnRun;
    /** Null while the input watcher holds the wait: made again by the thread that resumes. */
    private WireInput input;
    private WireOutput output;
    /**
     * When the head being read began, or 0 while none is ({@link #headSinceNanos()}). A plain field, read by the
     * registry's thread without a lock: a value a moment old does for choosing a slow head, and a volatile write on
     * every request would cost every request.
     */
    private long headSinceNanos;
    /**
     * When the request body being read began, or 0 while none is ({@link #slowBodySinceNanos}), and how many bytes the
     * transport had read then: plain fields, as {@link #headSinceNanos} is.
     */
    private long bodySinceNanos;
    private long bytesReadAtBodyStart;
    /** The connection that took this one over after a 101; set once, just before this one's loop ends. */
    private ServerConnection switchedTo;

    Http1ServerConnection(ServerContext context, Http1Connections http1, Transport transport, long id) {
        super(context, transport, id);
        this.http1 = http1;
    }

    /** Takes over a connection whose TLS handshake is done. */
    Http1ServerConnection(ServerConnection handshake, Http1Connections http1, TlsSessionInfo session) {
        super(handshake, session);
        this.http1 = http1;
    }

    @Override
    ConnectionProtocol protocol() {
        return ConnectionProtocol.HTTP_1_1;
    }

    /**
     * Serves requests on this thread until the connection closes or goes idle outside a burst of requests. Then
     * the wait goes to the server's {@link InputWatcher} and this thread ends: a parked virtual thread keeps its
     * frames on the heap, and the frames of this loop, compiled with the exchange inlined, would cost every idle
     * connection a few KiB. The watcher runs the connection again on a fresh thread when the next request
     * arrives, which goes on in {@link #resume()}. A connection in a burst waits here, where the next request soon
     * comes, holding its read buffer.
     */
    @Override
    public void run() {
        if (resumeOnRun) {
            resumeOnRun = false;
            resume();
            return;
        }
        onThisThread();
        String reason;
        try {
            if (input == null) {
                open();
            }
            reason = null;
            long clock = System.nanoTime(); // as of the last exchange's end: one clock read serves its next steps
            while (reason == null) {
                if (input.buffered() == 0) {
                    boolean keepBuffer = lastWaitNanos < BURST_WAIT_NANOS
                            && context.registry().tryKeepBufferWhileIdle();
                    reason = awaitRequest(keepBuffer, clock);
                    if (reason == HANDED_OFF) {
                        return;
                    }
                    clock = waitEndedNanos;
                }
                if (reason == null) {
                    reason = serveRequest(clock);
                    clock = exchangeEnded();
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            reason = failureReason(e);
        }
        if (switchedTo != null) {
            // The new protocol owns the transport and the read buffer from here on, on a fresh thread: this one's
            // stack and thread-locals, left by the exchange, would stay with the new connection while it waits.
            context.registry().replace(this, switchedTo);
            switchedTo.announceSwitched();
            switchedTo.offThread(); // this thread ends: until the new one runs, the sweeper must not see it as ended
            if (!startThread(switchedTo)) {
                switchedTo.run();
            }
            return;
        }
        close(reason);
    }

    /**
     * Goes on after the {@link InputWatcher} saw the socket become readable, on a fresh thread: a request is
     * arriving, the peer closed, the sweeper shut the input at the idle timeout, or another thread closed the
     * connection. Records that carry no request (a TLS session ticket, a key update) are consumed and the wait
     * goes back to the watcher.
     */
    private void resume() {
        onThisThread();
        String reason;
        try {
            open();
            IdleInput arrived = transport.pollInput();
            if (arrived == IdleInput.EMPTY && watchInput()) {
                return; // records without a request: the wait goes on, without a thread
            }
            reason = endIdleWait(arrived != IdleInput.ENDED && input.awaitData());
        } catch (IOException | RuntimeException | Error e) {
            reason = failureReason(e);
        }
        if (reason == null) {
            run();
            return;
        }
        close(reason);
    }

    /**
     * Hands the wait to the server's input watcher ({@link #waitWithoutThread}), which runs this connection when
     * input comes: {@link #run()} then resumes. The streams go for the wait, the read buffer back to the pool (the
     * input holds no byte now: a request in a buffer is served before any wait), so that an idle connection holds
     * little; the thread that resumes makes them again.
     */
    private boolean watchInput() {
        WireInput waitingInput = input;
        WireOutput waitingOutput = output;
        waitingInput.releaseIfEmpty();
        input = null;
        output = null;
        resumeOnRun = true;
        if (waitWithoutThread(this)) {
            return true;
        }
        resumeOnRun = false;
        input = waitingInput;
        output = waitingOutput;
        return false;
    }

    /**
     * Whether the next request is here already, for the two waits whose length says nothing of a burst yet: then
     * this thread reads it rather than the watcher's next. Before the first request it mostly is, by the time the
     * connection's thread runs (after a TLS handshake, in the same flight as the Finished message). Before the
     * second, if the client sent it at once. A poll, not a wait with a timeout: a timed read needs the channel's
     * socket view, which the channel then keeps for good, 80 bytes that every idle connection would hold.
     */
    private boolean requestArrived() throws IOException {
        return lastWaitNanos == Long.MAX_VALUE && transport.pollInput() != IdleInput.EMPTY;
    }

    private boolean startThread(Runnable task) {
        try {
            context.startThread(task);
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(WARNING, "[c" + id() + "] could not start a thread; the connection goes on in this one", e);
            return false;
        }
    }

    /** Sets up the streams, and tells the listener the first time. */
    private void open() {
        announceOpened();
        input = WireInput.of(transport.input(), context.buffers());
        output = WireOutput.of(transport.output(), context.buffers());
    }

    @Override
    void releaseBuffers() {
        if (input != null) {
            input.release();
            output.release();
        }
    }

    /**
     * Waits, idle, for the first byte of the next request; the sweeper enforces the idle timeout. A connection in
     * a burst of requests (its last one came within 50 ms) waits here in one untimed read holding its read buffer,
     * so it reads each request at once (first, on a carrier that other connections crowd, it lets them go ahead,
     * and alone on its carrier it polls briefly: {@link NextInput#beforeWaiting}); the registry lets at most
     * {@code maxPooledBuffers} connections do that, which bounds the memory idle connections hold. Any other
     * wait goes to the input watcher, unless the request is here already ({@link #requestArrived()}),
     * and holds no buffer: one byte is read into a one-byte array and the request goes on in a pooled buffer, at
     * the price of a second read.
     *
     * @param keepBuffer whether to wait holding the read buffer, as the registry allowed
     * @param nowNanos the {@link System#nanoTime()} read as the last exchange ended (or the connection opened)
     * @return null when a request is arriving, {@link #HANDED_OFF} when the watcher took the wait (this thread
     *     must then leave the connection alone), else why the connection must close
     */
    private String awaitRequest(boolean keepBuffer, long nowNanos) throws IOException {
        boolean arrived;
        try {
            String stopping = startIdleWait(nowNanos);
            if (stopping != null) {
                return stopping;
            }
            if (keepBuffer) {
                NextInput.beforeWaiting(transport, nowNanos);
                arrived = input.fill();
            } else if (!requestArrived() && watchInput()) {
                return HANDED_OFF;
            } else {
                // A read ended by evict() or abort() throws; failureReason() then reports why it was ended.
                arrived = input.awaitData();
            }
        } finally {
            if (keepBuffer) {
                context.registry().bufferKeptWhileIdleReturned();
            }
        }
        return endIdleWait(arrived);
    }

    /**
     * Marks the connection idle, so the registry may evict it, and arms the idle timeout.
     *
     * @return null, or why the connection must close instead of waiting
     */
    private String startIdleWait(long nowNanos) {
        if (!enterIdle(nowNanos)) {
            return "server stopping";
        }
        transport.readDeadline(idleSinceNanos() + context.config().idleTimeout().toNanos());
        // A request that arrives while the heap is nearly full is answered 503 (serveRequest): the wait for it must
        // not end in a refused read, which closed the connection without a word. Reads shed again from its head on.
        transport.shedUnderHeapPressure(false);
        return null;
    }

    @Override
    long headSinceNanos() {
        return headSinceNanos;
    }

    /** Marks a request body begun, for {@link #slowBodySinceNanos}; until the exchange ends. */
    void bodyBegan() {
        bytesReadAtBodyStart = transport.bytesRead();
        bodySinceNanos = transport.clockNanos() | 1;
    }

    /**
     * Waiting in a read for the body's next bytes, not computing (which keeps the client from sending), and they came
     * slower than {@link SlowClients} allows.
     */
    @Override
    long slowBodySinceNanos(long nowNanos) {
        long since = bodySinceNanos;
        if (since == 0 || isTimedOut() || !transport.isReadBlocked()) {
            return 0;
        }
        return SlowClients.slowBodySince(since, transport.bytesRead() - bytesReadAtBodyStart, nowNanos);
    }

    /**
     * A keep-alive connection between requests, at once; a new one only once it has waited {@link #FRESH_GRACE_NANOS}
     * for its first request: its client has just connected to send one, which an eviction would cut off with nothing
     * in answer (curl's "Empty reply from server": 11 of 200 new connections under a churn at maxConnections), where a
     * client whose idle keep-alive connection is closed sends again on a new one (RFC 9112 §9.3.1). A new connection
     * that sends nothing within the grace is evicted as any idle one, so that such connections cannot keep the server
     * full past it.
     */
    @Override
    boolean mayBeEvicted(long nowNanos) {
        return !firstWait || nowNanos - idleSinceNanos() >= FRESH_GRACE_NANOS;
    }

    /**
     * Marks the connection busy after an idle wait. A wait that the idle timeout ended closes the connection without
     * a response, as nginx, HAProxy, Go and Jetty close it: no request had begun, so there is nothing to answer, and a
     * 408 sent unasked can cross the client's next request on the wire and be read as its answer, where a close
     * without one is what a client retries on a new connection (RFC 9112 §9.3.1, §9.5).
     *
     * @param arrived whether bytes arrived (false: the input ended)
     * @return null when a request is arriving, else why the connection must close
     */
    private String endIdleWait(boolean arrived) {
        waitEndedNanos = transport.clockNanos();
        if (firstWait) {
            lastWaitNanos = Long.MAX_VALUE;
            firstWait = false; // once: a volatile write each request would fence each request
        } else {
            lastWaitNanos = waitEndedNanos - idleSinceNanos();
        }
        String closedMeanwhile = leaveIdle();
        if (closedMeanwhile != null) {
            return closedMeanwhile;
        }
        if (isTimedOut()) {
            return "idle timeout"; // also for a byte that came as the deadline passed: a request that crossed the close
        }
        return arrived ? null : "peer closed";
    }

    /**
     * Reads one request head and runs its exchange.
     *
     * @param nowNanos the {@link System#nanoTime()} read as the wait for the request ended (or the last exchange,
     *     when the request was buffered already): the header timeout counts from it
     * @return null if the connection may carry another request, else why it must close
     */
    private String serveRequest(long nowNanos) throws IOException {
        transport.readDeadline(nowNanos + context.config().headerTimeout().toNanos());
        transport.shedUnderHeapPressure(context.config().shedLoadUnderHeapPressure());
        headSinceNanos = nowNanos; // a dripped HTTP/2 preface too, until it is told from a request line
        if (firstRequest) {
            firstRequest = false;
            if (http1.http2() != null && startsWithHttp2Preface()) {
                headSinceNanos = 0; // the rest of the preface is the new connection's head
                switchedTo = http1.http2().openWithPriorKnowledge(this, input);
                return SWITCHED;
            }
        }
        Http1RequestLine line = null;
        RequestHead head;
        boolean headRequest = false;
        try {
            headRequest = startsWith(HEAD_METHOD);
            if (context.shedsLoad()) {
                return shedRequest(headRequest, nowNanos);
            }
            line = http1.requestReader().readRequestLine(input);
            head = http1.requestReader().readHead(input, line);
        } catch (HttpProtocolException e) {
            int sent = Http1ErrorResponses.send(output, e.status(), e.getMessage(), headRequest, context.counters());
            refused(line, e.status(), sent, nowNanos);
            LingeringClose.linger(this);
            return "bad request: " + e.getMessage();
        } catch (LoadShedException e) {
            return shedRequest(headRequest, nowNanos);
        } catch (EOFException e) {
            if (isShed()) {
                return shedRequest(headRequest, nowNanos);
            }
            if (isTimedOut()) {
                int sent = Http1ErrorResponses.send(output, Status.REQUEST_TIMEOUT, "request head not received in time",
                        headRequest, context.counters());
                refused(line, Status.REQUEST_TIMEOUT, sent, nowNanos);
                return "header timeout";
            }
            return "peer closed mid-request";
        } finally {
            headSinceNanos = 0;
        }
        transport.perReadTimeout(context.config().readTimeout().toNanos());
        Http1Exchange exchange = new Http1Exchange(context, this);
        boolean carriesOn;
        try {
            carriesOn = exchange.run(head);
        } finally {
            bodySinceNanos = 0;
        }
        if (!carriesOn) {
            if (exchange.switchedTo() != null) {
                switchedTo = exchange.switchedTo();
                return SWITCHED;
            }
            String forced = forcedCloseReason();
            String reason = forced != null ? forced : isTimedOut() ? "body read timeout" : "exchange asked to close";
            if (forced == null && exchange.hasUnreadBody()) {
                LingeringClose.linger(this);
            }
            return reason;
        }
        return isDraining() ? "server stopping" : null;
    }

    /**
     * Refuses a request with 503 while the server sheds load, the heap nearly full: one that begins, one whose head's
     * next bytes the transport refused to read ({@link LoadShedException}), or one whose head the sweeper ended for
     * want of progress. The connection closes, and with it what it holds.
     */
    private String shedRequest(boolean headRequest, long nowNanos) throws IOException {
        int sent = Http1ErrorResponses.send(output, Status.SERVICE_UNAVAILABLE, HeapPressure.REFUSAL, headRequest,
                context.counters());
        refused(null, Status.SERVICE_UNAVAILABLE, sent, nowNanos);
        return "load shed: the heap is nearly full";
    }

    /**
     * Tells the filters of a request refused before it could reach them: its request line as read, or what arrived of
     * one the reader refused (still in the input, which the refusal's answer leaves as it is).
     *
     * @param line the request line, or null if the reader refused it
     */
    private void refused(Http1RequestLine line, Status status, int contentBytes, long startNanos) {
        tellRefused(http1.service(), () -> line != null ? line.toString() : http1.requestReader().receivedLine(input),
                Headers.empty(), status, contentBytes, startNanos);
    }

    /**
     * Whether the client speaks HTTP/2 with prior knowledge (RFC 9113 §3.3): its first bytes begin the connection
     * preface, whose method {@code PRI} is reserved for it and never starts an HTTP/1.1 request (§11.6). The
     * HTTP/2 connection reads the rest of the preface and refuses what differs.
     */
    private boolean startsWithHttp2Preface() throws IOException {
        return startsWith(PREFACE_START);
    }

    /**
     * Whether the input starts with these bytes, reading only as far as it takes to tell: a first byte that differs
     * answers at once. The request's method is so known before its head is read, for "HEAD ": a refusal of a head
     * the reader fails on then sends no content (RFC 9110 §9.3.2).
     */
    private boolean startsWith(byte[] prefix) throws IOException {
        for (int i = 0; i < prefix.length; i++) {
            while (input.limit() - input.position() <= i) {
                if (input.limit() - input.position() > 0 && input.buffer()[input.position()] != prefix[0]) {
                    return false;
                }
                if (!input.fill()) {
                    return false;
                }
            }
            if (input.buffer()[input.position() + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    Http1Connections http1() {
        return http1;
    }

    WireInput input() {
        return input;
    }

    WireOutput output() {
        return output;
    }

    /** How many bytes went to the socket so far; those still in the output buffer do not count. */
    long bytesWritten() {
        return transport.bytesWritten();
    }

    /** Whether the request stream has ended: the peer closed its side, or the input was shut. */
    boolean hasInputEnded() {
        return transport.hasInputEnded();
    }
}
