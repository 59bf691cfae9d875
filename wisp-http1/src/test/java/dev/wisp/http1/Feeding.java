package dev.wisp.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.core.Ascii;
import dev.wisp.core.BufferPool;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.WireInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.function.Executable;

/**
 * Runs a codec over the same bytes delivered in every way a socket may deliver them: all at once from a byte
 * array, one byte per read, and in two pieces split at every offset. Every delivery must give an equal value, or
 * an exception of the same type with the same message; the common result is returned or thrown.
 */
final class Feeding {
    /** Enough for every line the tests send in one piece; tests of longer lines build their own input. */
    static final int BUFFER_SIZE = 1024;
    /** Inputs up to this size are split at every offset; longer ones at evenly spread offsets. */
    private static final int MAX_SPLITS = 2048;

    /** What a test runs over the input: a reader, and whatever it reads after it. */
    @FunctionalInterface
    interface Codec<T> {
        T read(WireInput in) throws IOException;
    }

    private record Outcome(Object value, Throwable error) {
        String describe() {
            return error == null ? "value " + value : error.getClass().getSimpleName() + ": " + error.getMessage();
        }
    }

    private Feeding() {
    }

    static <T> T read(String wire, Codec<T> codec) throws IOException {
        return read(Ascii.bytes(wire), codec);
    }

    static <T> T read(byte[] wire, Codec<T> codec) throws IOException {
        List<Delivery> deliveries = new ArrayList<>();
        deliveries.add(new Delivery("whole", () -> WireInput.of(wire)));
        deliveries.add(new Delivery("one byte a read", () -> oneByteAtATime(wire, BUFFER_SIZE)));
        for (int split : splitOffsets(wire.length)) {
            deliveries.add(new Delivery("split at " + split, () -> pieces(wire, split, wire.length)));
        }
        return readEach(codec, deliveries);
    }

    /** One way of delivering the bytes, made when it is used. */
    record Delivery(String name, Supplier<WireInput> input) {
    }

    /** Runs the codec over each delivery of the same bytes, which must agree, and returns or throws the outcome. */
    @SuppressWarnings("unchecked")
    static <T> T readEach(Codec<T> codec, List<Delivery> deliveries) throws IOException {
        Outcome expected = run(deliveries.get(0).input().get(), codec);
        for (Delivery delivery : deliveries.subList(1, deliveries.size())) {
            agree(expected, run(delivery.input().get(), codec), delivery.name());
        }
        if (expected.error instanceof IOException e) {
            throw e;
        }
        if (expected.error instanceof RuntimeException e) {
            throw e;
        }
        if (expected.error instanceof Error e) {
            throw e;
        }
        return (T) expected.value;
    }

    /**
     * Asserts that every delivery of the wire bytes fails with this exception, status and message.
     *
     * @return the exception, for further checks
     */
    static <E extends HttpProtocolException> E assertRejected(Class<E> type, int status, String message, String wire,
            Codec<?> codec) {
        return assertRejected(type, status, message, () -> read(wire, codec));
    }

    /** Asserts that reading fails with this exception, status and message. */
    static <E extends HttpProtocolException> E assertRejected(Class<E> type, int status, String message,
            Executable reading) {
        E e = assertThrows(type, reading);
        assertEquals(message, e.getMessage());
        assertEquals(status, e.status().code());
        return e;
    }

    /** Reads what is left in the input, as Latin-1 text: the bytes a codec left for the next message. */
    static String rest(WireInput in) throws IOException {
        StringBuilder rest = new StringBuilder();
        byte[] bytes = new byte[64];
        int n;
        while ((n = in.read(bytes, 0, bytes.length)) > 0) {
            rest.append(new String(bytes, 0, n, StandardCharsets.ISO_8859_1));
        }
        return rest.toString();
    }

    /** A stream whose buffers are {@link #BUFFER_SIZE} bytes, delivering the bytes in the given pieces. */
    static WireInput pieces(byte[] wire, int... pieceEnds) {
        return WireInput.of(new PiecewiseInputStream(wire, pieceEnds), new BufferPool(BUFFER_SIZE, 1));
    }

    /** A stream whose buffers are this size, delivering as many bytes as a read asks for. */
    static WireInput stream(byte[] wire, int bufferSize) {
        return WireInput.of(new PiecewiseInputStream(wire), new BufferPool(bufferSize, 1));
    }

    /** A stream that delivers one byte per read. */
    static WireInput oneByteAtATime(byte[] wire, int bufferSize) {
        int[] everyByte = IntStream.rangeClosed(1, wire.length).toArray();
        return WireInput.of(new PiecewiseInputStream(wire, everyByte), new BufferPool(bufferSize, 1));
    }

    /** A stream that delivers pieces of 1 to maxPiece bytes, at random. */
    static WireInput randomPieces(byte[] wire, int bufferSize, Random random, int maxPiece) {
        int[] pieceEnds = new int[wire.length];
        int end = 0;
        for (int i = 0; i < pieceEnds.length; i++) {
            end += 1 + random.nextInt(maxPiece);
            pieceEnds[i] = end;
        }
        return WireInput.of(new PiecewiseInputStream(wire, pieceEnds), new BufferPool(bufferSize, 1));
    }

    private static int[] splitOffsets(int length) {
        if (length <= MAX_SPLITS) {
            return IntStream.range(1, length).toArray();
        }
        return IntStream.range(1, MAX_SPLITS).map(i -> (int) ((long) i * length / MAX_SPLITS)).distinct().toArray();
    }

    private static Outcome run(WireInput in, Codec<?> codec) {
        try {
            return new Outcome(codec.read(in), null);
        } catch (IOException | RuntimeException | Error e) {
            return new Outcome(null, e);
        }
    }

    private static void agree(Outcome expected, Outcome actual, String delivery) {
        boolean same = expected.error == null
                ? actual.error == null && expected.value.equals(actual.value)
                : actual.error != null && expected.error.getClass() == actual.error.getClass()
                        && String.valueOf(expected.error.getMessage()).equals(actual.error.getMessage());
        if (!same) {
            fail("delivered " + delivery + ", the codec gave " + actual.describe() + " instead of "
                    + expected.describe(), actual.error != null ? actual.error : expected.error);
        }
    }

    /** Delivers bytes so that no read crosses the end of a piece. */
    static final class PiecewiseInputStream extends InputStream {
        private final byte[] bytes;
        private final int[] pieceEnds;
        private int position;
        private int piece;

        PiecewiseInputStream(byte[] bytes, int... pieceEnds) {
            this.bytes = bytes;
            this.pieceEnds = pieceEnds.length == 0 ? new int[] {bytes.length} : Arrays.copyOf(pieceEnds,
                    pieceEnds.length);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] destination, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            while (piece < pieceEnds.length && pieceEnds[piece] <= position) {
                piece++;
            }
            int end = piece < pieceEnds.length ? Math.min(pieceEnds[piece], bytes.length) : bytes.length;
            if (position >= end) {
                return -1;
            }
            int n = Math.min(length, end - position);
            System.arraycopy(bytes, position, destination, offset, n);
            position += n;
            return n;
        }
    }
}
