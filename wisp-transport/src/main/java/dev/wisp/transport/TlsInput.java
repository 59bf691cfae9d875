package dev.wisp.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLProtocolException;

/**
 * The plaintext side of a TLS connection's reads: reads records from the socket and unwraps them. Two buffers
 * at most are held, and only while they hold bytes: {@code net}, records read but not yet unwrapped, and
 * {@code plain}, decrypted bytes not yet read. Both go back to the pool as soon as they are empty.
 *
 * <p>An idle wait (a one-byte read with nothing buffered, as {@code WireInput.awaitData()} makes) reads the next
 * record's five-byte header into a small array of its own, and takes a buffer only when a record is arriving: a
 * TLS connection waiting for its next request holds no record buffer.
 *
 * <p>One thread reads at a time. Replies the engine must send while reading go through {@link TlsOutput}.
 */
final class TlsInput extends InputStream {
    /** RFC 8446 §5.1: content type, legacy version, and a two-byte length. */
    private static final int RECORD_HEADER_BYTES = 5;
    /**
     * Records one {@link #poll()} unwraps at most. An idle connection receives a few (session tickets, a key
     * update); a peer that keeps sending more is not idle, and is reported as having sent data.
     */
    private static final int MAX_POLLED_RECORDS = 16;

    private final SSLEngine engine;
    private final ChannelInput raw;
    private final TlsOutput output;
    private final TlsBuffers buffers;
    private final byte[] header = new byte[RECORD_HEADER_BYTES];
    private int headerBytes;
    /** Set once a renegotiation was refused; the reading thread writes it, the closing one reads it. */
    private volatile boolean refusedRenegotiation;
    /** Records read, not yet unwrapped, in read mode; null when none. */
    private ByteBuffer net;
    /** Plaintext not yet read, in read mode; null when none. */
    private ByteBuffer plain;
    private boolean ended;
    /** Set once a server's first byte from its peer could start a TLS record: see {@link PlaintextPeerException}. */
    private boolean peerSpokeTls;
    /** How long a record begun in an idle wait may take to arrive whole; 0 for no bound of its own. */
    private long recordTimeoutNanos;
    /** The read deadline a record's bound replaced, put back once the record came whole; -1 when none was. */
    private long deadlineBeforeRecord = -1;
    private long recordDeadline;

    TlsInput(SSLEngine engine, ChannelInput raw, TlsOutput output, TlsBuffers buffers) {
        this.engine = engine;
        this.raw = raw;
        this.output = output;
        this.buffers = buffers;
    }

    /**
     * Bounds a record that begins in an idle wait: its rest must come within this, where the idle deadline would
     * let a peer that sends a record a byte a second hold the connection for the idle timeout (a head's first
     * plaintext byte comes only with the whole record, so a server's header timeout could not start before). The
     * deadline in force comes back once the record is whole, unless the connection set another meanwhile.
     */
    void recordTimeout(long nanos) {
        recordTimeoutNanos = nanos;
    }

    /** Whether the stream has ended: a close_notify came, or the socket's input ended. */
    boolean hasEnded() {
        return ended || raw.hasEnded();
    }

    /** Whether records or plaintext have been read and not consumed, even part of a record's header. */
    boolean hasBuffered() {
        return plain != null || net != null || headerBytes > 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (plain == null) {
            if (ended || !unwrapRecord(length == 1)) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(length, plain.remaining());
        plain.get(bytes, offset, n);
        if (!plain.hasRemaining()) {
            buffers.release(plain.array());
            plain = null;
        }
        return n;
    }

    @Override
    public int available() {
        return plain == null ? 0 : plain.remaining();
    }

    /**
     * Unwraps records until one yields plaintext or a handshake step is done.
     *
     * @param idle whether to wait for the next record without holding a buffer
     * @return false at the end of the stream
     */
    private boolean unwrapRecord(boolean idle) throws IOException {
        while (true) {
            if (net == null && !(idle ? awaitRecordHeader() : readMore(false) >= 0)) {
                return false;
            }
            SSLEngineResult result = unwrapOnce();
            recordArrivedUnlessShort(result);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                return false;
            }
            refuseRenegotiation(result.getHandshakeStatus());
            respond(result.getHandshakeStatus());
            if (plain != null) {
                return true;
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && readMore(false) < 0) {
                return false;
            }
        }
    }

