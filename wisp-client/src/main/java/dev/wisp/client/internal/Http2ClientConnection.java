package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.Origin;
import dev.wisp.client.RequestTooLargeException;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.WireOutput;
import dev.wisp.http2.ConnectionException;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Frame;
import dev.wisp.http2.FrameRateLimit;
import dev.wisp.http2.FrameReader;
import dev.wisp.http2.GoAwayFrame;
import dev.wisp.http2.HeaderBlockTooLargeException;
import dev.wisp.http2.HeadersFrame;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.LastWrites;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.PriorityFrame;
import dev.wisp.http2.PushPromiseFrame;
import dev.wisp.http2.ReceiveFlow;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.StreamException;
import dev.wisp.http2.UnknownFrame;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.http2.hpack.HpackField;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * An HTTP/2 connection of the client (RFC 9113), shared by the calls to its origin: each exchange is a stream of its
 * own, at most as many at once as the server's SETTINGS_MAX_CONCURRENT_STREAMS allows. It runs over the socket of an
 * {@link Http1ClientConnection} whose TLS handshake chose {@code h2} by ALPN, or that speaks HTTP/2 by prior knowledge,
 * much as a WebSocket takes one over: that object keeps the socket's lifecycle, timeouts and events.
 *
 * <p>One virtual thread reads the frames and hands each stream its response heads, content and trailers; the calls'
 * threads write through the shared {@link Http2Output}. What a stream may hold unread is bounded by its receive
 * window (1 MiB), whose credit goes back as its call reads; the connection's window (4 MiB) gets its credit back as
 * the DATA arrives, so that responses no call reads yet cannot starve the one a call reads. A server that breaks the
 * protocol ends the connection with GOAWAY, a malformed response only its stream, each with the typed error the call
 * gets. Server push is refused in our SETTINGS (ENABLE_PUSH 0), and a PUSH_PROMISE is a connection error (§8.4).
 *
 * <p>A server must show it is there ({@link Http2Liveness}): it acknowledges our SETTINGS within connectTimeout, and
 * when a read on a stream timed out, or with a new stream after it received nothing for pongTimeout, the connection
 * sends a PING that it must answer within pongTimeout; {@link Http2LivenessSweep} ends the connection otherwise.
 *
 * <p>Longer than 500 lines: the connection's life, from the prefaces through the GOAWAYs either way to its end, is
 * one state machine over its streams, kept in one place; what the reading thread does with the frames on streams is
 * {@link Http2StreamFrames}, the places for streams {@link Http2StreamSlots}, the windows {@code ReceiveFlow} and
 * {@code Http2Output}, the deadlines of a live server {@link Http2Liveness}, what the sweeper does when they pass or
 * the reading thread is lost {@link Http2LivenessSweep}, frames on ended streams {@link Http2ClosedStreams}, each a
 * class of its own.
 *
 * <p>Thread-safe.
 */
public final class Http2ClientConnection {
    private static final System.Logger LOG = System.getLogger(Http2ClientConnection.class.getName());
    static final int STREAM_WINDOW_BYTES = 1 << 20;
    static final int CONNECTION_WINDOW_BYTES = 4 << 20;
    private static final byte[] NO_BYTES = new byte[0];
    /** The payload of the PING that asks whether the server is still there. */
    private static final long LIVENESS_PING = 0x77697370L;

    /** Told when the connection can take more streams, and when it can take none ever again. */
    interface Owner {
        /** A stream ended, the server's limit grew, or the connection closed: waiting calls may go on. */
        void http2CapacityChanged(Http2ClientConnection connection);

        /** The connection takes no new stream any more (GOAWAY, an error, stream ids used up, closing). */
        void http2Retired(Http2ClientConnection connection);

        /** The connection closed, or is closing for good; may be told twice. */
        void http2Closed(Http2ClientConnection connection);
    }

