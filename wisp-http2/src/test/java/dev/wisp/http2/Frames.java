package dev.wisp.http2;

import dev.wisp.core.BufferPool;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Frames for tests: hand-built bytes as RFC 9113 §4.1 lays them out (malformed ones too), and frames as text. */
final class Frames {
    static final int MAX_FRAME = 16_384;
    static final int MAX_BLOCK = 64 * 1024;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    static Frames wire() {
        return new Frames();
    }

    /** A frame of any type, flags, stream and payload; the reserved bit is set when {@code streamId} is negative. */
    Frames frame(int type, int flags, int streamId, byte[] payload) {
        return header(payload.length, type, flags, streamId).bytes(payload);
    }

    Frames frame(int type, int flags, int streamId, String hexPayload) {
        return frame(type, flags, streamId, hex(hexPayload));
    }

    /** A frame header alone, claiming {@code length} bytes of payload. */
    Frames header(int length, int type, int flags, int streamId) {
        bytes.write(length >>> 16);
        bytes.write(length >>> 8);
        bytes.write(length);
        bytes.write(type);
        bytes.write(flags);
        bytes.write(streamId >>> 24);
        bytes.write(streamId >>> 16);
        bytes.write(streamId >>> 8);
        bytes.write(streamId);
        return this;
    }

    Frames bytes(byte[] raw) {
        bytes.writeBytes(raw);
        return this;
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }

    /** What a writer makes of these frames, with the peer's default maximum frame size. */
    static byte[] written(Frame... frames) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(WireOutput.of(sink));
        for (Frame frame : frames) {
            writer.write(frame);
        }
        writer.flush();
        return sink.toByteArray();
    }

    /** Every frame in the bytes, read from an array, as text. */
    static List<String> read(byte[] wire) throws IOException {
        return readAll(new FrameReader(WireInput.of(wire), MAX_FRAME, MAX_BLOCK));
    }

    /** Every frame in the bytes, read from a stream that hands them out in pieces of at most {@code chunk}. */
    static List<String> read(byte[] wire, int chunk) throws IOException {
        return read(new ChunkedStream(wire, chunk));
    }

    static List<String> read(InputStream in) throws IOException {
        return readAll(new FrameReader(WireInput.of(in, new BufferPool(64, 1)), MAX_FRAME, MAX_BLOCK));
    }

    static List<String> readAll(FrameReader reader) throws IOException {
        List<String> frames = new ArrayList<>();
        while (true) {
            Frame frame;
            try {
                frame = reader.readFrame();
            } catch (EOFException e) {
                if (e.getMessage().equals("stream ended between frames")) {
                    return frames;
                }
                throw e;
            }
            frames.add(describe(frame));
        }
    }

    static String describe(Frame frame) {
        return switch (frame) {
            case DataFrame data -> "DATA " + data.streamId() + " " + hex(data.data())
                    + (data.endStream() ? " END_STREAM" : "")
                    + (data.padding() > 0 ? " padding " + data.padding() : "");
            case HeadersFrame headers -> "HEADERS " + headers.streamId() + " " + hex(headers.headerBlock())
                    + (headers.endStream() ? " END_STREAM" : "")
                    + headers.priority().map(p -> " " + describe(p)).orElse("")
                    + (headers.padding() > 0 ? " padding " + headers.padding() : "");
            case PriorityFrame priority -> "PRIORITY " + priority.streamId() + " " + describe(priority.priority());
            case ResetFrame reset -> "RST_STREAM " + reset.streamId() + " " + reset.errorCode();
            case SettingsFrame settings -> "SETTINGS" + (settings.ack() ? " ACK" : "") + settings.settings().stream()
                    .map(s -> " " + s.identifier() + "=" + s.value()).reduce("", String::concat);
            case PushPromiseFrame promise -> "PUSH_PROMISE " + promise.streamId() + " promises "
                    + promise.promisedStreamId() + " " + hex(promise.headerBlock())
                    + (promise.padding() > 0 ? " padding " + promise.padding() : "");
            case PingFrame ping -> "PING" + (ping.ack() ? " ACK " : " ") + Long.toHexString(ping.payload());
            case GoAwayFrame goAway -> "GOAWAY last " + goAway.lastStreamId() + " " + goAway.errorCode() + " "
                    + hex(goAway.debugData());
            case WindowUpdateFrame update -> "WINDOW_UPDATE " + update.streamId() + " " + update.increment();
            case ContinuationFrame continuation -> "CONTINUATION " + continuation.streamId() + " "
                    + hex(continuation.fragment()) + (continuation.endHeaders() ? " END_HEADERS" : "");
            case UnknownFrame unknown -> "UNKNOWN type " + unknown.type() + " flags " + unknown.flags() + " stream "
                    + unknown.streamId() + " length " + unknown.length();
        };
    }

    private static String describe(Priority priority) {
        return (priority.exclusive() ? "exclusive " : "") + "on " + priority.streamDependency() + " weight "
                + priority.weight();
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A stream that returns at most {@code chunk} bytes per read, or, with a negative chunk, splits once there. */
    static final class ChunkedStream extends InputStream {
        private final byte[] content;
        private final int chunk;
        private int position;

        ChunkedStream(byte[] content, int chunk) {
            this.content = content;
            this.chunk = chunk;
        }

        /** A stream whose first read ends at {@code offset} and whose second returns all the rest. */
        static ChunkedStream splitAt(byte[] content, int offset) {
            return new ChunkedStream(content, -Math.max(offset, 1));
        }

        @Override
        public int read() {
            return position < content.length ? content[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] destination, int offset, int length) {
            if (position == content.length) {
                return -1;
            }
            int most = chunk > 0 ? chunk : position < -chunk ? -chunk - position : Integer.MAX_VALUE;
            int n = Math.min(Math.min(length, most), content.length - position);
            System.arraycopy(content, position, destination, offset, n);
            position += n;
            return n;
        }
    }
}
