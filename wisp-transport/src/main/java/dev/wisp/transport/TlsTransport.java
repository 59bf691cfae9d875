package dev.wisp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A {@link Transport} of TLS: an {@link SSLEngine} over the same blocking socket channel the plaintext variant
 * uses, so deadlines, half-close and the idle wait work the same way. Chosen over {@link javax.net.ssl.SSLSocket}
 * because an SSLSocket keeps its record buffers for the life of the connection, where this transport borrows
 * them from {@link TlsBuffers} per record: an idle TLS connection holds the engine's session state and no
 * buffer.
 *
 * <p>The handshake runs on the connection's own thread ({@link #handshake()}), bounded by the read deadline the
 * caller sets, so a slow or stalled handshake holds up nothing else. Its records are gathered and written when it
 * must wait for the peer, so each flight leaves in one write.
 */
public final class TlsTransport extends Transport {
    private final SSLEngine engine;
    private final TlsInput input;
    private final TlsOutput output;
    private volatile boolean handshaken;

    private TlsTransport(StreamSocket socket, SSLEngine engine, TlsBuffers buffers, long writeTimeoutNanos)
            throws IOException {
        super(socket, writeTimeoutNanos);
        this.engine = engine;
        this.output = new TlsOutput(engine, socketOutput, buffers);
        this.input = new TlsInput(engine, socketInput, output, buffers);
    }

    /**
     * A TLS transport over a connected blocking channel, which it then owns. The engine must be set up for its
     * side (client or server mode, parameters); the handshake starts with {@link #handshake()}.
     *
     * @param writeTimeoutNanos how long each slice of a write may take before the sweeper closes the socket
     * @throws IllegalArgumentException if the engine's records do not fit the buffers
     * @throws IOException if the channel is no longer connected
     */
    public static TlsTransport of(SocketChannel channel, SSLEngine engine, TlsBuffers buffers,
            long writeTimeoutNanos) throws IOException {
        return of(StreamSocket.of(channel), engine, buffers, writeTimeoutNanos);
    }

    /**
     * A TLS transport over another kind of connected socket, which it then owns; otherwise as
     * {@link #of(SocketChannel, SSLEngine, TlsBuffers, long)}.
     */
    public static TlsTransport of(StreamSocket socket, SSLEngine engine, TlsBuffers buffers,
            long writeTimeoutNanos) throws IOException {
        Objects.requireNonNull(engine, "engine");
        buffers.checkFits(engine);
        return new TlsTransport(socket, engine, buffers, writeTimeoutNanos);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void handshake() throws IOException {
        if (handshaken) {
            return;
        }
        TlsTasks.handshakeStarted();
        try {
            engine.beginHandshake();
            HandshakeStatus status = engine.getHandshakeStatus();
            boolean opening = true;
            while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
                status = switch (status) {
                    case NEED_WRAP -> output.gatherEngineMessages();
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> input.unwrapHandshake();
                    case NEED_TASK -> {
                        if (opening) {
                            TlsTasks.runOpening(engine);
                        } else {
                            runDelegatedTasks(engine);
                        }
                        opening = false;
                        yield engine.getHandshakeStatus();
                    }
                    default -> throw new SSLException("unexpected handshake status " + status);
                };
            }
            output.flush(); // the last flight: a client's Finished, a server's session ticket
        } catch (SSLException e) {
            sendAlert();
            throw e;
        } finally {
            output.discardGathered();
            TlsTasks.handshakeEnded();
        }
        input.releaseIfEmpty();
        handshaken = true;
    }

    /**
     * Answers a peer that spoke plaintext to this TLS server ({@link PlaintextPeerException} from
     * {@link #handshake()}) with these bytes, outside TLS, and ends the output: what a person who typed
     * {@code http://} for an HTTPS port can read (nginx and Go answer so). What the peer sent was read with its first
     * bytes, mostly all of a request, so the close that follows finds little unread.
     */
    public void answerPlaintextPeer(byte[] answer) throws IOException {
        socketOutput.write(answer, 0, answer.length);
        socketOutput.flush();
        shutdownSocketOutput();
    }

    /** Tells the peer why the handshake failed, if the engine has an alert to send; best effort. */
    private void sendAlert() {
        try {
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                output.sendEngineMessage();
            }
        } catch (IOException | RuntimeException e) {
            // the peer may be gone already; the handshake's own failure is what gets reported
        }
    }

    static void runDelegatedTasks(SSLEngine engine) throws IOException {
        TlsTasks.run(engine);
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return handshaken ? Optional.of(engine.getSession()) : Optional.empty();
    }

    @Override
    public Optional<String> applicationProtocol() {
        String protocol = handshaken ? engine.getApplicationProtocol() : null;
        return protocol == null || protocol.isEmpty() ? Optional.empty() : Optional.of(protocol);
    }

    /** The engine, for facts of the session the JSSE API keeps there (the SNI name asked for, say). */
    public SSLEngine engine() {
        return engine;
    }

    @Override
    public boolean hasInputEnded() {
        return input.hasEnded();
    }

    @Override
    public IdleInput pollInput() throws IOException {
        return input.poll();
    }

    @Override
    public long discardArrived(long maxBytes) throws IOException {
        return input.discardArrived(maxBytes);
    }

    /**
     * Bounds a TLS record that begins while the connection waits idle: once its first byte came, the rest must come
     * within this (a server's header timeout), not the idle deadline; see {@code TlsInput}. Off by default.
     */
    @Override
    public void recordTimeout(long nanos) {
        input.recordTimeout(nanos);
    }

    @Override
    public boolean hasBufferedInput() {
        return input.hasBuffered() || socketInput.hasPeeked();
    }

    @Override
    public long bytesWritten() {
        return output.written();
    }

    /**
     * Sends close_notify, then ends the socket's output; after a refused renegotiation, only ends it (a wrap would
     * send the engine's answer to the new handshake first).
     */
    @Override
    public void shutdownOutput() throws IOException {
        if (isOpen() && !isOutputShut()) {
            if (!input.refusedRenegotiation()) {
                engine.closeOutbound();
                output.sendEngineMessage();
            }
            shutdownSocketOutput();
        }
    }

    @Override
    public void releaseBuffers() {
        input.release();
    }
}