    private final Http1ClientConnection socket;
    private final ClientConfig config;
    private final Owner owner;
    private final Http2Output output;
    private final FrameReader reader;
    private final ReceiveFlow receiveFlow;
    private final Map<Integer, Http2ClientStream> streams = new ConcurrentHashMap<>();
    private final Http2StreamSlots slots = new Http2StreamSlots();
    private final FrameRateLimit idleFrames;
    /**
     * Bounds credit for no request content being sent: a server gives some back as it reads a body whose last bytes
     * went, wider than {@link #idleFrames} so that uploads in quick succession never meet it, but not a flood of +1s.
     */
    private final FrameRateLimit idleCredit;
    private final Http2ClosedStreams closedStreams;
    /** What the reading thread does with the frames on streams: HEADERS, DATA, RST_STREAM, WINDOW_UPDATE. */
    private final Http2StreamFrames streamFrames;
    private final Http2Liveness liveness;
    private volatile Settings peerSettings = Settings.DEFAULT;
    /** The id of the last stream opened, for telling a closed stream from an idle one (§5.1). */
    private volatile int highestOpened;
    /** The last stream id of the server's GOAWAY; streams above it were not processed. */
    private volatile int goAwayLastStreamId = Integer.MAX_VALUE;
    private volatile boolean closed;
    /**
     * Whether our GOAWAY NO_ERROR went out, or is on its way: taken by whichever sends it first, the retirement that
     * tells the server no stream follows or the close, so that it goes once.
     */
    private final AtomicBoolean goAwaySent = new AtomicBoolean();
    /** Finds the connection dead, its server gone or its reading thread failed or lost, and ends it. */
    private final Http2LivenessSweep livenessSweep;
    /** Counted down when the reading thread has ended the connection, and its owner was told. */
    private final CountDownLatch ended = new CountDownLatch(1);

    private Http2ClientConnection(Http1ClientConnection socket, ClientConfig config, Owner owner) {
        this.socket = socket;
        this.config = config;
        this.owner = owner;
        this.output = new Http2Output(WireOutput.of(socket.transport().output(), socket.buffers()),
                config.writeTimeout().toNanos());
        this.receiveFlow = new ReceiveFlow(CONNECTION_WINDOW_BYTES, output, true);
        this.reader = new FrameReader(socket.input(), Settings.DEFAULT.maxFrameSize(),
                2 * config.maxHeaderBytes() + 1024);
        this.liveness = new Http2Liveness(config.connectTimeout().toNanos(), config.pongTimeout().toNanos(),
                System.nanoTime());
        this.idleFrames = new FrameRateLimit("frames that carry no response (PING, SETTINGS, PRIORITY, empty DATA,"
                + " acknowledgements, frames on streams we reset)", 1000, 200, System.nanoTime());
        this.idleCredit = new FrameRateLimit("WINDOW_UPDATE frames crediting nothing being sent", 10_000, 1_000,
                System.nanoTime());
        this.closedStreams = new Http2ClosedStreams(output, idleFrames);
        this.streamFrames = new Http2StreamFrames(config, streams, () -> highestOpened, receiveFlow, output,
                idleFrames, closedStreams, socket.toString());
        this.livenessSweep = new Http2LivenessSweep(new Swept(), liveness, socket.transport(), config,
                socket.toString());
    }

    /**
     * Starts HTTP/2 on a connected socket: sends our preface, reads the server's (its SETTINGS, §3.4) before
     * {@code deadlineNanos}, and starts the reading thread.
     *
     * @throws IOException if the server's preface is not SETTINGS, or does not come in time; the socket is closed
     */
    static Http2ClientConnection start(Http1ClientConnection socket, ClientConfig config, Owner owner,
            long deadlineNanos) throws IOException {
        Http2ClientConnection connection = null;
        try {
            connection = new Http2ClientConnection(socket, config, owner);
            connection.open(deadlineNanos);
            // before the reading thread, whose end unwatches it
            ClientSweeper.instance().watch(connection.livenessSweep);
            Thread.ofVirtual().name("wisp-h2-" + socket).start(connection::readFrames);
            return connection;
        } catch (IOException | RuntimeException | Error e) {
            try {
                if (connection != null) {
                    ClientSweeper.instance().unwatch(connection.livenessSweep);
                }
            } finally {
                // an Error (a full heap) gets a reason made beforehand: making a message may fail as well
                socket.close(e instanceof Error ? Exchange.UNEXPECTED_FAILURE : "HTTP/2 preface failed: "
                        + e.getMessage());
                socket.releaseBuffers();
            }
            throw e;
        }
    }

