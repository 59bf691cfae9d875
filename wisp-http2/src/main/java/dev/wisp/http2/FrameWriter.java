package dev.wisp.http2;

import static dev.wisp.http2.FrameReader.FLAG_ACK;
import static dev.wisp.http2.FrameReader.FLAG_END_HEADERS;
import static dev.wisp.http2.FrameReader.FLAG_END_STREAM;
import static dev.wisp.http2.FrameReader.FLAG_PRIORITY;

import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * Writes HTTP/2 frames (RFC 9113 §4, §6) to a {@link WireOutput}, never one longer than the peer's
 * SETTINGS_MAX_FRAME_SIZE ({@link #maxFrameSize(int)}): a header block longer than a frame allows is split into a
 * HEADERS or PUSH_PROMISE frame and CONTINUATION frames, written back to back (§6.10); any other frame that would not
 * fit is refused with {@link IllegalArgumentException}, since its sender decides its size (DATA frames by the
 * flow-control windows too). Frames go out unpadded: the {@code padding} of a frame record is not written.
 *
 * <p>Frames collect in the output's buffer until {@link #flush()}.
 *
 * <p>Not thread-safe: the connection writes one frame at a time under its write lock, which also keeps a split
 * header block together.
 */
public final class FrameWriter {
    private final WireOutput out;
    private int maxFrameSize = Settings.MIN_MAX_FRAME_SIZE;

    public FrameWriter(WireOutput out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Sets the peer's SETTINGS_MAX_FRAME_SIZE, as its SETTINGS arrive; 16,384 until then.
     *
     * @throws IllegalArgumentException if it is outside 16,384 to 16,777,215
     */
    public void maxFrameSize(int maxFrameSize) {
        if (maxFrameSize < Settings.MIN_MAX_FRAME_SIZE || maxFrameSize > Settings.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 16384 to 16777215: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    /** The largest payload a frame may have now: the peer's SETTINGS_MAX_FRAME_SIZE. */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** Writes the client connection preface (RFC 9113 §3.4); a client follows it with its SETTINGS. */
    public void writePreface() throws IOException {
        out.write(ConnectionPreface.bytes());
    }

    /**
     * Writes one frame; a header block as many frames as the peer's frame size needs.
     *
     * @throws IllegalArgumentException if a frame other than a header block's would be longer than
     *         {@link #maxFrameSize()}, or the frame is an {@link UnknownFrame}, which holds no payload to write
     */
    public void write(Frame frame) throws IOException {
        switch (frame) {
            case DataFrame data -> writeData(data.streamId(), data.data(), 0, data.data().length, data.endStream());
            case HeadersFrame headers -> writeHeaders(headers);
            case PriorityFrame priority -> {
                header(5, FrameType.PRIORITY, 0, priority.streamId());
                writePriority(priority.priority());
            }
            case ResetFrame reset -> {
                header(4, FrameType.RST_STREAM, 0, reset.streamId());
                writeInt(reset.errorCode().code());
            }
            case SettingsFrame settings -> writeSettings(settings);
            case PushPromiseFrame promise -> writeBlock(FrameType.PUSH_PROMISE, 0, promise.streamId(), null,
                    promise.promisedStreamId(), promise.headerBlock());
            case PingFrame ping -> {
                header(8, FrameType.PING, ping.ack() ? FLAG_ACK : 0, 0);
                writeInt((int) (ping.payload() >>> 32));
                writeInt((int) ping.payload());
            }
            case GoAwayFrame goAway -> {
                header(checkLength(8L + goAway.debugData().length, FrameType.GOAWAY), FrameType.GOAWAY, 0, 0);
                writeInt(goAway.lastStreamId());
                writeInt(goAway.errorCode().code());
                out.write(goAway.debugData());
            }
            case WindowUpdateFrame update -> {
                header(4, FrameType.WINDOW_UPDATE, 0, update.streamId());
                writeInt(update.increment());
            }
            case ContinuationFrame continuation -> {
                byte[] fragment = continuation.fragment();
                header(checkLength(fragment.length, FrameType.CONTINUATION), FrameType.CONTINUATION,
                        continuation.endHeaders() ? FLAG_END_HEADERS : 0, continuation.streamId());
                out.write(fragment);
            }
            case UnknownFrame unknown -> throw new IllegalArgumentException(
                    "an UnknownFrame holds no payload to write: type 0x" + Integer.toHexString(unknown.type()));
        }
    }

    /**
     * Writes a DATA frame of {@code length} bytes of {@code data} from {@code offset}, unpadded, without copying them
     * first.
     *
     * @throws IllegalArgumentException if the stream id is not positive or {@code length} exceeds
     *         {@link #maxFrameSize()}
     */
    public void writeData(int streamId, byte[] data, int offset, int length, boolean endStream) throws IOException {
        FrameFields.requireStream(streamId, "DATA");
        Objects.checkFromIndexSize(offset, length, data.length);
        header(checkLength(length, FrameType.DATA), FrameType.DATA, endStream ? FLAG_END_STREAM : 0, streamId);
        out.write(data, offset, length);
    }

    /** Sends the frames written so far, and gives the output's buffer back to its pool. */
    public void flush() throws IOException {
        out.flush();
    }

    private void writeHeaders(HeadersFrame headers) throws IOException {
        int flags = (headers.endStream() ? FLAG_END_STREAM : 0)
                | (headers.priority().isPresent() ? FLAG_PRIORITY : 0);
        writeBlock(FrameType.HEADERS, flags, headers.streamId(), headers.priority().orElse(null), 0,
                headers.headerBlock());
    }

    /**
     * Writes a HEADERS or PUSH_PROMISE frame with as much of the block as fits after its fixed fields, then the rest
     * in CONTINUATION frames; the last frame carries END_HEADERS.
     */
    private void writeBlock(FrameType type, int flags, int streamId, Priority priority, int promisedStreamId,
            byte[] block) throws IOException {
        int fixed = type == FrameType.PUSH_PROMISE ? 4 : priority != null ? 5 : 0;
        int first = Math.min(block.length, maxFrameSize - fixed);
        boolean whole = first == block.length;
        header(fixed + first, type, flags | (whole ? FLAG_END_HEADERS : 0), streamId);
        if (type == FrameType.PUSH_PROMISE) {
            writeInt(promisedStreamId);
        } else if (priority != null) {
            writePriority(priority);
        }
        out.write(block, 0, first);
        for (int done = first; done < block.length; ) {
            int n = Math.min(block.length - done, maxFrameSize);
            boolean last = done + n == block.length;
            header(n, FrameType.CONTINUATION, last ? FLAG_END_HEADERS : 0, streamId);
            out.write(block, done, n);
            done += n;
        }
    }

    private void writeSettings(SettingsFrame settings) throws IOException {
        int length = checkLength(6L * settings.settings().size(), FrameType.SETTINGS);
        header(length, FrameType.SETTINGS, settings.ack() ? FLAG_ACK : 0, 0);
        for (Setting setting : settings.settings()) {
            out.write(setting.identifier() >>> 8);
            out.write(setting.identifier());
            writeInt((int) setting.value());
        }
    }

    private void writePriority(Priority priority) throws IOException {
        writeInt((priority.exclusive() ? 0x8000_0000 : 0) | priority.streamDependency());
        out.write(priority.weight() - 1);
    }

    private int checkLength(long length, FrameType type) {
        if (length > maxFrameSize) {
            throw new IllegalArgumentException(type + " frame of " + length + " bytes exceeds the peer's "
                    + "SETTINGS_MAX_FRAME_SIZE of " + maxFrameSize);
        }
        return (int) length;
    }

    /* Frame header (RFC 9113 §4.1): Length (24), Type (8), Flags (8), R (1), Stream Identifier (31). */
    private void header(int length, FrameType type, int flags, int streamId) throws IOException {
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type.code());
        out.write(flags);
        writeInt(streamId);
    }

    private void writeInt(int value) throws IOException {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
