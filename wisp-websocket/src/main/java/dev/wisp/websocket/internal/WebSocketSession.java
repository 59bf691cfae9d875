package dev.wisp.websocket.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.core.BufferPool;
import dev.wisp.core.SharedBudget;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.transport.Transport;
import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.CloseStatus;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketClosedException;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import dev.wisp.websocket.WebSocketProtocolException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A WebSocket connection over a {@link SessionChannel}, after the opening handshake, for either role: a whole
 * {@link Transport} after an HTTP/1.1 upgrade, or a server's HTTP/2 stream after an extended CONNECT (RFC 8441).
 *
 * <p><b>Wiring.</b> The server (after answering 101, or 200 on an HTTP/2 stream) or the client (after checking the 101)
 * makes one with the channel, a {@link WireInput} over {@code channel.input()} that still holds any bytes read past the
 * HTTP head, the {@link Agreement} of the handshake, and a listener or none; then, on the connection's (virtual)
 * thread, either calls {@link #run()}, which reads until the connection ends, or hands the session to code that calls
 * {@link #receive()}. The owner's sweeper calls {@link #sweep(long)} on every tick: it sends idle pings and enforces
 * the close, pong and write timers ({@link SessionTimers}). The session closes the channel when it ends.
 *
 * <p><b>Threads.</b> One thread reads at a time: a listener's session is read by the connection's thread (one at a
 * time, by construction), one read with {@link #receive()} under the read lock; any thread may send, through the
 * {@link SessionSender}, which writes every frame under its frame lock. The sweeper thread never blocks: an idle
 * ping is sent from a fresh virtual thread.
 *
 * <p><b>Memory.</b> An idle session should cost no more than an idle HTTP/1.1 connection: what only a message
 * needs (the input with the frame reader, the frame writer with its output and buffer, the zlib streams of a
 * direction that takes no context over) is made for the message and dropped when a wait is handed off
 * ({@link #run(IdleHandOff)}), the read lock exists only for sessions read with {@link #receive()}, and the timers
 * only with idle pings or once something is late or closing.
 *
 * <p><b>Closing.</b> A received close frame is echoed with its code (a {@link CloseAnsweringListener}, a relay's,
 * answers it itself once its other side has closed); then the server closes the TCP connection (on
 * HTTP/2, ends its stream), and the client waits for the server to close it (RFC 6455 §7.1.1), at most
 * {@code closeTimeout}. A protocol
 * error sends the close frame with the error's code, then lingers (drains input until the peer closes or the
 * timer expires) so the peer reads the frame rather than a reset.
 *
 * <p>About 670 lines because reading, closing and the idle state share one state (terminated, what is made only
 * for messages) under, for {@link #receive()}, the read lock; sending lives in {@link SessionSender}, the timers in
 * {@link SessionTimers}, and what the owner does with a wait in {@link IdleHandOff}.
 */
public class WebSocketSession implements WebSocket {
    private static final System.Logger LOG = System.getLogger(WebSocketSession.class.getName());
    /** Lingering after a failure reads and drops at most this much. */
    private static final int MAX_LINGER_BYTES = 1024 * 1024;
    /** How long a send that failed waits for the reading thread to read a close frame that came before the failure. */
    private static final long CLOSE_AFTER_FAILURE_NANOS = 200_000_000L;
    /** A wait this long shows a peer that is not in a burst of messages; see {@link #shouldHandOff()}. */
    private static final long KEEP_THREAD_NANOS = 50_000_000;
    private static final VarHandle TIMERS;

    static {
        try {
            TIMERS = MethodHandles.lookup().findVarHandle(WebSocketSession.class, "timers", SessionTimers.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The connection's number, for log lines; see {@link #logName()}. */
    private final long connectionId;
    private final SessionChannel channel;
    /** The owner's input at first, with any bytes read past the HTTP head; null between bursts. Reading thread. */
    private WireInput input;
    /** This side's role, as a boolean: with the fields around it, the session fits in one size class less. */
    private final boolean isServer;
    private final WebSocketConfig config;
    /** The agreed subprotocol; the rest of the {@link Agreement} is used up by the constructor. */
    private final Optional<String> subprotocol;
    /** Where events go, or null for a session read with {@link #receive()}. */
    private final WebSocketListener listener;
    /** Where the output's buffers come from. */
    private final BufferPool pool;
    /** The agreed permessage-deflate, or null without it. */
    private final PerMessageDeflate deflate;
    /** The frame reader while frames come; null between bursts. Reading thread only. */
    private WebSocketFrameReader reader;
    /** Where the room of messages is charged, or null; see {@link #chargeMessagesTo}. */
    private SharedBudget.Ledger messages;
    /** The decompressor, made with the reader; null without permessage-deflate or while idle. Reading thread only. */
    private MessageInflater inflater;
    /** Orders the readers of a session read with {@link #receive()}; null for a listener's session. */
    private final ReentrantLock readLock;
    /** Sends frames and keeps the close flags; it is the frame lock too. */
    private final SessionSender sender = new SessionSender(this);
    private volatile boolean terminated;
    /** The peer's close frame, once read; see {@link #peerCloseStatus()}. */
    private volatile CloseStatus peerCloseStatus;
    /**
     * The timers, made when first needed: at once with idle pings, else by the closing handshake or a late write,
     * so that a session without pings that is not closing holds none. Made once, by a compare-and-set.
     */
    private volatile SessionTimers timers;
    /** How many more waits start with a timed wait on the reading thread; see {@link #shouldHandOff()}. */
    private byte timedWaitsLeft = 2;
    /** Whether the last wait for a frame took {@link #KEEP_THREAD_NANOS} or more; reading thread only. */
    private boolean lastWaitWasLong;
    /** When the wait that was handed off began, or 0; set by one reading thread, read by the next. */
    private long handedOffAtNanos;

    /**
     * @param connectionId the connection's number, for log lines: {@code [c17]} on a server, {@code [k17]} on a
     *     client, as the connection's own lines say
     * @param input the reader over {@code transport.input()}, holding any bytes read past the HTTP head
     * @param pool where the output's buffers come from
     * @param listener where {@link #run()} sends events, or null for a session read with {@link #receive()}
     */
    public WebSocketSession(long connectionId, Transport transport, WireInput input, BufferPool pool, Role role,
            WebSocketConfig config, Agreement agreement, WebSocketListener listener) {
        this(connectionId, TransportChannel.of(Objects.requireNonNull(transport, "transport")), input, pool, role,
                config, agreement, listener);
    }

    /**
     * A session over any channel, such as an HTTP/2 stream; otherwise as the constructor over a transport.
     *
     * @param input the reader over {@code channel.input()}, holding any bytes read past the HTTP head
     */
    public WebSocketSession(long connectionId, SessionChannel channel, WireInput input, BufferPool pool, Role role,
            WebSocketConfig config, Agreement agreement, WebSocketListener listener) {
        this.connectionId = connectionId;
        this.channel = Objects.requireNonNull(channel, "channel");
        this.input = Objects.requireNonNull(input, "input");
        this.isServer = Objects.requireNonNull(role, "role") == Role.SERVER;
        this.config = Objects.requireNonNull(config, "config");
        this.subprotocol = Objects.requireNonNull(agreement, "agreement").subprotocol();
        this.listener = listener;
        this.pool = Objects.requireNonNull(pool, "pool");
        this.deflate = agreement.deflate().orElse(null);
        this.readLock = listener == null ? new ReentrantLock() : null;
        this.timers = config.pingInterval().isZero() ? null : new SessionTimers(config);
        // HTTP's read deadlines do not apply any more: the idle policy is pings (sweep).
        channel.readDeadline(0);
    }

    /**
     * Charges the room of the messages this session assembles to this part of a budget many connections share, from
     * their first bytes until the listener returns (or {@link #receive()} hands them over): see
     * {@link WebSocketFrameReader#chargeMessagesTo}. Before the first read.
     */
    public void chargeMessagesTo(SharedBudget.Ledger ledger) {
        this.messages = ledger;
    }

    /**
     * Reads and dispatches events to the listener on the calling thread until the connection ends; then the
     * channel is closed. Calls {@code onOpen} first and exactly one of {@code onClose} and {@code onError} last.
     *
     * @throws Error an error that ended the connection when there was no memory left to tell the listener of it;
     *     see {@link #tellFailure}
     */
    public void run() {
        run(null);
    }

    /**
     * As {@link #run()}, but a wait for the next frame outside a burst of messages (see {@link #shouldHandOff()})
     * is offered to the hand-off: if it takes it, this returns null at once, and the hand-off's task calls this
     * again, on another thread, once the wait is over: the session goes on reading where it stopped, without a
     * second {@code onOpen}. An idle connection then parks no thread, and no stack.
     *
     * @param handOff where the wait for a frame may go, or null to wait on this thread
     * @return how the connection ended ("websocket closed: 1000", "websocket failed: ..."), or null if the wait
     *     was handed off
     */
    public String run(IdleHandOff handOff) {
        if (listener == null) {
            throw new IllegalStateException("this WebSocket has no listener: read it with receive()");
        }
        boolean resuming = handedOffAtNanos != 0;
        return read(handOff, !resuming);
    }

    private String read(IdleHandOff handOff, boolean opening) {
        boolean handedOff = false;
        String ended = null;
        try {
            if (opening) {
                listener.onOpen(this);
            }
            while (true) {
                if (handedOffAtNanos != 0) {
                    // The handed-off wait is over.
                    lastWaitWasLong = System.nanoTime() - handedOffAtNanos >= KEEP_THREAD_NANOS;
                    handedOffAtNanos = 0;
                } else if (handOff != null && input().buffered() == 0) {
                    long started = System.nanoTime();
                    if (shouldHandOff()) {
                        dropIdleState();
                        handedOffAtNanos = started;
                        if (handOff.waitElsewhere()) {
                            handedOff = true;
                            return null;
                        }
                        handedOffAtNanos = 0;
                        awaitFrameBytes();
                    } else if (handOff.mayWaitHoldingBuffer()) {
                        try {
                            fillFrameBytes();
                        } finally {
                            handOff.waitHoldingBufferEnded();
                        }
                    } else {
                        awaitFrameBytes();
                    }
                    lastWaitWasLong = System.nanoTime() - started >= KEEP_THREAD_NANOS;
                } else {
                    awaitFrameBytes();
                }
                Incoming event = next();
                if (event instanceof Incoming.Close close) {
                    ended = "websocket closed: " + close.code();
                    listener.onClose(this, close.code(), close.reason());
                    return ended;
                }
                if (handOff != null && (event instanceof Incoming.Text || event instanceof Incoming.Binary)) {
                    handOff.messageArrived();
                }
                try {
                    deliver(event);
                } catch (IOException e) {
                    // The listener's own failure (onText and onBinary may throw one), not the connection's.
                    return listenerFailed(e);
                } finally {
                    if (reader != null) {
                        reader.messageHandled(); // the message's room, held while the listener had it
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[" + logName() + "] websocket ended: " + e.getMessage());
            listener.onError(this, e);
            return "websocket failed: " + e.getMessage();
        } catch (RuntimeException e) {
            if (ended != null) {
                // onClose threw: the listener has heard of the end already, and must hear of it once.
                LOG.log(DEBUG, () -> "[" + logName() + "] websocket listener failed in onClose", e);
                return ended;
            }
            return listenerFailed(e);
        } catch (Error e) {
            if (ended != null) {
                return ended; // onClose threw: the listener has heard of the end already
            }
            return failedOnError(e);
        } finally {
            if (!handedOff) {
                terminate();
            }
        }
    }

    /**
     * Fails the connection with 1011 (RFC 6455 §7.4.1: an unexpected condition) after a listener threw, and tells
     * the listener; returns how the connection ended.
     */
    private String listenerFailed(Exception e) {
        LOG.log(DEBUG, () -> "[" + logName() + "] websocket listener failed", e);
        fail(CloseCode.INTERNAL_ERROR, "internal error");
        IOException failure = e instanceof IOException thrown ? thrown : new IOException("listener failed: " + e, e);
        listener.onError(this, failure);
        return "websocket failed: " + failure.getMessage();
    }

    /**
     * Fails the connection with 1011 after an {@link Error} on the reading thread (a full heap fails whatever
     * allocates next: a frame's payload, a message, the listener's own work) and tells the listener, whose
     * application would otherwise take the WebSocket for open (and a reconnecting one would never reconnect).
     *
     * @throws Error the same error, should there be no memory to tell the listener: the owner then tells it later
     *     with {@link #tellFailure}
     */
    private String failedOnError(Error e) {
        try {
            fail(CloseCode.INTERNAL_ERROR, "internal error");
        } catch (RuntimeException | Error again) {
            // no memory for the close frame either: the connection closes without it
        }
        tellFailure(e);
        return "websocket failed: " + e;
    }

    /**
     * Tells the listener that the connection failed on this {@link Error}: what the reading thread does, and what
     * its owner does later if the reading thread had no memory left to.
     *
     * @throws Error if there is still no memory to
     */
    public void tellFailure(Error e) {
        tellFailure(new IOException("websocket failed: " + e, e));
    }

    /**
     * Tells the listener that the connection failed, for an owner that saw it end without its reading thread (one
     * the JDK lost, say).
     */
    public void tellFailure(IOException failure) {
        try {
            listener.onError(this, failure);
        } catch (RuntimeException thrown) {
            LOG.log(DEBUG, () -> "[" + logName() + "] websocket listener failed in onError", thrown);
        }
    }

    /**
     * Drops, before a wait is handed off, what the session makes again for its next message: the frame reader
     * between messages with the input under it (it holds no bytes then), and the decompressor if its direction
     * takes no context over (its window is empty at every message anyway); the sender drops its writer and
     * compressor likewise ({@link SessionSender#dropIdleState()}).
     */
    private void dropIdleState() {
        input.releaseIfEmpty();
        if (reader != null && reader.isBetweenMessages()) {
            reader.messageHandled();
            reader = null;
            if (inflater != null && inflater.startsEachMessageEmpty()) {
                inflater.close();
                inflater = null;
            }
        }
        if (reader == null && input.buffered() == 0) {
            input = null;
        }
        sender.dropIdleState();
    }

    /**
     * Whether the wait for the next frame should go to the hand-off rather than stay on this thread. A peer in a
     * burst of messages keeps the thread: the hand-off costs more than a wait here. So a wait is handed off when
     * the one before it lasted {@link #KEEP_THREAD_NANOS} or more, which costs nothing to tell. A new session's
     * pace is unknown: its first waits stay here for at most that long first, with a timer.
     */
    private boolean shouldHandOff() throws IOException {
        if (timedWaitsLeft > 0) {
            timedWaitsLeft--;
            try {
                return !channel.awaitInput(KEEP_THREAD_NANOS);
            } catch (IOException e) {
                throw readFailed(e);
            }
        }
        return lastWaitWasLong;
    }

    /**
     * Waits for the next frame's first byte holding no read buffer, as an idle HTTP/1.1 connection does; at once
     * if bytes are buffered. The listener's loop waits here, not in a method below: a parked idle connection keeps
     * its stack on the heap, and this frame, small since the dispatch is elsewhere, is the last of ours.
     */
    private void awaitFrameBytes() throws IOException {
        try {
            input().awaitData();
        } catch (IOException e) {
            throw readFailed(e);
        }
    }

    /**
     * Waits for the next frame in a burst of messages, holding the read buffer, so the frame arrives in one read
     * where {@link #awaitFrameBytes()} takes two (one byte, then the rest). The wait is short while the burst
     * lasts; the owner bounds how many connections wait so ({@link IdleHandOff#mayWaitHoldingBuffer()}). Before it
     * blocks, the thread lets the others go first on a crowded carrier, or polls briefly when alone on it
     * ({@link SessionChannel#beforeWaiting}, over a transport {@code NextInput.beforeWaiting}).
     */
    private void fillFrameBytes() throws IOException {
        try {
            if (input().buffered() == 0) {
                channel.beforeWaiting();
            }
            input().fill();
        } catch (IOException e) {
            throw readFailed(e);
        }
    }

    /** Gives an event other than the peer's close to the listener. */
    private void deliver(Incoming event) throws IOException {
        switch (event) {
            case Incoming.Text text -> listener.onText(this, text.text());
            case Incoming.Binary binary -> listener.onBinary(this, binary.bytes());
            case Incoming.Ping ping -> listener.onPing(this, ping.payload());
            case Incoming.Pong pong -> listener.onPong(this, pong.payload());
            case Incoming.Close close -> throw new IllegalArgumentException("the close ends the session: " + close);
        }
    }

    @Override
    public Optional<CloseStatus> peerCloseStatus() {
        return Optional.ofNullable(peerCloseStatus);
    }

    @Override
    public Optional<WebSocketMessage> receive() throws IOException {
        if (listener != null) {
            throw new IllegalStateException("this WebSocket has a listener: messages go to it");
        }
        readLock.lock();
        try {
            // Each round handles one frame or message; the peer's close or a failure ends the loop.
            while (!terminated) {
                switch (next()) {
                    case Incoming.Text text -> {
                        reader.messageHandled(); // the application's from here on
                        return Optional.of(new WebSocketMessage.Text(text.text()));
                    }
                    case Incoming.Binary binary -> {
                        reader.messageHandled();
                        return Optional.of(new WebSocketMessage.Binary(binary.bytes()));
                    }
                    case Incoming.Close close -> {
                        return Optional.empty();
                    }
                    case Incoming.Ping ping -> { }
                    case Incoming.Pong pong -> { }
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            terminate();
            throw e;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads the next event and does what the protocol asks at once: answers a ping, completes the closing
     * handshake on a close frame, fails the connection with the right code on a protocol error.
     */
    private Incoming next() throws IOException {
        awaitFrameBytes();
        Incoming event;
        try {
            event = reader().readNext();
        } catch (WebSocketProtocolException e) {
            fail(e.closeCode(), e.getMessage());
            throw e;
        } catch (IOException e) {
            throw readFailed(e);
        }
        SessionTimers running = timers;
        if (running != null) {
            running.received(System.nanoTime());
        }
        switch (event) {
            case Incoming.Ping ping -> {
                if (!sender.isCloseSent()) {
                    sender.sendControl(Opcode.PONG, ping.payload());
                }
            }
            case Incoming.Close close -> closeReceived(close);
            default -> { }
        }
        return event;
    }

    /** The frame reader, made for the first frame after a wait that was handed off; see {@link #dropIdleState()}. */
    private WebSocketFrameReader reader() {
        if (reader == null) {
            if (deflate != null && inflater == null) {
                inflater = deflate.newInflater(role());
            }
            reader = new WebSocketFrameReader(input(), role(), config.maxFrameBytes(), config.maxMessageBytes(),
                    inflater);
            if (messages != null) {
                reader.chargeMessagesTo(messages);
            }
        }
        return reader;
    }

    /** The input, made anew (without reading ahead) after a wait that was handed off; see {@link #dropIdleState()}. */
    private WireInput input() {
        if (input == null) {
            input = WireInput.of(channel.input(), pool);
        }
        return input;
    }

    /** The timers, made now if no one has made them yet; any thread. */
    private SessionTimers timers() {
        SessionTimers running = timers;
        if (running == null) {
            running = new SessionTimers(config);
            if (!TIMERS.compareAndSet(this, null, running)) {
                running = timers;
            }
        }
        return running;
    }

    /** Ends the session after a failed read; a timer's abort is reported as the timeout it was. */
    private IOException readFailed(IOException e) {
        terminate();
        return timedOutOr(e);
    }

    /**
     * What a failed read or write reports: the timeout, if a timer aborted the session (the sweeper closed the
     * channel, so the blocked call saw only a closed one), else the failure itself.
     */
    IOException timedOutOr(IOException e) {
        SessionTimers running = timers;
        String reason = running != null ? running.abortReason() : null;
        return reason != null ? new SocketTimeoutException(reason) : e;
    }

    /**
     * What a failed send reports: as {@link #timedOutOr}, or, if the peer's close frame has come, that the peer closed
     * the WebSocket, with its code (a message over its limit is refused with a close frame, then the connection's
     * end, which the send under way meets).
     */
    IOException sendFailed(IOException e) {
        return sendFailed(e, true);
    }

    /**
     * As {@link #sendFailed(IOException)}; a control frame's failure waits for no close frame, as the reading thread
     * itself may be the one that sent it.
     */
    IOException sendFailed(IOException e, boolean awaitClose) {
        IOException failure = timedOutOr(e);
        if (failure != e || e instanceof WebSocketClosedException) {
            return failure;
        }
        CloseStatus closed = awaitClose ? awaitPeerClose() : peerCloseStatus;
        return closed != null ? new WebSocketClosedException(closed, e) : failure;
    }

    /**
     * The peer's close frame, if it came: waited for a moment by a send that failed, as the peer may have closed the
     * connection or reset the stream right after it (a message over its limit), and the reading thread, which the
     * failure did not wait for, may not have read it yet. Without a reading thread (a {@code receive()} reader not
     * waiting) nothing reads it.
     */
    private CloseStatus awaitPeerClose() {
        long end = System.nanoTime() + CLOSE_AFTER_FAILURE_NANOS;
        while (peerCloseStatus == null && listener != null && !isTerminated() && System.nanoTime() - end < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        return peerCloseStatus;
    }

    private void closeReceived(Incoming.Close close) {
        peerCloseStatus = new CloseStatus(close.code(), close.reason());
        sender.closeReceived();
        boolean answered = true;
        if (!sender.isCloseSent()) {
            // RFC 6455 §5.5.1: answer with a close frame, typically echoing the code received; a relay answers
            // with the close of its other side, once that has come.
            Incoming.Close answer = listener instanceof CloseAnsweringListener relay
                    ? relay.answerClose(this, close) : new Incoming.Close(close.code(), "");
            try {
                sender.sendClose(answer.code(), answer.reason());
            } catch (IOException e) {
                // §7.1.5: the close code is the one received. A peer that is gone (a reset right after its close
                // frame) cannot read the answer, and that does not turn its close into a failure.
                LOG.log(DEBUG, () -> "[" + logName() + "] close frame not answered: " + e.getMessage());
                answered = false;
            }
        }
        lingerAndClose(answered && !isServer);
    }

    /** Fails the connection (RFC 6455 §7.1.7): the close frame with this code, then a lingering close. */
    private void fail(int code, String message) {
        LOG.log(DEBUG, () -> "[" + logName() + "] failing websocket with " + code + ": " + message);
        try {
            if (!sender.isCloseSent()) {
                sender.sendClose(code, CloseFrames.truncateReason(message));
            }
            channel.shutdownOutput();
            if (channel.keepsWhatWasWrittenOnAbort()) {
                // An HTTP/2 stream's reset follows the close frame, which it cannot overtake: it stops what the
                // peer still sends (a message over the limit) now, and the session ends at once (it waited for the
                // peer's close as over TCP, telling the failure at closeTimeout, and took the rest meanwhile).
                abortChannel();
                terminate();
            } else {
                lingerAndClose(true); // the peer's close, lest a TCP reset destroy the close frame
            }
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[" + logName() + "] close frame not sent: " + e.getMessage());
            terminate();
        }
    }

    /**
     * Ends the connection after the close frames: a server closes at once; a client, or any side after a failure,
     * first reads until the peer closes, at most closeTimeout, so the peer is not answered by a reset.
     */
    private void lingerAndClose(boolean waitForPeer) {
        long closeDeadline = timers().startClosing(System.nanoTime());
        if (waitForPeer) {
            channel.readDeadline(closeDeadline);
            byte[] sink = new byte[512];
            try {
                // Bounded by the peer's end of stream, the close deadline (sweep) and MAX_LINGER_BYTES.
                for (int drained = 0; drained < MAX_LINGER_BYTES; ) {
                    int n = input().read(sink, 0, sink.length);
                    if (n < 0) {
                        break;
                    }
                    drained += n;
                }
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "[" + logName() + "] lingering ended: " + e.getMessage());
            }
        }
        terminate();
    }

    @Override
    public Optional<String> subprotocol() {
        return subprotocol;
    }

    /**
     * The protocol the answer that opened this WebSocket came over, on a client's side (for a relay's {@code Via});
     * null on a server's.
     */
    public Version handshakeVersion() {
        return null;
    }

    @Override
    public void sendText(String text) throws IOException {
        sender.sendWhole(Opcode.TEXT, Utf8Text.encode(text, "text message"));
    }

    @Override
    public void sendBinary(byte[] bytes) throws IOException {
        sender.sendWhole(Opcode.BINARY, Objects.requireNonNull(bytes, "bytes"));
    }

    @Override
    public OutputStream binaryStream() throws IOException {
        sender.startStream();
        return new FragmentOutputStream(sender, Opcode.BINARY);
    }

    @Override
    public Writer textStream() throws IOException {
        sender.startStream();
        return new OutputStreamWriter(new FragmentOutputStream(sender, Opcode.TEXT), StandardCharsets.UTF_8);
    }

    @Override
    public void ping(byte[] payload) throws IOException {
        sender.sendApplicationControl(Opcode.PING, payload);
    }

    @Override
    public void pong(byte[] payload) throws IOException {
        sender.sendApplicationControl(Opcode.PONG, payload);
    }

    @Override
    public void close(int code, String reason) throws IOException {
        CloseFrames.requireSendable(code);
        closeWith(code, reason);
    }

    /**
     * Starts the closing handshake with a close that another WebSocket received, for a relay: as
     * {@link #close(int, String)}, but {@link CloseCode#NO_STATUS_RECEIVED} sends a close frame without a code, as
     * the one received had none (RFC 6455 §7.1.5).
     */
    public void closeAsRelayed(int code, String reason) throws IOException {
        closeWith(code, reason);
    }

    private void closeWith(int code, String reason) throws IOException {
        CloseFrames.payload(code, reason); // checks the code and reason before anything is sent
        if (!sender.sendApplicationClose(code, reason)) {
            return;
        }
        long closeDeadline = timers().restartClosing(System.nanoTime());
        if (listener != null || !readLock.tryLock()) {
            return; // the reading thread completes the handshake when the peer's close frame arrives
        }
        try {
            // Bounded by the close deadline, which sweep() enforces by aborting the channel.
            channel.readDeadline(closeDeadline);
            while (!terminated) {
                next();
            }
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[" + logName() + "] closing handshake ended: " + e.getMessage());
        } finally {
            terminate();
            readLock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return sender.isOpen() && !terminated;
    }

    /**
     * Starts the closing handshake on the owner's behalf (a server stopping: 1001 going away) without reading:
     * the reading thread completes it when the peer's close frame comes, and {@link #sweep(long)} closes the
     * channel if it does not come within closeTimeout. Unlike {@link #close(int, String)} the application may
     * still call close itself. Never waits for the peer, so it may be called while the owner holds a lock, from
     * any thread, except that sending the frame may wait for the socket up to the write timeout.
     */
    public void goAway(int code, String reason) {
        try {
            if (sender.sendClose(code, reason)) {
                timers().startClosing(System.nanoTime());
            }
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[" + logName() + "] close frame not sent: " + e.getMessage());
            abortChannel();
        }
    }

    /**
     * Checks the timers; the owner's sweeper calls it on every tick with {@link System#nanoTime()}. Never blocks.
     * Aborts the channel when the closing handshake, a write, or the answer to an idle ping is late; sends an
     * idle ping (from a fresh virtual thread) when nothing has been received for pingInterval.
     */
    public void sweep(long now) {
        if (terminated) {
            return;
        }
        long writeDeadline = channel.writeDeadlineNanos();
        SessionTimers running = timers;
        if (running == null) {
            if (writeDeadline == 0 || now - writeDeadline < 0) {
                return; // no pings, no closing handshake, no late write: nothing can be due
            }
            running = timers();
        }
        switch (running.due(now, writeDeadline, sender.isCloseSent())) {
            case NONE -> { }
            case PING -> {
                try {
                    Thread.ofVirtual().name("wisp-ws-ping-" + logName()).start(this::sendIdlePing);
                } catch (RuntimeException | OutOfMemoryError e) {
                    running.pingNotWritten(); // the next tick asks again
                    throw e;
                }
            }
            case ABORT -> {
                SessionTimers aborted = running;
                LOG.log(DEBUG, () -> "[" + logName() + "] websocket aborted: " + aborted.abortReason());
                abortChannel();
            }
        }
    }

    /**
     * Sends the idle ping, on a thread of its own; one not sent (the peer gone, or a full heap that refused its buffer)
     * is asked for again by the next tick: nothing is thrown from a thread nobody waits on.
     */
    private void sendIdlePing() {
        try {
            sender.sendControl(Opcode.PING, new byte[0]);
            timers().pingWritten(System.nanoTime());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            timers().pingNotWritten();
            if (LOG.isLoggable(DEBUG)) { // nothing made unless asked for: the heap may be full
                LOG.log(DEBUG, "[" + logName() + "] idle ping not sent: " + e);
            }
        }
    }

    /**
     * Ends the connection: closes the channel and frees the zlib streams and buffers. Idempotent. Called only
     * by the reading thread (a listener's connection thread, or a holder of the read lock), which owns the input's
     * buffer and the inflater.
     */
    private void terminate() {
        terminated = true;
        try {
            channel.close(sender.isCloseSent());
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[" + logName() + "] close failed: " + e.getMessage());
        }
        if (input != null) {
            input.release();
        }
        if (inflater != null) {
            inflater.close();
        }
        sender.release();
    }

    /**
     * The connection's name in log lines, made only when a line is logged: a string kept per connection would
     * cost every idle WebSocket its bytes.
     */
    private String logName() {
        return (isServer ? "c" : "k") + connectionId;
    }

    Role role() {
        return isServer ? Role.SERVER : Role.CLIENT;
    }

    /** The agreed permessage-deflate, or null without it. */
    PerMessageDeflate deflate() {
        return deflate;
    }

    /** A new output over the channel, for the sender's frame writer. */
    WireOutput newOutput() {
        return WireOutput.of(channel.output(), pool);
    }

    boolean isTerminated() {
        return terminated;
    }

    private void abortChannel() {
        try {
            channel.abort();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[" + logName() + "] close failed: " + e.getMessage());
        }
    }
}