    private void open(long deadlineNanos) throws IOException {
        Settings ours = Settings.builder()
                .enablePush(false)
                .maxConcurrentStreams(0)
                .initialWindowSize(STREAM_WINDOW_BYTES)
                .maxHeaderListSize(config.maxHeaderBytes())
                .build();
        liveness.settingsSent(System.nanoTime());
        output.writePreface(true, new SettingsFrame(false, ours.differencesFrom(Settings.DEFAULT)),
                new WindowUpdateFrame(0, CONNECTION_WINDOW_BYTES - Settings.DEFAULT.initialWindowSize()));
        socket.transport().readDeadline(deadlineNanos);
        ClientSweeper.instance().watch(socket); // from now on for good: it enforces the write timeout
        try {
            Http1AnswerToPreface.reject(socket.input(), origin().isTls());
            Frame first = reader.readFrame();
            if (!(first instanceof SettingsFrame settings) || settings.ack()) {
                throw new ConnectionException(ErrorCode.PROTOCOL_ERROR,
                        "the server's preface must begin with SETTINGS (RFC 9113 §3.4), not " + first);
            }
            socket.transport().readDeadline(0);
            liveness.received(System.nanoTime()); // heard from: a slow handshake is no quiet connection
            onSettings(settings);
        } catch (ConnectionException e) {
            output.goAway(0, e.errorCode(), e.getMessage()); // §3.4: a connection error like any other
            throw protocolError(e);
        }
    }

    public Origin origin() {
        return socket.origin();
    }

    /** The socket's connection: its setup, TLS session, timeouts and events. */
    Http1ClientConnection socket() {
        return socket;
    }

    Http2Output output() {
        return output;
    }

    /**
     * Counts a stream for a call if the server's limit allows and the connection takes new streams.
     *
     * @return false if the call must look elsewhere
     */
    boolean tryReserveStream() {
        return slots.tryReserve(streamLimit());
    }

    /** Whether a call would get a stream now ({@link #tryReserveStream}), reserving none. */
    boolean hasRoomForStream() {
        return slots.hasRoom(streamLimit());
    }

    /** How many calls would get a stream now, one after another. */
    int streamRoom() {
        return slots.room(streamLimit());
    }

    private int streamLimit() {
        return (int) Math.min(peerSettings.maxConcurrentStreams(), Integer.MAX_VALUE);
    }

    /** Why the connection takes no new stream (GOAWAY, an error, closing); null while it takes them. */
    String retiredReason() {
        return slots.retired();
    }

    /** Whether the server announced SETTINGS_ENABLE_CONNECT_PROTOCOL: a WebSocket may open as a stream (RFC 8441). */
    boolean acceptsExtendedConnect() {
        return peerSettings.enableConnectProtocol();
    }

    /** Whether the connection carried a stream before the next one. */
    boolean hasCarriedStreams() {
        return slots.hasCarriedStreams();
    }

    /** How many streams the connection opened so far. */
    long streamsOpened() {
        return slots.openedCount();
    }

    /**
     * Opens a reserved stream and sends its request head.
     *
     * @throws Http2StreamEndedException if the connection has no stream id left: the request was not sent
     * @throws Http2HeadUnwrittenException if the head could not be written: {@link #unprocessedPerGoAway} decides
     * @throws RequestTooLargeException if the head is larger than the server's SETTINGS_MAX_HEADER_LIST_SIZE: not sent
     */
    Http2ClientStream open(Method method, List<HpackField> fields, boolean endStream) throws IOException {
        String notTaking = slots.retired();
        if (notTaking != null) {
            throw new Http2StreamEndedException("the HTTP/2 connection to " + origin() + " takes no new streams: "
                    + notTaking, true);
        }
        requireWithinHeaderListLimit(fields);
        Http2ClientStream[] made = new Http2ClientStream[1];
        Http2ClientStream stream;
        try {
            stream = output.openStream((id, sendWindow) -> {
                made[0] = new Http2ClientStream(id, method, STREAM_WINDOW_BYTES, sendWindow);
                streams.put(id, made[0]);
                highestOpened = id;
                return made[0];
            }, fields, endStream);
        } catch (IOException e) {
            if (made[0] == null) { // the connection ended before a byte of the request went out
                throw new Http2StreamEndedException(e.getMessage(), true);
            }
            streams.remove(made[0].id());
            throw new Http2HeadUnwrittenException(made[0].id(), e);
        }
        if (stream == null) {
            retire("stream ids used up");
            sayNoStreamFollows();
            throw new Http2StreamEndedException("the HTTP/2 connection has used up its stream ids", true);
        }
        slots.opened();
        if (liveness.startPingIfSilent(System.nanoTime())) { // a connection quiet for long may have died unnoticed
            sendPing();
        }
        if (stream.id() > goAwayLastStreamId) { // a GOAWAY came while it opened, and its reader may have missed it
            stream.refusedUnprocessed();
            stream.connectionEnded("the server sent GOAWAY and did not process the request", false);
        }
        return stream;
    }

