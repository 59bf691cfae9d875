package dev.wisp.websocket.internal;

import dev.wisp.websocket.WebSocketClosedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;

/**
 * The sending half of a {@link WebSocketSession}: writes data frames, pings, pongs and the close frame, and keeps
 * what decides whether anything may still be sent (our close frame went out, the peer's came in, the application
 * called close).
 *
 * <p><b>Threads.</b> Any thread may send. Every frame is written under the frame lock, which this is (it extends
 * {@link FrameLock}, so that an idle session carries one object for both), and which also guards the compressor,
 * so pings, pongs and close frames can go out between fragments. A message sent whole is one frame under the lock;
 * a streamed message holds the turn (a flag under the lock) from its first frame to its last, and other messages
 * wait for it on a condition made only when one has to wait, so fragments of two messages never interleave. A
 * sender blocks on the lock or the socket while the peer does not read: there is no queue.
 *
 * <p><b>Memory.</b> The frame writer with its output and buffer, and the compressor of a direction that takes no
 * context over, are made for the first frame of a burst and dropped by {@link #dropIdleState()}.
 */
final class SessionSender extends FrameLock {
    private final WebSocketSession session;
    /** Whether a streamed message holds the turn; guarded by the lock. */
    private boolean streaming;
    /** Signalled when a streamed message ends; made by the first sender that waits for one. Lock. */
    private Condition streamEnded;
    /** The frame writer while messages go out; null between bursts. Lock. */
    private WebSocketFrameWriter writer;
    /** The compressor; null without permessage-deflate, before the first message, or while idle. Lock. */
    private MessageDeflater deflater;

    private volatile boolean closeSent;
    private volatile boolean closedByApplication;
    private volatile boolean closeReceived;

    /** @param session the session this sends for: its channel, role, agreement, timers and end */
    SessionSender(WebSocketSession session) {
        this.session = session;
    }

    /** Sends a message in one frame, once no streamed message holds the turn. */
    void sendWhole(Opcode opcode, byte[] bytes) throws IOException {
        lock();
        try {
            checkSendable();
            awaitTurn();
            writeDataFrame(opcode, true, bytes, 0, bytes.length);
        } finally {
            unlock();
        }
    }

    /** Takes the turn for a streamed message, once no other stream holds it. */
    void startStream() throws IOException {
        lock();
        try {
            checkSendable();
            awaitTurn();
            streaming = true;
        } finally {
            unlock();
        }
    }

    /** Waits, holding the lock, while a streamed message holds the turn. */
    private void awaitTurn() throws IOException {
        while (streaming) {
            if (streamEnded == null) {
                streamEnded = newCondition();
            }
            try {
                streamEnded.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting to send a message");
            }
        }
    }

    /** Ends a streamed message's hold on sending; called once by its stream. */
    void endStream() {
        lock();
        try {
            streaming = false;
            if (streamEnded != null) {
                streamEnded.signalAll();
            }
        } finally {
            unlock();
        }
    }

    /**
     * Sends one fragment of a streamed message, compressed if permessage-deflate was agreed; the caller's stream
     * holds the turn.
     *
     * @param opcode TEXT or BINARY for the first frame, CONTINUATION for the others
     */
    void sendFragment(Opcode opcode, boolean fin, byte[] bytes, int offset, int length) throws IOException {
        lock();
        try {
            checkSendable();
            writeDataFrame(opcode, fin, bytes, offset, length);
        } finally {
            unlock();
        }
    }

    /** Writes and flushes one data frame; the caller holds the lock. */
    private void writeDataFrame(Opcode opcode, boolean fin, byte[] bytes, int offset, int length)
            throws IOException {
        WebSocketFrameWriter out = writer();
        try {
            PerMessageDeflate deflate = session.deflate();
            if (deflate != null) {
                if (deflater == null) {
                    deflater = deflate.newDeflater(session.role());
                }
                MessageBuffer compressed = new MessageBuffer();
                deflater.deflate(bytes, offset, length, fin, compressed);
                out.writeFrame(opcode, fin, opcode != Opcode.CONTINUATION, compressed.array(), 0,
                        compressed.size());
            } else {
                out.writeFrame(opcode, fin, false, bytes, offset, length);
            }
            out.flush();
        } catch (IOException e) {
            throw session.sendFailed(e);
        }
    }

