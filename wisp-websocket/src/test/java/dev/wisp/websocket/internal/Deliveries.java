package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.core.BufferPool;
import dev.wisp.core.WireInput;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Runs a codec over the same wire bytes as a socket might deliver them: whole from an array, one byte per read,
 * and in two reads split at every offset. All deliveries must end alike, with equal values or with exceptions of
 * one type and message; that common outcome is returned or thrown.
 */
final class Deliveries {
    /** Small enough that long frames cross buffer refills, large enough for any frame header. */
    static final int BUFFER_SIZE = 128;

    @FunctionalInterface
    interface Codec<T> {
        T read(WireInput in) throws IOException;
    }

    private Deliveries() {
    }

    static <T> T read(byte[] wire, Codec<T> codec) throws IOException {
        Object[] expected = outcome(WireInput.of(wire), codec);
        check(expected, outcome(stream(wire, 1, 1), codec), "one byte a read");
        for (int split : splits(wire.length)) {
            check(expected, outcome(stream(wire, split, wire.length - split), codec), "split at " + split);
        }
        if (expected[1] instanceof IOException e) {
            throw e;
        }
        if (expected[1] instanceof RuntimeException e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) expected[0];
        return value;
    }

    /**
     * Every offset of a short input; for a long one, every offset among its first and last 300 bytes (where the
     * headers are) and 300 spread between.
     */
    private static int[] splits(int length) {
        if (length <= 900) {
            return IntStream.range(1, length).toArray();
        }
        return IntStream.concat(IntStream.concat(IntStream.range(1, 300), IntStream.range(0, 300)
                .map(i -> 300 + (int) ((long) i * (length - 600) / 300))), IntStream.range(length - 300, length))
                .distinct().toArray();
    }

    /** The bytes as a pooled stream whose reads return at most {@code first} bytes, then at most {@code rest}. */
    static WireInput stream(byte[] wire, int first, int rest) {
        return WireInput.of(new SlicedStream(wire, first, Math.max(rest, 1)), new BufferPool(BUFFER_SIZE, 1));
    }

    private static Object[] outcome(WireInput in, Codec<?> codec) {
        try {
            return new Object[] {codec.read(in), null};
        } catch (IOException | RuntimeException e) {
            return new Object[] {null, e};
        }
    }

    private static void check(Object[] expected, Object[] actual, String delivery) {
        Throwable want = (Throwable) expected[1];
        Throwable got = (Throwable) actual[1];
        boolean same = want == null
                ? got == null && Objects.equals(expected[0], actual[0])
                : got != null && want.getClass() == got.getClass() && Objects.equals(want.getMessage(),
                        got.getMessage());
        if (!same) {
            fail("delivered " + delivery + ": got " + (got != null ? got : actual[0]) + ", whole: "
                    + (want != null ? want : expected[0]), got != null ? got : want);
        }
    }

    /** A stream whose first read returns at most {@code first} bytes and every later one at most {@code rest}. */
    private static final class SlicedStream extends InputStream {
        private final byte[] bytes;
        private final int first;
        private final int rest;
        private int position;

        SlicedStream(byte[] bytes, int first, int rest) {
            this.bytes = bytes;
            this.first = first;
            this.rest = rest;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] destination, int offset, int length) {
            if (position >= bytes.length) {
                return -1;
            }
            int allowed = position == 0 ? first : rest;
            if (position < first && position > 0) {
                allowed = first - position;
            }
            int n = Math.min(Math.min(length, allowed), bytes.length - position);
            System.arraycopy(bytes, position, destination, offset, n);
            position += n;
            return n;
        }
    }

    /** Every event a reader gives until the stream ends between frames, described as text. */
    static List<String> events(WebSocketFrameReader reader) throws IOException {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            Incoming next;
            try {
                next = reader.readNext();
            } catch (java.io.EOFException e) {
                if (e.getMessage().equals("stream ended before a close frame")) {
                    return events;
                }
                throw e;
            }
            events.add(describe(next));
        }
        throw new AssertionError("more than 100000 events");
    }

    static String describe(Incoming incoming) {
        return switch (incoming) {
            case Incoming.Text text -> "text " + text.text();
            case Incoming.Binary binary -> "binary " + Wire.hex(binary.bytes());
            case Incoming.Ping ping -> "ping " + Wire.hex(ping.payload());
            case Incoming.Pong pong -> "pong " + Wire.hex(pong.payload());
            case Incoming.Close close -> "close " + close.code() + " " + close.reason();
        };
    }
}