    /**
     * Refuses a request head the server announced it would not take (RFC 9113 §6.5.2: the size of a header list is
     * that of its fields, pseudo-header fields included, each its name, its value and 32 bytes), before any of it goes
     * out: the server would answer it 431 or reset the stream, and the connection's HPACK state stays as it was.
     */
    private void requireWithinHeaderListLimit(List<HpackField> fields) throws RequestTooLargeException {
        long limit = peerSettings.maxHeaderListSize();
        long size = 0;
        for (HpackField field : fields) {
            size += field.size();
        }
        if (size > limit) {
            throw new RequestTooLargeException("request header list of " + size + " bytes is larger than the " + limit
                    + " bytes the server at " + origin() + " takes (SETTINGS_MAX_HEADER_LIST_SIZE); not sent",
                    "SETTINGS_MAX_HEADER_LIST_SIZE", limit);
        }
    }

    /**
     * What a call gets for a request head the connection could not write ({@link #open}): if the server's GOAWAY left
     * the stream out, the request was not processed and may go again (§6.8), else the write's failure, with which it
     * may have been. The server ended the connection after its GOAWAY, and the call's thread learned of the end before
     * the reading thread read that far, which on a busy machine may take it seconds: so the decision waits until the
     * reading thread has ended the connection, which it does as soon as it runs, the socket being broken; one that is
     * lost the sweeper ends within seconds. At most {@code waitNanos} (the call's read timeout, or what is left of its
     * deadline): past that, the failure stands, and a reused connection's retry rules apply as to any.
     */
    IOException unprocessedPerGoAway(Http2HeadUnwrittenException unwritten, long waitNanos) {
        awaitEnd(waitNanos);
        if (unwritten.streamId() > goAwayLastStreamId) {
            return new Http2StreamEndedException(unwritten.getMessage() + "; the server's GOAWAY left the request out",
                    true);
        }
        return unwritten.failure();
    }

    /**
     * Waits at most this long until the reading thread has ended the connection: its streams failed, its socket
     * closed, its owner told.
     *
     * @return whether it has
     */
    boolean awaitEnd(long nanos) {
        try {
            return ended.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ended.getCount() == 0;
        }
    }

    /**
     * Ends a stream's part in the connection, on its exchange's thread: what it left unread is dropped, a stream
     * still open either way is reset (CANCEL), and its place frees. Null for a reservation never opened.
     */
    void release(Http2ClientStream stream) {
        if (stream != null) {
            if (!stream.isClosed()) {
                output.reset(stream, ErrorCode.CANCEL);
            }
            streams.remove(stream.id());
            closedStreams.released(stream);
            stream.discardBuffered();
        }
        if (slots.release(stream) && !closed) {
            close(slots.retired());
        } else {
            owner.http2CapacityChanged(this);
        }
    }

    /**
     * Gives back flow-control credit for content a call read, on its thread. Credit that cannot go out because the
     * connection ended is lost with it: what the stream received stays readable, so the read goes on.
     */
    void consumed(Http2ClientStream stream, int bytes) {
        if (closed) {
            return;
        }
        try {
            receiveFlow.giveBack(stream, bytes);
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[" + socket + "] credit after the connection ended: " + e);
        }
    }

    /** Whether no stream is open or reserved. */
    boolean isIdle() {
        return slots.isIdle();
    }