    /**
     * Unwraps the records that have arrived whole, without blocking; see {@code Transport.pollInput()}.
     * Post-handshake messages are answered as in a blocking read.
     */
    IdleInput poll() throws IOException {
        for (int records = 0; records < MAX_POLLED_RECORDS; records++) {
            if (plain != null) {
                return IdleInput.DATA;
            }
            if (hasEnded()) {
                return IdleInput.ENDED;
            }
            if (net == null) {
                int n = raw.readNow(header, headerBytes, RECORD_HEADER_BYTES - headerBytes);
                if (n < 0) {
                    return IdleInput.ENDED;
                }
                tookOfHeader(n);
                if (headerBytes < RECORD_HEADER_BYTES) {
                    return IdleInput.EMPTY;
                }
                takeHeaderIntoBuffer();
            }
            SSLEngineResult result = unwrapOnce();
            recordArrivedUnlessShort(result);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                ended = true;
                return IdleInput.ENDED;
            }
            refuseRenegotiation(result.getHandshakeStatus());
            respond(result.getHandshakeStatus());
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                int n = readMore(true);
                if (n < 0) {
                    return IdleInput.ENDED;
                }
                if (n == 0) {
                    return IdleInput.EMPTY;
                }
            }
        }
        return plain != null || net != null ? IdleInput.DATA : IdleInput.EMPTY;
    }

    /**
     * Drops the plaintext of the records that have arrived whole, without blocking; see
     * {@code Transport.discardArrived(long)}. Bounded in polls too, so that records without plaintext (post-handshake
     * messages) cannot keep the caller here: it calls again when more has arrived.
     */
    long discardArrived(long maxBytes) throws IOException {
        long dropped = 0;
        for (int polls = 0; polls < MAX_POLLED_RECORDS && dropped < maxBytes; polls++) {
            IdleInput arrived = poll();
            if (plain != null) {
                dropped += plain.remaining();
                buffers.release(plain.array());
                plain = null;
            } else if (arrived == IdleInput.ENDED) {
                ended = true;
                return -1;
            } else if (arrived == IdleInput.EMPTY) {
                break;
            }
        }
        return dropped;
    }

    /**
     * Takes one handshake step that needs the peer's bytes; for {@code TlsTransport.handshake()}.
     *
     * @throws EOFException if the peer closes before the handshake is done
     */
    HandshakeStatus unwrapHandshake() throws IOException {
        while (true) {
            if (net == null && readMoreOfHandshake() < 0) {
                throw new EOFException("peer closed the connection during the TLS handshake");
            }
            if (!engine.getUseClientMode() && !peerSpokeTls && net.hasRemaining()) {
                if (PlaintextPeerException.isPlaintextStart(net.get(net.position()))) {
                    throw new PlaintextPeerException();
                }
                peerSpokeTls = true;
            }
            SSLEngineResult result = unwrapOnce();
            switch (result.getStatus()) {
                case OK -> {
                    return result.getHandshakeStatus();
                }
                case CLOSED -> throw new EOFException("peer closed TLS during the handshake");
                default -> {
                    if (readMoreOfHandshake() < 0) {
                        throw new EOFException("peer closed the connection during the TLS handshake");
                    }
                }
            }
        }
    }

    /** Waits for more of the peer's flight, after sending ours: the peer may be waiting for it. */
    private int readMoreOfHandshake() throws IOException {
        output.flush();
        return readMore(false);
    }

    /** Unwraps what {@code net} holds into a fresh plaintext buffer, kept only if it received bytes. */
    private SSLEngineResult unwrapOnce() throws SSLException {
        byte[] array = buffers.acquire();
        ByteBuffer target = ByteBuffer.wrap(array);
        SSLEngineResult result;
        try {
            result = engine.unwrap(net, target);
        } catch (SSLException e) {
            buffers.release(array);
            throw e;
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            buffers.release(array);
            throw new SSLException("TLS record does not fit a " + array.length + "-byte buffer");
        }
        if (target.position() > 0) {
            plain = target.flip();
        } else {
            buffers.release(array);
        }
        if (!net.hasRemaining()) {
            buffers.release(net.array());
            net = null;
        }
        return result;
    }

    /**
     * Fails when a TLS 1.2 peer starts a new handshake on an established connection: a renegotiation. The JDK
     * accepts one from a client unless the JVM-wide {@code jdk.tls.rejectClientInitiatedRenegotiation} is set, and
     * each costs the server a full handshake (its private-key operation) for a few bytes of the client's: a
     * denial-of-service lever that scanners rate HIGH. Wisp never needs one (client certificates are asked for in
     * the first handshake), so the connection ends before the engine answers. TLS 1.3 has no renegotiation; its
     * post-handshake messages (KeyUpdate, NewSessionTicket) go on through {@link #respond}.
     *
     * <p>Nothing more is sent: the engine has the new handshake under way, and any wrap from here on, an alert's
     * or a close_notify's, would first send its answer, ServerHello to ServerHelloDone with the signature it cost.
     * So the connection ends with the socket's close ({@link #refusedRenegotiation()} keeps the transport's own
     * close from wrapping), and the peer fails at once on the end of the stream.
     */
    private void refuseRenegotiation(HandshakeStatus status) throws SSLException {
        if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED
                || !"TLSv1.2".equals(engine.getSession().getProtocol())) {
            return;
        }
        refusedRenegotiation = true;
        release();
        throw new SSLProtocolException("TLS 1.2 renegotiation refused: the peer started a new handshake on an "
                + "established connection");
    }

    /** Whether a renegotiation was refused: the engine must not wrap again (see {@link #refuseRenegotiation}). */
    boolean refusedRenegotiation() {
        return refusedRenegotiation;
    }

    /** Does what the engine asks after an unwrap outside the handshake: run a task, send a reply. */
    private void respond(HandshakeStatus status) throws IOException {
        while (true) {
            switch (status) {
                case NEED_TASK -> {
                    TlsTransport.runDelegatedTasks(engine);
                    status = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> status = output.sendEngineMessage();
                default -> {
                    return;
                }
            }
        }
    }

    /** Waits for the next record's header without a buffer, then moves it into one. */
    private boolean awaitRecordHeader() throws IOException {
        while (headerBytes < RECORD_HEADER_BYTES) {
            int n = raw.read(header, headerBytes, RECORD_HEADER_BYTES - headerBytes);
            if (n < 0) {
                return false;
            }
            tookOfHeader(n);
        }
        takeHeaderIntoBuffer();
        return true;
    }

    /** Starts {@code net} with what an idle wait read of the next record's header: all of it, part, or none. */
    private void takeHeaderIntoBuffer() {
        net = ByteBuffer.wrap(buffers.acquire());
        net.put(header, 0, headerBytes).flip();
        headerBytes = 0;
    }

    /** Counts bytes of a record's header read in an idle wait; the first of them begin the record. */
    private void tookOfHeader(int n) {
        if (headerBytes == 0 && n > 0) {
            recordBegins();
        }
        headerBytes += n;
    }

    /** A record's first bytes came in an idle wait: its rest must come within the record timeout, if that is sooner. */
    private void recordBegins() {
        if (recordTimeoutNanos <= 0 || !raw.hasAbsoluteDeadline() || deadlineBeforeRecord >= 0) {
            return;
        }
        long current = raw.deadlineNanos();
        long bound = System.nanoTime() + recordTimeoutNanos;
        if (current != 0 && current - bound <= 0) {
            return; // the deadline in force comes first
        }
        deadlineBeforeRecord = current;
        recordDeadline = bound;
        raw.deadline(bound);
    }

    /** An unwrap that took a whole record ends its bound: the deadline it replaced is in force again. */
    private void recordArrivedUnlessShort(SSLEngineResult result) {
        if (deadlineBeforeRecord < 0 || result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            return;
        }
        if (raw.hasAbsoluteDeadline() && raw.deadlineNanos() == recordDeadline) {
            raw.deadline(deadlineBeforeRecord);
        }
        deadlineBeforeRecord = -1;
    }

    /**
     * Reads more records into {@code net}, after what it holds: blocking, or only what has arrived ({@code now}).
     *
     * @return the bytes read, 0 only when {@code now} and nothing has arrived, -1 at the end of the stream
     */
    private int readMore(boolean now) throws IOException {
        if (net == null) {
            // A record's header that an idle wait began ({@link #poll()}) comes first: a read of more than one byte
            // that followed it read the rest of the header as if it were the start (an HTTP/2 connection over TLS
            // failed so when a record's header came in two pieces after a pause).
            takeHeaderIntoBuffer();
        }
        net.compact();
        if (!net.hasRemaining()) {
            growForLargeRecord();
        }
        int n;
        try {
            n = now ? raw.readNow(net.array(), net.position(), net.remaining())
                    : raw.read(net.array(), net.position(), net.remaining());
            if (n > 0) {
                net.position(net.position() + n);
            }
        } finally {
            net.flip();
        }
        if (n < 0 && !net.hasRemaining()) {
            buffers.release(net.array());
            net = null;
        }
        return n;
    }

    /**
     * Makes room for a record that fills the whole buffer and is not complete yet. The engine takes records up to
     * its packet size, which grows past these buffers' (up to about 33 KiB) once it has seen a larger record's
     * header; a record larger still, or one the engine does not want, ends the connection (record_overflow). A
     * read into no room returns nothing, so without this the unwrap would ask for more bytes again and again: a
     * thread spinning for good on a few bytes of a peer's, before any handshake.
     */
    private void growForLargeRecord() throws SSLProtocolException {
        int needed = engine.getSession().getPacketBufferSize();
        if (needed <= net.capacity()) {
            net.flip();
            throw new SSLProtocolException("TLS record larger than " + net.capacity()
                    + " bytes (record_overflow)");
        }
        int held = net.position();
        net = ByteBuffer.wrap(buffers.grow(net.array(), needed));
        net.position(held);
    }

    /** Gives back whatever buffers are held; for a connection that is closing. */
    void release() {
        if (net != null) {
            buffers.release(net.array());
            net = null;
        }
        if (plain != null) {
            buffers.release(plain.array());
            plain = null;
        }
    }

    /** Gives back the record buffer once nothing is waiting in it. */
    void releaseIfEmpty() {
        if (net != null && !net.hasRemaining()) {
            buffers.release(net.array());
            net = null;
        }
    }
}