    /** The frame writer, made for the first frame after a wait that was handed off; the lock is held. */
    private WebSocketFrameWriter writer() {
        if (writer == null) {
            writer = new WebSocketFrameWriter(session.newOutput(), session.role());
        }
        return writer;
    }

    /** Sends a ping or pong the application asked for. */
    void sendApplicationControl(Opcode opcode, byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("control frame payload of " + payload.length + " bytes exceeds 125");
        }
        checkSendable();
        sendControl(opcode, payload);
    }

    /** Sends a ping or pong; nothing once the close frame went out or the session ended. */
    void sendControl(Opcode opcode, byte[] payload) throws IOException {
        lock();
        try {
            if (closeSent || session.isTerminated()) {
                return; // nothing may follow a close frame (RFC 6455 §5.5.1)
            }
            WebSocketFrameWriter out = writer();
            out.writeFrame(opcode, true, false, payload, 0, payload.length);
            out.flush();
        } catch (IOException e) {
            throw session.sendFailed(e, false);
        } finally {
            unlock();
        }
    }

    /**
     * Sends the application's close frame unless one was sent; from now on the application may send nothing.
     * Returns whether this call sent it.
     */
    boolean sendApplicationClose(int code, String reason) throws IOException {
        closedByApplication = true;
        return sendClose(code, reason);
    }

    /** Sends the close frame unless one was sent; returns whether this call sent it. */
    boolean sendClose(int code, String reason) throws IOException {
        lock();
        try {
            if (closeSent || session.isTerminated()) {
                return false;
            }
            closeSent = true;
            WebSocketFrameWriter out = writer();
            out.writeClose(code, reason);
            out.flush();
            return true;
        } catch (IOException e) {
            throw session.sendFailed(e, false);
        } finally {
            unlock();
        }
    }

    /** Notes that the peer's close frame arrived; the session answers it. */
    void closeReceived() {
        closeReceived = true;
    }

    boolean isCloseSent() {
        return closeSent;
    }

    /** Whether neither side's close frame has been seen; the session adds whether it ended. */
    boolean isOpen() {
        return !closeSent && !closeReceived;
    }

    private void checkSendable() throws IOException {
        if (closedByApplication) {
            throw new IllegalStateException("WebSocket close() was called: nothing more may be sent");
        }
        // Between the peer's close frame and ours, sending goes on (a relay sends what is still in flight from its
        // other side, RFC 6455 §5.5.1 lets it finish first); after ours, or the end, nothing does.
        if (closeSent || session.isTerminated()) {
            if (closeReceived) {
                throw new WebSocketClosedException(session.peerCloseStatus().orElseThrow(), null);
            }
            throw new IOException("WebSocket is closed: it failed");
        }
    }

    /**
     * Drops, before a wait is handed off, the frame writer and the compressor of a direction that takes no
     * context over (its window is empty at every message anyway), unless a sender holds the lock or a streamed
     * message the turn.
     */
    void dropIdleState() {
        if (tryLock()) {
            try {
                if (!streaming) {
                    writer = null;
                    if (deflater != null && deflater.startsEachMessageEmpty()) {
                        deflater.close();
                        deflater = null;
                    }
                }
            } finally {
                unlock();
            }
        }
    }

    /** Frees the compressor when the session ends; the channel is closed already. */
    void release() {
        if (session.deflate() != null) {
            // A sender holding the lock fails fast now that the channel is closed.
            lock();
            try {
                if (deflater != null) {
                    deflater.close();
                }
            } finally {
                unlock();
            }
        }
    }
}