    /**
     * Takes no new streams from now on if none has been open for at least {@code idleNanos} (0: if none is open):
     * the caller then closes it. Decided under the lock that reserves streams, so that no call gets a stream of a
     * connection closing as idle.
     */
    boolean retireIfIdleFor(long idleNanos, long nowNanos) {
        if (!slots.retireIfIdleFor(idleNanos, nowNanos)) {
            return false;
        }
        owner.http2Retired(this);
        return true;
    }

    /**
     * Takes no new streams from now on and closes once the streams it carries have ended, at once if it carries none;
     * their calls run to their end meanwhile, and the server learns at once that no stream follows
     * ({@link #sayNoStreamFollows}). The last stream's release closes it ({@link #release}).
     *
     * @return whether it carried none and closes now: {@link #awaitEnd} tells when it has ended
     */
    boolean closeWhenIdle(String reason) {
        retire(reason);
        if (isIdle()) {
            close(reason);
            return true;
        }
        sayNoStreamFollows();
        return false;
    }

    /**
     * Tells the server, as the connection retires while its streams still run, that no stream follows: GOAWAY
     * NO_ERROR with last stream id 0, since a client processes no stream of the server's (RFC 9113 §6.8). Netty's
     * connection sends it so as it starts to close, and closes after its last stream. Sent only with that close, the
     * GOAWAY told the server nothing the close itself did not; now the server knows the connection is done with once
     * it has answered. The close sends no other. On a thread of its own, not to wait for a writer that holds the
     * output.
     */
    private void sayNoStreamFollows() {
        writeAside("goaway", new GoAwayFrame(0, ErrorCode.NO_ERROR, NO_BYTES),
                () -> goAwaySent.compareAndSet(false, true));
    }

    /**
     * The reading thread: frames until the connection ends. Should it end on an {@link Error} (a full heap fails
     * whatever allocates next, and a frame's handling does), the sweeper ends the connection at its next tick: left
     * open without a reader, the connection would take calls that no response ever reaches, and keep its streams'
     * calls waiting until their read timeouts.
     */
    private void readFrames() {
        try {
            readFramesUntilTheEnd();
        } catch (Error e) {
            livenessSweep.readerFailed(e);
        }
    }

    private void readFramesUntilTheEnd() {
        String reason;
        IOException streamsFailure = null;
        boolean byServer;
        try {
            while (true) {
                // Between frames the wait holds no buffer: an idle connection keeps none of the pool's.
                if (!socket.input().awaitData()) {
                    throw new EOFException("the server closed the connection");
                }
                try {
                    handle(reader.readFrame());
                } catch (StreamException e) {
                    streamFrames.failStream(e.streamId(), e.errorCode(),
                            new MalformedMessageException("invalid HTTP/2 response: " + e.getMessage()));
                }
            }
        } catch (ConnectionException e) {
            String error = "HTTP/2 protocol error by the server: " + e.getMessage();
            LastWrites.goAway(output, () -> socket.close(error), 0, e.errorCode(), e.getMessage(), LastWrites.ENDING);
            reason = error;
            streamsFailure = protocolError(e);
            byServer = true;
        } catch (EOFException e) {
            reason = slots.retired() != null ? slots.retired() : "the server closed the connection";
            byServer = socket.closeReason() == null;
        } catch (IOException | RuntimeException e) {
            reason = closed ? socket.closeReason() : String.valueOf(e.getMessage());
            byServer = socket.closeReason() == null && e instanceof IOException; // a reset, say, not a close here
        }
        if (livenessSweep.isDead()) { // the socket was closed under the reading thread for it
            reason = livenessSweep.deadReason();
            streamsFailure = livenessSweep.deadFailure();
            byServer = false;
        }
        end(reason, streamsFailure, byServer);
    }

    /**
     * A read on one of the connection's streams waited its whole read timeout. The server may have vanished without
     * a FIN, which nothing but a frame of its own can tell, so it gets a PING (unless one is out already): if nothing
     * arrives within pongTimeout, the sweeper ends the connection.
     */
    void readTimedOut() {
        if (!closed && !livenessSweep.isDead() && liveness.startPing(System.nanoTime())) {
            sendPing();
        }
    }

    /** Sends a PING that asks whether the server is still there. */
    private void sendPing() {
        writeAside("ping", new PingFrame(false, LIVENESS_PING), () -> true);
    }

