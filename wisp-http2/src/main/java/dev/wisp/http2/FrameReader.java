package dev.wisp.http2;

import static dev.wisp.http2.ErrorCode.FRAME_SIZE_ERROR;
import static dev.wisp.http2.ErrorCode.PROTOCOL_ERROR;

import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads HTTP/2 frames (RFC 9113 §4, §6) from a {@link WireInput}, one per {@link #readFrame()}, blocking, and checks
 * each strictly: the length against our SETTINGS_MAX_FRAME_SIZE, the stream identifier and the length each type
 * requires, padding, settings values (§6.5.2) and WINDOW_UPDATE increments. A HEADERS or PUSH_PROMISE frame comes back
 * with its whole header block, joined from the CONTINUATION frames that must follow it on the same stream (§6.10),
 * ready for the HPACK decoder. Frames of unknown types are read past and reported as {@link UnknownFrame} (§5.5);
 * unknown flags and the reserved bit are ignored (§4.1).
 *
 * <table class="striped">
 * <caption>Limits</caption>
 * <tr><th>limit</th><th>set by</th><th>when crossed</th></tr>
 * <tr><td>{@code maxFrameSize}</td><td>constructor, then {@link #maxFrameSize(int)} once the peer acknowledged our
 *     SETTINGS_MAX_FRAME_SIZE; 16,384 by default</td><td>a frame whose payload is longer:
 *     {@link ConnectionException} FRAME_SIZE_ERROR (§4.2), before any of its payload is read</td></tr>
 * <tr><td>{@code maxHeaderBlockBytes}</td><td>constructor</td><td>the frames of one header block, 9 bytes of frame
 *     header counted for each so that empty CONTINUATION frames count too, add up to more:
 *     {@link HeaderBlockTooLargeException} (ENHANCE_YOUR_CALM), before the frame that crosses it is read</td></tr>
 * </table>
 *
 * <p>Some rules need a connection's state and are its to check: which streams may be opened, closed or pushed
 * (§5.1, §8.4), and a HEADERS frame whose priority makes its stream depend on itself (§5.3.1), which comes back as
 * read because its block must still reach the HPACK decoder before the stream is reset.
 *
 * <p>A {@link ConnectionException} leaves the reader at an unknown place in the stream: the connection must end. A
 * {@link StreamException} (a PRIORITY frame of the wrong length or depending on its own stream, a WINDOW_UPDATE of 0
 * for a stream) comes after the whole frame was read, and the next call reads the next frame. At the end of the
 * stream, between frames or inside one, it throws {@link EOFException}; a connection that wants to tell a clean close
 * from a cut one waits with {@link WireInput#awaitData()} between frames.
 *
 * <p>Not thread-safe: the connection's reading thread owns it.
 */
public final class FrameReader {
    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    static final int FLAG_PADDED = 0x8;
    static final int FLAG_PRIORITY = 0x20;
    static final int HEADER_LENGTH = 9;

    private final WireInput in;
    private final int maxHeaderBlockBytes;
    private int maxFrameSize;

    // The header of the frame being read.
    private int length;
    private int type;
    private int flags;
    private int streamId;

    /**
     * @param maxFrameSize our SETTINGS_MAX_FRAME_SIZE: 16,384 until the peer acknowledged a larger one
     * @param maxHeaderBlockBytes the most bytes the frames of one header block may take, headers included
     * @throws IllegalArgumentException if {@code maxFrameSize} is outside 16,384 to 16,777,215 or
     *         {@code maxHeaderBlockBytes} is not positive
     */
    public FrameReader(WireInput in, int maxFrameSize, int maxHeaderBlockBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxHeaderBlockBytes <= 0) {
            throw new IllegalArgumentException("maxHeaderBlockBytes must be positive: " + maxHeaderBlockBytes);
        }
        this.maxHeaderBlockBytes = maxHeaderBlockBytes;
        maxFrameSize(maxFrameSize);
    }

    /**
     * Sets our SETTINGS_MAX_FRAME_SIZE, once the peer acknowledged it.
     *
     * @throws IllegalArgumentException if it is outside 16,384 to 16,777,215
     */
    public void maxFrameSize(int maxFrameSize) {
        if (maxFrameSize < Settings.MIN_MAX_FRAME_SIZE || maxFrameSize > Settings.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 16384 to 16777215: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * The type of the frame read last, or being read when an exception came: for a connection that answers a
     * {@link StreamException} by the frame's type (a PRIORITY frame may name an idle stream, other frames not).
     */
    public int lastFrameType() {
        return type;
    }

    /**
     * Reads the client connection preface (RFC 9113 §3.4), as a server does first.
     *
     * @throws ConnectionException PROTOCOL_ERROR if the bytes differ, as soon as one does
     * @throws EOFException if the stream ends first
     */
    public void readPreface() throws IOException {
        for (int i = 0; i < ConnectionPreface.LENGTH; i++) {
            int b = in.readByte();
            if (b < 0) {
                throw new EOFException("stream ended inside the connection preface, after " + i + " bytes");
            }
            if (b != ConnectionPreface.byteAt(i)) {
                throw new ConnectionException(PROTOCOL_ERROR,
                        "not the HTTP/2 connection preface: byte " + i + " is 0x" + Integer.toHexString(b));
            }
        }
    }

    /**
     * Reads the next frame; a header block whole, its CONTINUATION frames joined.
     *
     * @throws ConnectionException if the peer broke a rule that ends the connection, or crossed a limit
     * @throws StreamException if the peer broke a rule that ends one stream; the frame was read whole
     * @throws EOFException if the stream ends, between frames or inside one
     */
    public Frame readFrame() throws IOException {
        readHeader(false);
        FrameType frameType = FrameType.of(type);
        if (frameType == null) {
            discard(length);
            return new UnknownFrame(type, flags, streamId, length);
        }
        return switch (frameType) {
            case DATA -> readData();
            case HEADERS -> readHeaders();
            case PRIORITY -> readPriority();
            case RST_STREAM -> readReset();
            case SETTINGS -> readSettings();
            case PUSH_PROMISE -> readPushPromise();
            case PING -> readPing();
            case GOAWAY -> readGoAway();
            case WINDOW_UPDATE -> readWindowUpdate();
            case CONTINUATION -> throw new ConnectionException(PROTOCOL_ERROR,
                    "CONTINUATION frame on stream " + streamId + " without a header block to continue");
        };
    }

    /*
     * Frame header (RFC 9113 §4.1):
     * +-----------------------------------------------+
     * |                 Length (24)                   |
     * +---------------+---------------+---------------+
     * |   Type (8)    |   Flags (8)   |
     * +-+-------------+---------------+-------------------------------+
     * |R|                 Stream Identifier (31)                      |
     * +=+=============================================================+
     * |                   Frame Payload (0...)                      ...
     * +---------------------------------------------------------------+
     */
    private void readHeader(boolean inBlock) throws IOException {
        int first = in.readByte();
        if (first < 0) {
            throw new EOFException(inBlock ? "stream ended inside a header block" : "stream ended between frames");
        }
        length = first << 16 | headerByte() << 8 | headerByte();
        type = headerByte();
        flags = headerByte();
        streamId = (headerByte() << 24 | headerByte() << 16 | headerByte() << 8 | headerByte()) & 0x7fff_ffff;
        if (length > maxFrameSize) {
            throw new ConnectionException(FRAME_SIZE_ERROR, typeName() + " frame of " + length + " bytes on stream "
                    + streamId + " exceeds " + maxFrameSize + " bytes (our SETTINGS_MAX_FRAME_SIZE)");
        }
    }

    /*
     * DATA (RFC 9113 §6.1): [Pad Length (8), if PADDED] Data (..) [Padding (..)]
     */
    private Frame readData() throws IOException {
        requireStream();
        int padding = readPadLength(0);
        byte[] data = new byte[length - padding];
        readFully(data, 0, data.length);
        discardPadding(padding);
        return new DataFrame(streamId, data, (flags & FLAG_END_STREAM) != 0, padding);
    }

    /*
     * HEADERS (RFC 9113 §6.2):
     * [Pad Length (8), if PADDED] [E (1), Stream Dependency (31), Weight (8), if PRIORITY]
     * Field Block Fragment (..) [Padding (..)]
     */
    private Frame readHeaders() throws IOException {
        requireStream();
        boolean hasPriority = (flags & FLAG_PRIORITY) != 0;
        int padding = readPadLength(hasPriority ? 5 : 0);
        Optional<Priority> priority = hasPriority ? Optional.of(readPriorityFields()) : Optional.empty();
        boolean endStream = (flags & FLAG_END_STREAM) != 0;
        int fragment = length - padding - (hasPriority ? 5 : 0);
        byte[] block = readHeaderBlock(fragment, padding);
        return new HeadersFrame(streamId, block, endStream, priority, padding);
    }

    /*
     * PUSH_PROMISE (RFC 9113 §6.6):
     * [Pad Length (8), if PADDED] R (1), Promised Stream ID (31), Field Block Fragment (..) [Padding (..)]
     */
    private Frame readPushPromise() throws IOException {
        requireStream();
        int padding = readPadLength(4);
        int promised = readInt() & 0x7fff_ffff;
        if (promised == 0) {
            throw new ConnectionException(PROTOCOL_ERROR, "PUSH_PROMISE on stream " + streamId + " promises stream 0");
        }
        int stream = streamId;
        byte[] block = readHeaderBlock(length - padding - 4, padding);
        return new PushPromiseFrame(stream, promised, block, padding);
    }

    /**
     * Reads the fragment of the HEADERS or PUSH_PROMISE frame whose fields before it were read, skips its padding, and
     * joins the CONTINUATION frames that follow until END_HEADERS (§6.10): any other frame, or one on another stream,
     * before then is a PROTOCOL_ERROR, extension frames included (§5.5).
     */
    private byte[] readHeaderBlock(int fragment, int padding) throws IOException {
        int blockStream = streamId;
        String opener = typeName();
        long wireBytes = HEADER_LENGTH + length;
        checkBlockBytes(wireBytes, blockStream);
        byte[] block = new byte[fragment];
        readFully(block, 0, fragment);
        discardPadding(padding);
        int size = fragment;
        boolean endHeaders = (flags & FLAG_END_HEADERS) != 0;
        while (!endHeaders) {
            readHeader(true);
            if (type != FrameType.CONTINUATION.code() || streamId != blockStream) {
                throw new ConnectionException(PROTOCOL_ERROR, typeName() + " frame on stream " + streamId
                        + " inside the header block of " + opener + " on stream " + blockStream
                        + ", where only CONTINUATION on that stream may come");
            }
            wireBytes += HEADER_LENGTH + length;
            checkBlockBytes(wireBytes, blockStream);
            if (size + length > block.length) {
                block = Arrays.copyOf(block, Math.min(Math.max(size + length, block.length * 2), maxHeaderBlockBytes));
            }
            readFully(block, size, length);
            size += length;
            endHeaders = (flags & FLAG_END_HEADERS) != 0;
        }
        streamId = blockStream;
        return size == block.length ? block : Arrays.copyOf(block, size);
    }

    private void checkBlockBytes(long wireBytes, int blockStream) throws HeaderBlockTooLargeException {
        if (wireBytes > maxHeaderBlockBytes) {
            throw new HeaderBlockTooLargeException(blockStream, maxHeaderBlockBytes);
        }
    }

    /*
     * PRIORITY (RFC 9113 §6.3): E (1), Stream Dependency (31), Weight (8); exactly 5 bytes.
     */
    private Frame readPriority() throws IOException {
        requireStream();
        if (length != 5) {
            // §6.3: a stream error; the frame is read past so that the connection can go on.
            discard(length);
            throw new StreamException(FRAME_SIZE_ERROR, streamId,
                    "PRIORITY frame of " + length + " bytes on stream " + streamId + ", not 5");
        }
        Priority priority = readPriorityFields();
        if (priority.streamDependency() == streamId) {
            // §5.3.1: "A stream cannot depend on itself."
            throw new StreamException(PROTOCOL_ERROR, streamId, "PRIORITY frame makes stream " + streamId
                    + " depend on itself");
        }
        return new PriorityFrame(streamId, priority);
    }

    private Priority readPriorityFields() throws IOException {
        int dependency = readInt();
        int weight = requireByte() + 1;
        return new Priority(dependency < 0, dependency & 0x7fff_ffff, weight);
    }

    /*
     * RST_STREAM (RFC 9113 §6.4): Error Code (32); exactly 4 bytes.
     */
    private Frame readReset() throws IOException {
        requireStream();
        requireLength(4);
        return new ResetFrame(streamId, new ErrorCode(readInt()));
    }

    /*
     * SETTINGS (RFC 9113 §6.5): (Identifier (16), Value (32)) ..., none with ACK.
     */
    private Frame readSettings() throws IOException {
        requireConnection();
        if ((flags & FLAG_ACK) != 0) {
            if (length != 0) {
                throw new ConnectionException(FRAME_SIZE_ERROR,
                        "SETTINGS acknowledgement with " + length + " bytes of payload, not 0");
            }
            return SettingsFrame.ACK;
        }
        if (length % 6 != 0) {
            throw new ConnectionException(FRAME_SIZE_ERROR,
                    "SETTINGS frame of " + length + " bytes, not a multiple of 6");
        }
        List<Setting> settings = new ArrayList<>(length / 6);
        for (int i = 0; i < length / 6; i++) {
            int identifier = requireByte() << 8 | requireByte();
            long value = readInt() & 0xffff_ffffL;
            if (Settings.isKnown(identifier)) {
                Settings.check(identifier, value);
                settings.add(new Setting(identifier, value));
            }
        }
        return new SettingsFrame(false, settings);
    }

    /*
     * PING (RFC 9113 §6.7): Opaque Data (64); exactly 8 bytes.
     */
    private Frame readPing() throws IOException {
        requireConnection();
        requireLength(8);
        long payload = (long) readInt() << 32 | (readInt() & 0xffff_ffffL);
        return new PingFrame((flags & FLAG_ACK) != 0, payload);
    }

    /*
     * GOAWAY (RFC 9113 §6.8): R (1), Last-Stream-ID (31), Error Code (32), Additional Debug Data (..).
     */
    private Frame readGoAway() throws IOException {
        requireConnection();
        if (length < 8) {
            throw new ConnectionException(FRAME_SIZE_ERROR, "GOAWAY frame of " + length + " bytes, fewer than 8");
        }
        int lastStreamId = readInt() & 0x7fff_ffff;
        ErrorCode errorCode = new ErrorCode(readInt());
        byte[] debugData = new byte[length - 8];
        readFully(debugData, 0, debugData.length);
        return new GoAwayFrame(lastStreamId, errorCode, debugData);
    }

    /*
     * WINDOW_UPDATE (RFC 9113 §6.9): R (1), Window Size Increment (31); exactly 4 bytes, on a stream or on 0.
     */
    private Frame readWindowUpdate() throws IOException {
        requireLength(4);
        int increment = readInt() & 0x7fff_ffff;
        if (increment == 0) {
            // §6.9: a stream error for a stream's window, a connection error for the connection's.
            if (streamId == 0) {
                throw new ConnectionException(PROTOCOL_ERROR, "WINDOW_UPDATE with an increment of 0 for the"
                        + " connection");
            }
            throw new StreamException(PROTOCOL_ERROR, streamId,
                    "WINDOW_UPDATE with an increment of 0 on stream " + streamId);
        }
        return new WindowUpdateFrame(streamId, increment);
    }

    /**
     * Reads the Pad Length field if the frame is PADDED; returns the bytes padding takes, the field included, after
     * checking that {@code fixed} bytes of other fields and the padding fit in the payload (§6.1, §6.2, §6.6).
     */
    private int readPadLength(int fixed) throws IOException {
        boolean padded = (flags & FLAG_PADDED) != 0;
        int needed = fixed + (padded ? 1 : 0);
        if (length < needed) {
            throw new ConnectionException(FRAME_SIZE_ERROR, typeName() + " frame of " + length + " bytes on stream "
                    + streamId + " is too short for its " + needed + " bytes of fixed fields");
        }
        if (!padded) {
            return 0;
        }
        int padLength = requireByte();
        if (padLength > length - needed) {
            throw new ConnectionException(PROTOCOL_ERROR, typeName() + " frame on stream " + streamId
                    + " has a pad length of " + padLength + " where only " + (length - needed) + " bytes remain");
        }
        return padLength + 1;
    }

    private void requireStream() throws ConnectionException {
        if (streamId == 0) {
            throw new ConnectionException(PROTOCOL_ERROR, typeName() + " frame on stream 0, which needs a stream");
        }
    }

    private void requireConnection() throws ConnectionException {
        if (streamId != 0) {
            throw new ConnectionException(PROTOCOL_ERROR,
                    typeName() + " frame on stream " + streamId + ", which must be on stream 0");
        }
    }

    /** §4.2: a frame size error in these frames ends the connection. */
    private void requireLength(int expected) throws ConnectionException {
        if (length != expected) {
            throw new ConnectionException(FRAME_SIZE_ERROR, typeName() + " frame of " + length + " bytes on stream "
                    + streamId + ", not " + expected);
        }
    }

    private String typeName() {
        FrameType frameType = FrameType.of(type);
        return frameType != null ? frameType.name() : "type 0x" + Integer.toHexString(type);
    }

    private int headerByte() throws IOException {
        int b = in.readByte();
        if (b < 0) {
            throw new EOFException("stream ended inside a frame header");
        }
        return b;
    }

    private int readInt() throws IOException {
        return requireByte() << 24 | requireByte() << 16 | requireByte() << 8 | requireByte();
    }

    private int requireByte() throws IOException {
        int b = in.readByte();
        if (b < 0) {
            throw new EOFException("stream ended inside a " + typeName() + " frame");
        }
        return b;
    }

    private void readFully(byte[] destination, int offset, int count) throws IOException {
        try {
            in.readFully(destination, offset, count);
        } catch (EOFException e) {
            throw new EOFException("stream ended inside a " + typeName() + " frame");
        }
    }

    /** Skips padding: the Pad Length field was read already. */
    private void discardPadding(int padding) throws IOException {
        if (padding > 0) {
            discard(padding - 1);
        }
    }

    /** Reads past {@code count} bytes without copying them: they are skipped in the input's buffer. */
    private void discard(int count) throws IOException {
        while (count > 0) {
            int buffered = in.limit() - in.position();
            if (buffered == 0) {
                if (!in.fill()) {
                    throw new EOFException("stream ended inside a " + typeName() + " frame");
                }
                continue;
            }
            int n = Math.min(count, buffered);
            in.skip(n);
            count -= n;
        }
    }
}
