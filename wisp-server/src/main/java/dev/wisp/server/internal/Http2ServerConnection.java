package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.SharedBudget;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.http2.ConnectionException;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.Frame;
import dev.wisp.http2.FrameRateLimit;
import dev.wisp.http2.FrameReader;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.GoAwayFrame;
import dev.wisp.http2.HeadersFrame;
import dev.wisp.http2.LastWrites;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.PriorityFrame;
import dev.wisp.http2.PushPromiseFrame;
import dev.wisp.http2.ReceiveFlow;
import dev.wisp.http2.RequestFields;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.StreamException;
import dev.wisp.http2.UnknownFrame;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.http2.hpack.HpackDecoder;
import dev.wisp.http2.hpack.HpackException;
import dev.wisp.http2.hpack.HpackField;
import dev.wisp.server.ConnectionProtocol;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.transport.IdleInput;
import dev.wisp.transport.InputWatcher;
import dev.wisp.transport.NextInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/2 connection (RFC 9113), server side. Its thread reads frames one after another and keeps the state of
 * every stream (§5.1); each request runs on a virtual thread of its own ({@link Http2Exchange}), and every frame
 * goes out through one {@link Http2Output}. The rules a frame's bytes break are the {@link FrameReader}'s to find;
 * this class finds those of state: which streams may open, what may arrive on each, flow control, settings.
 *
 * <p>Defences, each ending the connection with GOAWAY ENHANCE_YOUR_CALM when crossed: open streams are bounded by
 * {@code maxConcurrentStreams} as RFC 9113 §5.1.2 counts them, and running handlers apart, by the same number (an
 * exchange over it waits for a place), so a client that opens and resets streams at once (CVE-2023-44487) cannot run
 * more handlers than that, nor have more than twice as many streams tracked; the resets it sends, with the streams
 * refused or reset for breaking rules, are bounded in rate ({@link #resets}); frames that cost work and carry no
 * request (PING, SETTINGS, PRIORITY, empty DATA, unknown types) are bounded in rate too ({@link #idleFrames}); a
 * header block is bounded by the reader before it is decoded (CONTINUATION floods), and its decoded size by HPACK,
 * which drops the fields past {@code maxHeaderBytes} as it reads (HPACK bombs): such a request gets 431 and the
 * connection goes on. Request content held unread is bounded by the flow-control windows, which come back only as
 * handlers read.
 *
 * <p>Timeouts: the preface and the client's SETTINGS within {@code headerTimeout}; a connection without streams
 * closes after {@code idleTimeout} with GOAWAY; our SETTINGS must be acknowledged within {@code headerTimeout}
 * (SETTINGS_TIMEOUT); a frame, a header block with its CONTINUATION frames, must arrive whole within
 * {@code headerTimeout} from its first byte, as an HTTP/1.1 head must, a DATA frame within {@code readTimeout}
 * (GOAWAY PROTOCOL_ERROR). Both are
 * {@link Http2HeaderTimeout}'s.
 *
 * <p>Threads: the reading thread runs {@link #run()}; exchange threads call {@link #consumed} and
 * {@link #exchangeEnded}; the sweeper calls {@link #sweep}.
 *
 * <p>Over 500 lines: each frame type's handling is one state machine over the streams, kept in one place; what stands
 * apart has a class of its own ({@link Http2HandlerPlaces}, {@link RecentStreamIds}, {@link Http2RequestLimits},
 * {@link Http2HeaderTimeout}).
 */
final class Http2ServerConnection extends ServerConnection {
    private static final System.Logger LOG = System.getLogger(Http2ServerConnection.class.getName());
    /** Streams remembered as reset by us (late frames are dropped) and as closed (HEADERS on one is an error). */
    private static final int REMEMBERED_STREAMS = 64;
    /** A stream that ended this soon before the connection had nothing to do marks a burst: see waitsWithoutThread. */
    private static final long BURST_WAIT_NANOS = 50_000_000;
    /**
     * How long an aborted connection waits for its interrupted handlers to return before it ends anyway: as long as
     * a stop waits for the connections it aborted.
     */
    private static final long ABORTED_HANDLERS_WAIT_NANOS = 60_000_000_000L;
    /** What {@link #serve()} returns when the input watcher took the wait, or an eviction's close: not a reason. */
    private static final String HANDED_OFF = "waiting without a thread";

    private final Http2Connections http2;
    /** The configuration's timeouts a record begun in an idle wait has, read once rather than at every frame. */
    private final long headerTimeoutNanos;
    private final long readTimeoutNanos;
    private WireInput input;
    private Http2Output output;
    private FrameReader reader;
    private final HpackDecoder decoder;
    /** Flow control of what the client sends; made with the output. */
    private ReceiveFlow receiveFlow;
    /** This connection's part of the server's budget for request content held unread. */
    private final SharedBudget.Ledger heldContent;
    /** This connection's part of the server's places for running streams ({@code maxActiveStreams}). */
    private final SharedBudget.Ledger streamPlaces;
    private final Map<Integer, Http2ServerStream> streams = new ConcurrentHashMap<>();
    /** Guards the changes of {@link #activeStreams} and the idle state; the count is read without it. */
    private final ReentrantLock streamsLock = new ReentrantLock();
    private volatile int activeStreams;
    private final Http2HandlerPlaces handlerPlaces;
    private final RecentStreamIds recentResets = new RecentStreamIds(REMEMBERED_STREAMS);
    private final RecentStreamIds recentCloses = new RecentStreamIds(REMEMBERED_STREAMS);
    private Settings peerSettings = Settings.DEFAULT;
    /**
     * The highest stream the client opened; written by the reading thread. Volatile, with {@link #goingAway}: a
     * GOAWAY sent from another thread then names every stream the reading thread went on to serve.
     */
    private volatile int lastStreamId;
    private FrameRateLimit resets;
    private FrameRateLimit idleFrames;
    private final Http2HeaderTimeout headerTimeout = new Http2HeaderTimeout();
    /** Set once a GOAWAY went out: no stream opens after it, and the connection closes when the last one ends. */
    private volatile boolean goingAway;
    private volatile String goAwayReason;
    /** Our GOAWAY was written (a half-close before it would lose it), or the client's came. */
    private volatile boolean goAwayExchanged;
    /** Whether a wait of the input watcher ended with the end of the input; reading thread only. */
    private boolean watchSawEnd;
    /**
     * The highest stream that began (left the idle state, {@link #streamStarted}), 0 before the first: what an idle
     * connection's GOAWAY names, and whether the connection is no longer new. Written under the streams lock before
     * the connection turns idle, and read by an eviction, which sees the idle state, so after it.
     */
    private int lastBegunStreamId;
    /** When the last stream ended ({@link System#nanoTime()}). */
    private volatile long lastStreamEndedNanos = System.nanoTime() - BURST_WAIT_NANOS;
    /** When the last wait for a frame began, and how long it lasted; reading thread only. */
    private long waitStartedNanos;
    private long lastWaitNanos = Long.MAX_VALUE;

    Http2ServerConnection(ServerConnection previous, Http2Connections http2, TlsSessionInfo session,
            WireInput input) {
        super(previous, session);
        this.http2 = http2;
        this.input = input;
        int maxHeaderBytes = context.config().maxHeaderBytes();
        this.decoder = new HpackDecoder(maxHeaderBytes, maxHeaderBytes);
        this.handlerPlaces = new Http2HandlerPlaces(http2.settings().maxConcurrentStreams());
        this.heldContent = context.heldContent().ledger();
        this.streamPlaces = context.streams().ledger();
        this.headerTimeoutNanos = context.config().headerTimeout().toNanos();
        this.readTimeoutNanos = context.config().readTimeout().toNanos();
        // What clients make HTTP/2 hold is bounded by the windows and the server's held content budget, and a read
        // refused would end every stream of the connection, uploads under way too: reads go on while the heap is
        // nearly full, and only an idle connection is shed (mayBeShed).
        transport.shedUnderHeapPressure(false);
    }

    @Override
    ConnectionProtocol protocol() {
        return ConnectionProtocol.HTTP_2;
    }

    /**
     * A connection that has served a stream, at once; a new one only once it has waited {@link #FRESH_GRACE_NANOS}
     * for its first stream after its preface: its client has just connected to send a request, which an eviction's
     * GOAWAY would refuse before it came (curl: "Error in the HTTP2 framing layer", 3 of 900 new connections under a
     * churn at maxConnections), as HTTP/1.1 keeps a new connection for its first request.
     */
    @Override
    boolean mayBeEvicted(long nowNanos) {
        return lastBegunStreamId != 0 || nowNanos - idleSinceNanos() >= FRESH_GRACE_NANOS;
    }

    /** Only while no stream is open: see the constructor. */
    @Override
    boolean mayBeShed() {
        return activeStreams == 0;
    }

    @Override
    int openWebSockets() {
        int open = 0;
        for (Http2ServerStream stream : streams.values()) {
            if (stream.carriesWebSocket()) {
                open++;
            }
        }
        return open;
    }

    Http2Connections http2() {
        return http2;
    }

    Http2Output output() {
        return output;
    }

    @Override
    public void run() {
        onThisThread();
        serveAndEnd(true);
    }

    /**
     * Goes on after the {@link InputWatcher} saw the socket become readable while the connection waited without a
     * reading thread, on a fresh thread: a frame is arriving, the peer closed, the sweeper shut the input at the idle
     * timeout, or another thread closed the connection. TLS records without a frame send the wait back to the watcher.
     */
    private void resume() {
        onThisThread();
        lastWaitNanos = System.nanoTime() - waitStartedNanos;
        try {
            IdleInput arrived = transport.pollInput();
            if (arrived == IdleInput.EMPTY && !isEvicted() && watchInput()) {
                return;
            }
            watchSawEnd |= arrived == IdleInput.ENDED;
        } catch (IOException | RuntimeException | Error e) {
            end(failureReason(e));
            return;
        }
        serveAndEnd(false);
    }

    /** Serves frames until the connection ends or waits without a thread; closes it when it ends. */
    private void serveAndEnd(boolean opening) {
        String reason;
        try {
            if (opening) {
                open();
            }
            reason = serve();
            if (reason == HANDED_OFF) {
                return;
            }
        } catch (ConnectionException e) {
            reason = "HTTP/2 connection error " + e.errorCode() + ": " + e.getMessage();
            goAway(e.errorCode(), e.getMessage(), LastWrites.ENDING);
            LingeringClose.linger(this);
        } catch (IOException | RuntimeException | Error e) {
            reason = failureReason(e);
        }
        end(reason);
    }

    /**
     * Waits for the next frame when none is buffered (and our settings are acknowledged), and says whether the watcher
     * took the wait (this thread must then leave the connection alone). While a handler works and the last wait was
     * short: in one untimed read on this thread, as an HTTP/1.1 burst waits, and bounded in number as those are (by
     * {@code maxPooledBuffers}); through the watcher, one stream at a time per connection cost a third more CPU a
     * request. In a burst of requests (a stream ended within 50 ms): up to 50 ms on this thread, as the next request
     * mostly comes at once. Else, and after that, through the input watcher, so that an idle connection holds no
     * reading thread ({@link #waitWithoutThread}); its deadlines hold meanwhile (the sweeper ends the wait at the idle
     * timeout; a graceful close or a SETTINGS timeout ends the input, which wakes it).
     */
    private boolean waitsWithoutThread() throws IOException {
        if (input.buffered() > 0 || goingAway || !headerTimeout.isSettingsAcknowledged() || watchSawEnd
                || isTimedOut() || headerTimeout.late() != null || forcedCloseReason() != null) {
            return false; // an ended input is read to its end here, which tells why
        }
        waitStartedNanos = System.nanoTime();
        if (activeStreams > 0 && lastWaitNanos < BURST_WAIT_NANOS && context.registry().tryKeepBufferWhileIdle()) {
            try {
                NextInput.beforeWaiting(transport, waitStartedNanos);
                input.fill();
            } finally {
                context.registry().bufferKeptWhileIdleReturned();
            }
        } else if (waitStartedNanos - lastStreamEndedNanos >= BURST_WAIT_NANOS
                || !transport.awaitInput(BURST_WAIT_NANOS)) {
            return watchInput();
        }
        lastWaitNanos = System.nanoTime() - waitStartedNanos;
        return false;
    }

    private boolean watchInput() {
        input.releaseIfEmpty(); // the read buffer goes back to the pool for the wait
        return waitWithoutThread(this::resume);
    }

    /** Sets up the streams, sends our preface and reads the client's. */
    private void open() throws IOException {
        announceOpened();
        long now = System.nanoTime();
        resets = http2.resetLimit(now);
        idleFrames = new FrameRateLimit("frames that carry no request (PING, SETTINGS, PRIORITY, empty DATA,"
                + " WINDOW_UPDATE and RST_STREAM of no open stream)",
                1000, 200, now);
        if (input == null) {
            input = WireInput.of(transport.input(), context.buffers());
        }
        output = new Http2Output(WireOutput.of(transport.output(), context.buffers()),
                context.config().writeTimeout().toNanos());
        receiveFlow = new ReceiveFlow(Http2Connections.CONNECTION_WINDOW_BYTES, output, false);
        Settings ours = http2.settings();
        reader = new FrameReader(input, ours.maxFrameSize(), 2 * context.config().maxHeaderBytes() + 1024);
        transport.readDeadline(now + context.config().headerTimeout().toNanos());
        headerTimeout.settingsSent(now);
        output.writePreface(false, new SettingsFrame(false, ours.differencesFrom(Settings.DEFAULT)),
                new WindowUpdateFrame(0, Http2Connections.CONNECTION_WINDOW_BYTES
                        - Settings.DEFAULT.initialWindowSize()));
        headerTimeout.prefaceBegan(now);
        Frame first;
        try {
            reader.readPreface();
            first = reader.readFrame();
        } catch (EOFException e) {
            Http2HeaderTimeout.Late late = headerTimeout.late(); // ended to make room, or the header timeout
            if (late == null) {
                throw e;
            }
            throw new ConnectionException(late.code, late.reason);
        } finally {
            headerTimeout.prefaceRead();
        }
        if (!(first instanceof SettingsFrame settings) || settings.ack()) {
            throw new ConnectionException(ErrorCode.PROTOCOL_ERROR,
                    "the client's preface must go on with SETTINGS (RFC 9113 §3.4)");
        }
        handle(first, System.nanoTime());
        streamsLock.lock();
        try {
            if (activeStreams == 0) {
                startIdle(System.nanoTime());
            }
        } finally {
            streamsLock.unlock();
        }
    }

    /**
     * Reads and handles frames until the connection ends, or has nothing to do and waits without a thread.
     *
     * @return why it ended, or {@link #HANDED_OFF}
     */
    private String serve() throws IOException {
        while (true) {
            if (isEvicted()) {
                return leaveEvicted();
            }
            if (waitsWithoutThread()) {
                return HANDED_OFF;
            }
            Frame frame;
            try {
                // Over TLS the next record, once begun, comes whole within the header timeout while no stream is
                // open, as a request's first frame must, else within the read timeout, as a DATA frame must: an
                // upload whose records arrive slowly is no slowloris (the header timeout cut such uploads).
                transport.recordTimeout(streams.isEmpty() ? headerTimeoutNanos : readTimeoutNanos);
                frame = headerTimeout.readFrame(input, reader, transport);
                if (isEvicted()) {
                    return leaveEvicted(); // the frame is dropped with the rest
                }
            } catch (StreamException e) {
                if (isIdle(e.streamId()) && reader.lastFrameType() != FrameType.PRIORITY.code()) {
                    // §5.1: a frame other than HEADERS or PRIORITY on an idle stream is a connection error, and
                    // RST_STREAM must not go to an idle stream (§6.4)
                    throw new ConnectionException(e.errorCode(), e.getMessage());
                }
                resetStream(e.streamId(), e.errorCode(), System.nanoTime());
                continue;
            } catch (EOFException e) {
                return isEvicted() ? leaveEvicted() : inputEnded();
            }
            long now = System.nanoTime();
            try {
                handle(frame, now);
            } catch (StreamException e) {
                resetStream(e.streamId(), e.errorCode(), now);
            }
            String closedMeanwhile = forcedCloseReason();
            if (closedMeanwhile != null) {
                return closedMeanwhile;
            }
        }
    }

    /** Why the input ended, with the GOAWAY that belongs to it: a timeout, the end of a graceful close, the peer. */
    private String inputEnded() {
        Http2HeaderTimeout.Late late = headerTimeout.late();
        if (late != null) {
            goAway(late.code, late.reason, LastWrites.ENDING);
            return late.reason;
        }
        if (goAwayReason != null) {
            return goAwayReason;
        }
        if (isTimedOut()) {
            boolean idle = activeStreams == 0;
            goAway(ErrorCode.NO_ERROR, idle ? "idle timeout" : "timeout", LastWrites.ENDING);
            return idle ? "idle timeout" : "preface not received in time";
        }
        String forced = forcedCloseReason();
        return forced != null ? forced : "peer closed";
    }

    private void handle(Frame frame, long now) throws IOException {
        switch (frame) {
            case HeadersFrame headers -> onHeaders(headers, now);
            case DataFrame data -> onData(data, now);
            case SettingsFrame settings -> onSettings(settings, now);
            case WindowUpdateFrame update -> onWindowUpdate(update, now);
            case ResetFrame reset -> onReset(reset, now);
            case PingFrame ping -> {
                idleFrames.take(now); // an acknowledgement too: one nobody asked for is a frame without a request
                if (!ping.ack()) {
                    output.write(new PingFrame(true, ping.payload()));
                }
            }
            case PriorityFrame priority -> idleFrames.take(now); // priorities are advice we do not take (§5.3.2)
            case GoAwayFrame goAway -> onGoAway(goAway);
            case PushPromiseFrame push -> throw new ConnectionException(ErrorCode.PROTOCOL_ERROR,
                    "a client cannot push (RFC 9113 §8.4)");
            case UnknownFrame unknown -> idleFrames.take(now);
            default -> throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, "unexpected " + frame);
        }
    }

    private void onHeaders(HeadersFrame frame, long now) throws IOException {
        int id = frame.streamId();
        // The block changes the decoder's table whatever becomes of the stream, so it is decoded first.
        HpackException tooLarge = null;
        List<HpackField> fields;
        try {
            fields = decoder.decode(frame.headerBlock());
        } catch (HpackException e) {
            if (!e.isPastLimit()) {
                throw new ConnectionException(ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
            tooLarge = e; // read whole: the decoder goes on, and only this message is refused
            fields = List.of();
        }
        if (frame.priority().isPresent() && frame.priority().get().streamDependency() == id) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id, "stream " + id + " depends on itself");
        }
        Http2ServerStream stream = streams.get(id);
        if (stream != null && isResetHere(stream)) {
            return; // trailers sent before the client saw our reset (§5.4.2)
        }
        if (stream != null) {
            if (tooLarge != null) {
                throw new StreamException(ErrorCode.ENHANCE_YOUR_CALM, id, "trailers on stream " + id + ": "
                        + tooLarge.getMessage());
            }
            stream.receiveTrailerBlock(frame.endStream(), fields);
            closeIfLingering(stream);
            return;
        }
        if ((id & 1) == 0) {
            throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, "a client's stream has an odd number: " + id);
        }
        if (id <= lastStreamId) {
            if (recentResets.contains(id)) {
                return;
            }
            if (recentCloses.contains(id)) {
                throw new ConnectionException(ErrorCode.STREAM_CLOSED, "HEADERS on stream " + id + ", which is closed");
            }
            throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, "HEADERS opening stream " + id
                    + ", numbered below stream " + lastStreamId + " opened before it (RFC 9113 §5.1.1)");
        }
        lastStreamId = id;
        if (goingAway) {
            return; // opened after our GOAWAY: ignored, the client retries it elsewhere (§6.8)
        }
        long limit = http2.settings().maxConcurrentStreams();
        // The limit counts open streams (§5.1.2); handlers still returning from closed ones are bounded apart, at
        // twice the limit, so that streams opened and reset at once never run more (CVE-2023-44487).
        if (openStreams() >= limit || activeStreams >= 2 * limit) {
            resets.take(now);
            refuseStream(id);
            return;
        }
        if (context.shedsLoad()) {
            // The heap is nearly full: refused as HTTP/1.1 answers 503, not counted against the client's resets.
            refuseStream(id);
            return;
        }
        if (tooLarge != null) {
            refuse(id, frame.endStream(), Status.REQUEST_HEADER_FIELDS_TOO_LARGE, tooLarge.getMessage(), now, null);
            return;
        }
        RequestHead head;
        try {
            head = RequestFields.decode(fields, id, http2.settings().enableConnectProtocol());
        } catch (StreamException e) {
            LOG.log(DEBUG, () -> "[c" + id() + "] malformed request: " + e.getMessage());
            throw e;
        }
        HttpProtocolException pastLimit = Http2RequestLimits.pastLimit(context.config(), head, fields);
        if (pastLimit != null) {
            refuse(id, frame.endStream(), pastLimit.status(), pastLimit.getMessage(), now, head);
            return;
        }
        long declaredLength = Http2RequestLimits.declaredLength(head, id);
        if (frame.endStream() && declaredLength > 0) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id, "request on stream " + id
                    + " ended with its head, where Content-Length said " + declaredLength);
        }
        if (!streamPlaces.take(1)) {
            // The server runs as many streams as its heap allows (maxActiveStreams), whatever each connection may.
            // Not counted against the client's resets: it kept to the limit it was told, and is refused as a
            // busy server refuses, no more than a request answered 503 costs. Streams whose clients are slow (a
            // body slower than a trickle, a window kept nearly shut) end, so that their places come back.
            context.registry().endSlowStreams(now);
            refuseStream(id);
            return;
        }
        stream = output.acceptStream(id, (streamId, sendWindow) -> {
            Http2ServerStream made = new Http2ServerStream(streamId, declaredLength,
                    Http2Connections.STREAM_WINDOW_BYTES, sendWindow, frame.endStream(), now);
            made.chargeTo(heldContent);
            streams.put(streamId, made);
            return made;
        });
        if (!streamStarted(id)) {
            streamPlaces.giveBack(1);
            streams.remove(id);
            if (isEvicted()) {
                output.reset(id, ErrorCode.REFUSED_STREAM); // not processed (§8.7), though the GOAWAY will name it
            }
            return;
        }
        runOrQueue(new Http2Exchange(context, this, stream, head, RequestFields.extendedConnectProtocol(fields)));
    }

    /**
     * Refuses a new stream before any work on it: REFUSED_STREAM tells the client that it may send the request again
     * (RFC 9113 §8.7).
     */
    private void refuseStream(int id) throws IOException {
        recentResets.remember(id);
        output.reset(id, ErrorCode.REFUSED_STREAM);
    }

    /** Runs a stream's exchange on a thread of its own, or queues it while the handlers' places are taken. */
    private void runOrQueue(Http2Exchange exchange) {
        if (handlerPlaces.takeOrQueue(exchange)) {
            start(exchange);
        }
    }

    private void start(Http2Exchange exchange) {
        try {
            context.startThread(exchange);
        } catch (RuntimeException | OutOfMemoryError e) {
            output.reset(exchange.stream(), ErrorCode.REFUSED_STREAM);
            exchangeEnded(exchange.stream());
        }
    }

    /** Frees a handler's place, and gives it to the next waiting exchange whose stream was not reset meanwhile. */
    private void handlerReturned() {
        handlerPlaces.release();
        for (Http2Exchange next; (next = handlerPlaces.next()) != null; ) {
            if (!next.stream().isReset()) {
                start(next);
                return;
            }
            endStream(next.stream()); // reset while it waited: its handler never runs
        }
    }

    /**
     * Answers a request past a limit with its status (see {@link Http2RequestLimits#answer}); counted as a reset,
     * and told to the filters.
     *
     * @param head the request's head, or null if its header block could not be read
     */
    private void refuse(int id, boolean requestEnded, Status status, String why, long now, RequestHead head)
            throws IOException {
        LOG.log(DEBUG, () -> "[c" + id() + "] " + status.code() + " on stream " + id + ": " + why);
        resets.take(now);
        recentResets.remember(id);
        Http2RequestLimits.answer(output, id, requestEnded, status);
        context.counters().responded(status.code());
        tellRefused(http2.service(), () -> head == null ? ""
                : Http2RequestLimits.requestLine(head, context.config().maxRequestLineBytes()),
                head == null ? Headers.empty() : head.headers(), status, 0, now);
    }

    private void onData(DataFrame frame, long now) throws IOException {
        int id = frame.streamId();
        if (isIdle(id)) {
            throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, "DATA on stream " + id + ", which is idle");
        }
        receiveFlow.charge(frame);
        if (frame.data().length == 0 && !frame.endStream()) {
            idleFrames.take(now);
        }
        Http2ServerStream stream = streams.get(id);
        if (stream == null || stream.isRemoteEnded()) {
            receiveFlow.giveBack(null, frame.flowControlledLength());
            if (stream == null ? recentResets.contains(id) : isResetHere(stream)) {
                return; // sent before the client saw our reset (§5.4.2)
            }
            if (stream == null ? recentCloses.contains(id) : stream.isLocalEnded()) {
                // After the client's END_STREAM on a stream closed both ways: a connection error (§5.1, "closed").
                throw new ConnectionException(ErrorCode.STREAM_CLOSED, "DATA on stream " + id + ", which is closed");
            }
            throw new StreamException(ErrorCode.STREAM_CLOSED, id, "DATA on stream " + id + " after its request ended");
        }
        if (!receiveFlow.deliver(stream, frame)) {
            closeIfLingering(stream); // dropped: the handler is done, or the stream was reset
        }
    }

    private void onSettings(SettingsFrame frame, long now) throws IOException {
        idleFrames.take(now); // an acknowledgement too: ours is asked for once per SETTINGS we send
        if (frame.ack()) {
            headerTimeout.settingsAcknowledged();
            return;
        }
        Settings previous = peerSettings;
        peerSettings = previous.apply(frame);
        output.applyPeerSettings(previous, peerSettings, streams.values());
    }

    private void onWindowUpdate(WindowUpdateFrame frame, long now) throws IOException {
        int id = frame.streamId();
        if (id == 0) {
            if (streams.isEmpty()) {
                idleFrames.take(now); // credit for no stream at all: work for nothing (a client with a small window
                                      // sends many while it reads, so only these are counted)
            }
            output.expandConnection(frame.increment());
            return;
        }
        if (isIdle(id)) {
            throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on stream " + id
                    + ", which is idle");
        }
        Http2ServerStream stream = streams.get(id);
        if (stream != null) {
            output.expandStream(stream, frame.increment());
        } else {
            idleFrames.take(now); // credit for a stream that is closed: allowed (§6.9), and worth nothing
        }
    }

    private void onReset(ResetFrame frame, long now) throws IOException {
        int id = frame.streamId();
        if (isIdle(id)) {
            throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on stream " + id
                    + ", which is idle");
        }
        Http2ServerStream stream = streams.get(id);
        if (stream != null && !stream.isReset()) {
            resets.take(now);
            output.resetByPeer(stream, frame.errorCode());
            receiveFlow.dropBuffered(stream);
            closeIfLingering(stream);
        } else {
            idleFrames.take(now); // a reset of a stream that is closed (§6.4 allows it) changes nothing
        }
    }

    private void onGoAway(GoAwayFrame frame) {
        LOG.log(DEBUG, () -> "[c" + id() + "] client sent GOAWAY " + frame.errorCode());
        goingAway = true;
        goAwayReason = "client went away: " + frame.errorCode();
        goAwayExchanged = true;
        closeIfNoStreams();
    }

    /** Resets a stream for a rule its frames broke, and counts it against {@link #resets}. */
    private void resetStream(int id, ErrorCode code, long now) throws IOException {
        resets.take(now);
        recentResets.remember(id);
        Http2ServerStream stream = streams.get(id);
        if (stream != null) {
            receiveFlow.dropBuffered(stream);
        }
        if (stream == null || !output.reset(stream, code)) {
            output.reset(id, code); // a frame on a stream that ended or was reset still gets its answer
        }
        if (stream != null) {
            closeIfLingering(stream);
        }
    }

    /** Gives flow-control credit back for request content a handler read; on its thread. */
    void consumed(Http2ServerStream stream, int bytes) throws IOException {
        receiveFlow.giveBack(stream, bytes);
    }

    /**
     * Ends a stream's exchange, on its thread: a response the handler left unfinished is reset, what it left
     * unread goes back as credit, and its place among the concurrent streams frees. A request still arriving after
     * a complete response is read and dropped until it ends, for {@code lingerTimeout} at most, then cut off with
     * RST_STREAM NO_ERROR (§8.1); meanwhile the stream still counts, as a half-closed one does (§5.1.2). One whose
     * body was ended for coming too slowly is cut off at once.
     */
    void exchangeEnded(Http2ServerStream stream) {
        try {
            endStream(stream);
        } finally {
            handlerReturned();
        }
    }

    /** What {@link #exchangeEnded} does for the stream, also for one whose handler never ran. */
    private void endStream(Http2ServerStream stream) {
        try {
            if (!stream.isReset() && !stream.isLocalEnded()) {
                output.reset(stream, ErrorCode.INTERNAL_ERROR);
            } else if (stream.isSlowBodyEnded()) {
                // Ended to make room: the rest of the request, coming as slowly, is not waited for (§8.1).
                output.reset(stream, ErrorCode.NO_ERROR);
            }
            int unread = stream.isRemoteEnded() ? stream.discardBuffered()
                    : stream.lingerUntil(System.nanoTime() + context.config().lingerTimeout().toNanos());
            receiveFlow.giveBack(stream, unread);
            if (!stream.isRemoteEnded()) {
                return; // the reading thread or the sweeper closes it
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(DEBUG, () -> "[c" + id() + "] ending stream " + stream.id() + " failed: " + e);
        }
        closeStream(stream);
    }

    /**
     * Whether this side reset the stream: what the client sent before it saw the reset is dropped (RFC 9113 §5.4.2,
     * §6.4), where a frame after a close both ways, or after its own reset, is an error.
     */
    private static boolean isResetHere(Http2ServerStream stream) {
        return stream.isReset() && !stream.isResetByPeer();
    }

    /** Forgets a stream whose exchange and request both ended, and frees its place; once per stream. */
    private void closeStream(Http2ServerStream stream) {
        if (stream.close()) {
            (isResetHere(stream) ? recentResets : recentCloses).remember(stream.id());
            streams.remove(stream.id());
            streamEnded();
        }
    }

    /** Whether a stream is idle (§5.1): above every stream the client opened, or even (only a server opens those). */
    private boolean isIdle(int id) {
        return id > lastStreamId || (id & 1) == 0;
    }

    /** How many streams are open or half-closed, as SETTINGS_MAX_CONCURRENT_STREAMS counts them (§5.1.2). */
    private int openStreams() {
        int open = 0;
        for (Http2ServerStream stream : streams.values()) {
            open += stream.isClosed() ? 0 : 1;
        }
        return open;
    }

    /** Closes a stream that was lingering once its request ended or it was reset. */
    private void closeIfLingering(Http2ServerStream stream) {
        if (stream.isLingering() && stream.isRemoteEnded()) {
            closeStream(stream);
        }
    }

    /** Counts a new stream and leaves the idle state it may be in; false if another thread closed the connection. */
    private boolean streamStarted(int id) {
        streamsLock.lock();
        try {
            if (activeStreams++ == 0) {
                transport.readDeadline(0);
                if ((isIdle() || isEvicted()) && leaveIdle() != null) {
                    activeStreams--;
                    return false;
                }
            }
            // Once out of idle: an eviction's GOAWAY must not name a stream it kept from beginning.
            lastBegunStreamId = id;
            return true;
        } finally {
            streamsLock.unlock();
        }
    }

    private void streamEnded() {
        lastStreamEndedNanos = System.nanoTime();
        streamPlaces.giveBack(1);
        streamsLock.lock();
        try {
            if (--activeStreams == 0) {
                if (goingAway) {
                    closeIfNoStreams();
                } else {
                    startIdle(System.nanoTime());
                }
            }
        } finally {
            streamsLock.unlock();
        }
    }

    /** Marks the connection idle, so the registry may evict it, and arms the idle timeout; under the streams lock. */
    private void startIdle(long nowNanos) {
        // First: once idle, an eviction may set its own deadline (the linger's) from another thread.
        transport.readDeadline(nowNanos + context.config().idleTimeout().toNanos());
        if (!enterIdle(nowNanos)) {
            drainBusy(); // the server is stopping
        }
    }

    /**
     * After the GOAWAY and the last stream: half-closes and waits, up to {@code lingerTimeout}, for the client to
     * close: closing at once would leave its last frames unread here, and the kernel's reset for them could destroy
     * responses it has yet to read.
     */
    private void closeIfNoStreams() {
        if (goAwayExchanged && activeStreams == 0) {
            LingeringClose.halfClose(this);
        }
    }

    /** Sends GOAWAY naming the last stream the client opened; see {@link LastWrites} for the patience. */
    private void goAway(ErrorCode code, String debug, long patienceNanos) {
        goAway(lastStreamId, code, debug, patienceNanos);
    }

    /** Sends GOAWAY naming this stream as the last that may have been processed (§6.8). */
    private void goAway(int lastNamed, ErrorCode code, String debug, long patienceNanos) {
        goingAway = true;
        if (output != null) {
            LastWrites.goAway(output, transport, lastNamed, code, debug, patienceNanos);
        }
        goAwayExchanged = true;
    }

    /** Evicted, its GOAWAY on its way ({@link ServerConnection#evict}): reads no frame more; lingers till the end. */
    private String leaveEvicted() {
        input.release();
        lingerEvicted();
        return HANDED_OFF;
    }

    /** Fails every stream still open, so their handlers stop, and closes. */
    private void end(String reason) {
        if (output != null) {
            LastWrites.end(output, transport, reason);
        }
        for (Http2ServerStream stream : streams.values()) {
            stream.connectionEnded();
        }
        if (isAborted() && !handlerPlaces.awaitNoneRunning(ABORTED_HANDLERS_WAIT_NANOS)) {
            LOG.log(WARNING, "[c" + id() + "] handlers still running " + ABORTED_HANDLERS_WAIT_NANOS / 1_000_000_000
                    + " s after the connection was closed (" + reason + ")");
        }
        close(reason);
    }

    /**
     * Interrupts the handlers of the streams: the connection is closed whatever it does (a stop's grace ended), and a
     * handler that waits for something else (a lock, a sleep, a slow call) would outlive it, as an HTTP/1.1 one
     * would not. The connection then ends once they returned ({@link #end}), so that a stop returns after them.
     */
    @Override
    void interruptHandlers() {
        for (Http2ServerStream stream : streams.values()) {
            stream.interruptHandler();
        }
    }

    @Override
    boolean closesIdleGracefully() {
        return true;
    }

    /** The server stops: GOAWAY, 1001 to WebSockets, the close after the last stream; on a thread of its own. */
    @Override
    void drainBusy() {
        if (goingAway || isEvicted()) {
            return; // an evicted connection takes its leave already
        }
        goingAway = true;
        goAwayReason = "server stopping";
        try {
            context.startThread(() -> {
                goAway(ErrorCode.NO_ERROR, null, LastWrites.GRACEFUL);
                streams.values().forEach(Http2ServerStream::serverStopping);
                closeIfNoStreams();
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            abort("server stopping");
        }
    }

    /**
     * Evicted: GOAWAY naming the last stream that began (those after it may go again, §6.8): a stream whose HEADERS
     * were read as the eviction took the idle connection never begins, and is the client's to send again.
     */
    @Override
    void sayLeaving() {
        goAway(lastBegunStreamId, ErrorCode.NO_ERROR, null, LastWrites.ENDING);
    }

    /**
     * An idle connection evicted at once, when no more may linger, says so with GOAWAY first (§6.8), naming the last
     * stream that began: one read as it closed was left unanswered and unreset, though the GOAWAY named it (an outside
     * probe: 4 of about 58,000 connections).
     */
    @Override
    void sayClosingIdle() {
        Http2Output out = output;
        if (out != null) {
            out.tryGoAway(lastBegunStreamId);
        }
    }

    /**
     * Ends the connection when our SETTINGS went unacknowledged for the header timeout, or a frame has been arriving
     * for longer ({@link Http2HeaderTimeout}); runs the WebSockets' timers, and cuts off the requests that lingered
     * too long after their response, on a thread of their own since the sweeper must not block.
     */
    @Override
    void sweep(long nowNanos) {
        for (Http2ServerStream stream : streams.values()) {
            stream.sweep(nowNanos);
            if (stream.lingerExpired(nowNanos) && stream.close()) {
                try {
                    context.startThread(() -> {
                        recentResets.remember(stream.id());
                        output.reset(stream, ErrorCode.NO_ERROR);
                        streams.remove(stream.id());
                        streamEnded();
                    });
                } catch (RuntimeException | OutOfMemoryError e) {
                    abort("no thread to end a stream");
                }
            }
        }
        Http2HeaderTimeout.Late late = headerTimeout.expire(nowNanos, context.config().headerTimeout().toNanos(),
                context.config().readTimeout().toNanos());
        if (late != null) {
            try {
                transport.shutdownInput(); // the reading thread finds the end of its input, and says why
            } catch (IOException e) {
                abort(late.reason);
            }
        }
    }

    /** The preface, or a frame other than DATA, that has been arriving the longest: see {@link Http2HeaderTimeout}. */
    @Override
    long headSinceNanos() {
        return headerTimeout.headSinceNanos();
    }

    /** Ends it as its header timeout would: GOAWAY with PROTOCOL_ERROR once the reading thread finds its input shut. */
    @Override
    void endSlowRead() {
        if (headerTimeout.endSlowHead()) {
            try {
                transport.shutdownInput();
            } catch (IOException e) {
                abort(Http2HeaderTimeout.Late.FRAME.reason);
            }
        }
    }

    /**
     * Since when every stream of the connection has been slow (the oldest's start): its request body comes slower than
     * a trickle, or its response waits on a flow-control window the client keeps nearly shut; 0 if one is not, or
     * none is open. A full server then ends them, and so the connection, as HTTP/1.1's slow body or slow read is
     * ({@link #endSlowBody}).
     */
    @Override
    long slowBodySinceNanos(long nowNanos) {
        long oldest = 0;
        for (Http2ServerStream stream : streams.values()) {
            long since = slowSince(stream, nowNanos);
            if (since == 0) {
                return 0;
            }
            if (oldest == 0 || since - oldest < 0) {
                oldest = since;
            }
        }
        return oldest;
    }

    private static long slowSince(Http2ServerStream stream, long nowNanos) {
        long body = stream.slowBodySinceNanos(nowNanos);
        return body != 0 ? body : stream.slowWriteSinceNanos(nowNanos);
    }

    /**
     * The slow streams end (see {@link #endSlowStreams}): the connection, idle then, is evicted as the next idle one to
     * make room (GOAWAY, and its slot back at once while it lingers).
     */
    @Override
    void endSlowBody() {
        endSlowStreams(System.nanoTime());
    }

    /**
     * Each stream whose handler waits for a request body coming slower than a trickle reads no more (a 408), and each
     * whose response waits on a window the client keeps nearly shut is reset with CANCEL.
     */
    @Override
    void endSlowStreams(long nowNanos) {
        for (Http2ServerStream stream : streams.values()) {
            if (stream.slowBodySinceNanos(nowNanos) != 0) {
                LOG.log(DEBUG, () -> "[c" + id() + "] request body on stream " + stream.id() + " too slow (ended to"
                        + " make room)");
                stream.endSlowBody();
            } else if (stream.slowWriteSinceNanos(nowNanos) != 0) {
                LOG.log(DEBUG, () -> "[c" + id() + "] response on stream " + stream.id() + " read too slowly (reset to"
                        + " make room)");
                output.reset(stream, ErrorCode.CANCEL);
            }
        }
    }

    @Override
    void releaseBuffers() {
        heldContent.close(); // what its streams hold unread goes back to the server's budget
        streamPlaces.close(); // and the places of streams whose handlers have not ended
        if (input != null) {
            input.release();
        }
        if (output != null) {
            output.release();
        }
    }
}