    /**
     * Writes a frame of the connection's own on a thread of its own, if it is still wanted there, so that no call waits
     * for a writer that holds the output, which may be blocked on a server that stopped reading. A failure to write is
     * the connection's end, which its reading thread finds.
     */
    private void writeAside(String name, Frame frame, BooleanSupplier wanted) {
        Thread.ofVirtual().name("wisp-h2-" + name + "-" + socket).start(() -> {
            try {
                if (wanted.getAsBoolean()) {
                    output.write(frame);
                }
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "[" + socket + "] " + frame + ": " + e);
            }
        });
    }

    /** What the liveness sweep does to the connection, through its private steps. */
    private final class Swept implements Http2LivenessSweep.Connection {
        @Override
        public boolean hasEnded() {
            return ended.getCount() == 0;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void retire(String reason) {
            Http2ClientConnection.this.retire(reason);
        }

        @Override
        public IOException protocolError(ConnectionException error) {
            return Http2ClientConnection.this.protocolError(error);
        }

        @Override
        public void closeDead(String reason, ConnectionException error) {
            if (error != null) {
                LastWrites.goAway(output, () -> socket.close(reason), 0, error.errorCode(), error.getMessage(),
                        LastWrites.ENDING);
            }
            owner.http2Closed(Http2ClientConnection.this); // counted out now, before the socket's close is reported
            socket.close(reason);
        }

        @Override
        public void end(String reason, IOException streamsFailure) {
            Http2ClientConnection.this.end(reason, streamsFailure, false);
        }
    }

    private void handle(Frame frame) throws IOException {
        long now = System.nanoTime();
        liveness.received(now);
        switch (frame) {
            case HeadersFrame headers -> {
                streamFrames.onHeaders(headers);
                if (headers.endStream()) {
                    closedOnTheWire(headers.streamId());
                }
            }
            case DataFrame data -> {
                streamFrames.onData(data, now);
                if (data.endStream()) {
                    closedOnTheWire(data.streamId());
                }
            }
            case SettingsFrame settings -> {
                idleFrames.take(now); // an acknowledgement too: a server may send them unasked, for nothing
                if (settings.ack()) {
                    liveness.settingsAcknowledged();
                } else {
                    onSettings(settings);
                }
            }
            case WindowUpdateFrame update when update.streamId() == 0 -> {
                if (!anyStreamSending()) {
                    idleCredit.take(now);
                }
                output.expandConnection(update.increment());
            }
            case WindowUpdateFrame update -> {
                Http2ClientStream stream = streams.get(update.streamId());
                if (stream == null || stream.isLocalEnded() || stream.isReset()) {
                    idleCredit.take(now);
                }
                streamFrames.onWindowUpdate(update);
            }
            case ResetFrame reset -> streamFrames.onReset(reset);
            case PingFrame ping -> {
                idleFrames.take(now); // an acknowledgement too: ours are few, one per liveness check
                if (!ping.ack()) {
                    output.write(new PingFrame(true, ping.payload()));
                }
            }
            case PriorityFrame priority -> idleFrames.take(now); // advice we do not take (§5.3.2)
            case GoAwayFrame goAway -> onGoAway(goAway);
            case PushPromiseFrame push -> throw new ConnectionException(ErrorCode.PROTOCOL_ERROR,
                    "PUSH_PROMISE although our SETTINGS_ENABLE_PUSH is 0 (RFC 9113 §8.4)");
            case UnknownFrame unknown -> idleFrames.take(now);
            default -> throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, "unexpected " + frame);
        }
    }

    /** Whether a stream still sends its request content, for which the server's credit is due. */
    private boolean anyStreamSending() {
        for (Http2ClientStream stream : streams.values()) {
            if (!stream.isLocalEnded() && !stream.isReset()) {
                return true;
            }
        }
        return false;
    }

    private void onSettings(SettingsFrame frame) throws IOException {
        for (Setting setting : frame.settings()) {
            if (setting.identifier() == Settings.ENABLE_PUSH && setting.value() != 0) {
                throw new ConnectionException(ErrorCode.PROTOCOL_ERROR,
                        "the server sent SETTINGS_ENABLE_PUSH 1, which only a client may (RFC 9113 §6.5.2)");
            }
        }
        Settings previous = peerSettings;
        peerSettings = previous.apply(frame);
        output.applyPeerSettings(previous, peerSettings, streams.values());
        owner.http2CapacityChanged(this);
    }

    /**
     * A stream the server ended whose request had ended too is closed: a call waiting for a stream may take its place
     * while its own call has yet to read the response.
     */
    private void closedOnTheWire(int id) {
        Http2ClientStream stream = streams.get(id); // null once released: its call left the map first
        if (stream != null && stream.isClosed() && slots.closedOnTheWire(stream, () -> streams.get(id) == stream)) {
            owner.http2CapacityChanged(this);
        }
    }

    /** What the calls get when the server broke a rule of the connection: a header block past our limit names it. */
    private HttpProtocolException protocolError(ConnectionException e) {
        return e instanceof HeaderBlockTooLargeException ? streamFrames.headerSectionTooLarge()
                : new MalformedMessageException("HTTP/2 protocol error by the server: " + e.getMessage());
    }

    /**
     * §6.8: the server takes no new streams; those above its last stream id were not processed and may go again
     * elsewhere. The connection closes once the streams it still serves are done.
     */
    private void onGoAway(GoAwayFrame frame) {
        String debug = frame.debugData().length == 0 ? ""
                : " (" + new String(frame.debugData(), 0, Math.min(frame.debugData().length, 256),
                        StandardCharsets.UTF_8) + ")";
        String why = "the server sent GOAWAY " + frame.errorCode() + debug;
        goAwayLastStreamId = Math.min(goAwayLastStreamId, frame.lastStreamId());
        retire(why);
        for (Http2ClientStream stream : streams.values()) {
            if (stream.id() > frame.lastStreamId()) {
                stream.refusedUnprocessed();
                stream.connectionEnded(why + " and did not process the request", false);
            }
        }
        output.wakeWriters(); // a request body waiting for the window goes again elsewhere
        if (isIdle()) {
            close(why);
        }
    }

    /**
     * Whether the server said in its GOAWAY that it processed streams of this connection: one that ends its connections
     * after a number of requests (nginx's keepalive_requests) serves on, and a request it refused goes again with no
     * fear of a server that refuses everything.
     */
    boolean processedStreamsBeforeGoAway() {
        int last = goAwayLastStreamId;
        return last > 0 && last != Integer.MAX_VALUE;
    }

    /** Takes no new streams from now on. */
    private void retire(String reason) {
        if (slots.retire(reason)) {
            owner.http2Retired(this);
        }
    }

    /**
     * Closes the connection from any thread, with GOAWAY unless one went out as it retired ({@link
     * #sayNoStreamFollows}) or a frame is being written for longer than a moment ({@link Http2Output#tryGoAway}): its
     * streams fail, the reading thread ends.
     */
    void close(String reason) {
        retire(reason);
        if (!closed && goAwaySent.compareAndSet(false, true)) {
            output.tryGoAway(0);
        }
        socket.close(reason);
    }

    /**
     * Ends the connection: every stream fails, the socket closes, its buffers go back. On the reading thread, or on
     * one the sweeper starts when the reading thread failed or was lost; an end that an {@link Error} cut short is
     * made again (each step may be taken twice), which is why the sweeper lets go of the connection last.
     *
     * @param byServer whether the server ended it (closed it, or broke the protocol): a response it began before on
     *     a stream whose request body still went out is its answer ({@link Http2ClientStream#wasAnsweredThenCutOff})
     */
    private void end(String reason, IOException streamsFailure, boolean byServer) {
        retire(reason);
        closed = true;
        LastWrites.end(output, () -> socket.close(reason), reason);
        for (Http2ClientStream stream : streams.values()) {
            if (streamsFailure != null) {
                stream.failed(streamsFailure);
            }
            stream.connectionEnded("the HTTP/2 connection to " + origin() + " ended: " + reason, byServer);
        }
        socket.close(reason);
        output.release(); // unless a writer still holds it: then the collector takes it
        socket.input().release();
        owner.http2Closed(this); // before the end is counted down: a client's close waits for the count to drop
        ended.countDown();
        ClientSweeper.instance().unwatch(livenessSweep);
        LOG.log(DEBUG, () -> "[" + socket + "] HTTP/2 connection ended: " + reason);
    }

    @Override
    public String toString() {
        return socket + " h2";
    }
}
