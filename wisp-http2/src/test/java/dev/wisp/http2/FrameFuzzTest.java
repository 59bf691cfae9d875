package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.core.BufferPool;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the reader: whatever bytes arrive, it returns frames within its limits, or throws an
 * {@link Http2Exception} or, for a stream cut short, an {@link java.io.EOFException}; no other exception escapes and
 * nothing loops. And random frames come back from the reader as the writer was given them, under random peer frame
 * sizes. A failure names the iteration and the exact input, so it can be replayed as a unit test.
 *
 * <p>For a longer hunt: {@code -Dwisp.fuzz.iterations=1000000 -Dwisp.fuzz.seed=42} (the seed is added to each
 * test's own).
 */
class FrameFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("wisp.fuzz.iterations", 20_000);
    private static final long SEED = Long.getLong("wisp.fuzz.seed", 0);
    private static final Duration TIME_LIMIT = Duration.ofSeconds(30).multipliedBy(Math.max(1, ITERATIONS / 20_000));
    /** Small, so that mutated lengths reach it. */
    private static final int MAX_BLOCK = 40;

    @Test
    void readerOnlyReturnsFramesWithinItsLimitsOrThrowsHttp2Exceptions() throws IOException {
        Random random = new Random(0x5eed_9113L + SEED);
        byte[] seed = Frames.written(new SettingsFrame(List.of(new Setting(Settings.ENABLE_PUSH, 0))),
                new HeadersFrame(1, Frames.hex("8286 8441 0f77 7777"), false, Optional.of(new Priority(false, 0, 16)),
                        0), new DataFrame(1, "hello".getBytes(), true), new PriorityFrame(3, new Priority(true, 1, 1)),
                new ResetFrame(3, ErrorCode.CANCEL), new PushPromiseFrame(1, 2, Frames.hex("8287"), 0),
                new PingFrame(false, 7), new WindowUpdateFrame(0, 100), new WindowUpdateFrame(1, 5),
                new GoAwayFrame(1, ErrorCode.NO_ERROR, "bye".getBytes()), SettingsFrame.ACK);
        byte[] padded = Frames.wire().frame(0x0, 0x9, 1, "03 6869 000000").frame(0x1, 0x08, 1, "01 8286 00")
                .frame(0x9, 0x04, 1, "84").frame(0xbb, 0x1, 0, "0102").toBytes();
        List<byte[]> seeds = List.of(seed, padded);
        assertTimeoutPreemptively(TIME_LIMIT, () -> {
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
                int chunk = random.nextInt(4) == 0 ? 1 + random.nextInt(8) : Integer.MAX_VALUE;
                try {
                    readAll(input, chunk);
                } catch (RuntimeException | AssertionError e) {
                    fail("iteration " + i + ": " + e + " for " + HexFormat.of().formatHex(input), e);
                }
            }
        });
    }

    private static void readAll(byte[] input, int chunk) throws IOException {
        FrameReader reader = new FrameReader(WireInput.of(new Frames.ChunkedStream(input, chunk),
                new BufferPool(64, 1)), Frames.MAX_FRAME, MAX_BLOCK);
        while (true) {
            try {
                checkWithinLimits(reader.readFrame());
            } catch (StreamException e) {
                assertTrue(e.streamId() > 0 && !e.getMessage().isEmpty());
            } catch (ConnectionException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
                return;
            } catch (EOFException e) {
                return;
            }
        }
    }

    private static void checkWithinLimits(Frame frame) {
        switch (frame) {
            case DataFrame data -> assertTrue(data.flowControlledLength() <= Frames.MAX_FRAME);
            case HeadersFrame headers -> assertTrue(headers.headerBlock().length <= MAX_BLOCK);
            case PushPromiseFrame promise -> assertTrue(promise.headerBlock().length <= MAX_BLOCK);
            case ContinuationFrame continuation -> fail("the reader returned a CONTINUATION frame");
            case GoAwayFrame goAway -> assertTrue(goAway.debugData().length <= Frames.MAX_FRAME - 8);
            case SettingsFrame settings ->
                    settings.settings().forEach(s -> assertTrue(Settings.isKnown(s.identifier())));
            default -> {
            }
        }
    }

    @Test
    void randomFramesSurviveARoundTripUnderRandomPeerFrameSizes() {
        Random random = new Random(0x5eed_9114L + SEED);
        assertTimeoutPreemptively(TIME_LIMIT, () -> {
            for (int i = 0; i < ITERATIONS / 10; i++) {
                int maxFrameSize = random.nextBoolean() ? Settings.MIN_MAX_FRAME_SIZE
                        : Settings.MIN_MAX_FRAME_SIZE + random.nextInt(50_000);
                List<Frame> frames = new ArrayList<>();
                for (int n = random.nextInt(6); n >= 0; n--) {
                    frames.add(randomFrame(random, maxFrameSize));
                }
                ByteArrayOutputStream sink = new ByteArrayOutputStream();
                FrameWriter writer = new FrameWriter(WireOutput.of(sink));
                writer.maxFrameSize(maxFrameSize);
                for (Frame frame : frames) {
                    writer.write(frame);
                }
                writer.flush();
                FrameReader reader = new FrameReader(WireInput.of(new Frames.ChunkedStream(sink.toByteArray(),
                        1 + random.nextInt(40_000)), new BufferPool(1024, 1)), maxFrameSize, 1 << 20);
                assertEquals(frames.stream().map(Frames::describe).toList(), Frames.readAll(reader),
                        "iteration " + i);
            }
        });
    }

    private static Frame randomFrame(Random random, int maxFrameSize) {
        int stream = 1 + random.nextInt(Integer.MAX_VALUE);
        return switch (random.nextInt(9)) {
            case 0 -> new DataFrame(stream, bytes(random, random.nextInt(maxFrameSize + 1)), random.nextBoolean());
            case 1 -> new HeadersFrame(stream, bytes(random, random.nextInt(3 * maxFrameSize)), random.nextBoolean(),
                    random.nextBoolean() ? Optional.empty() : Optional.of(randomPriority(random)), 0);
            case 2 -> new PriorityFrame(stream, randomPriority(random));
            case 3 -> new ResetFrame(stream, new ErrorCode(random.nextInt()));
            case 4 -> new SettingsFrame(List.of(new Setting(Settings.INITIAL_WINDOW_SIZE, random.nextInt(
                    Integer.MAX_VALUE)), new Setting(Settings.HEADER_TABLE_SIZE, random.nextLong(1L << 32))));
            case 5 -> new PushPromiseFrame(stream, 1 + random.nextInt(Integer.MAX_VALUE),
                    bytes(random, random.nextInt(2 * maxFrameSize)), 0);
            case 6 -> new PingFrame(random.nextBoolean(), random.nextLong());
            case 7 -> new GoAwayFrame(random.nextInt(Integer.MAX_VALUE), new ErrorCode(random.nextInt()),
                    bytes(random, random.nextInt(100)));
            default -> new WindowUpdateFrame(random.nextBoolean() ? 0 : stream, 1 + random.nextInt(Integer.MAX_VALUE));
        };
    }

    private static Priority randomPriority(Random random) {
        // A dependency on stream 0 never equals the frame's own stream, which the reader would refuse.
        return new Priority(random.nextBoolean(), 0, 1 + random.nextInt(256));
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Flips, replaces, inserts or deletes a few bytes; sometimes sets a length byte to an extreme. */
    private static byte[] mutate(byte[] seed, Random random) {
        List<Byte> bytes = new ArrayList<>(seed.length + 8);
        for (byte b : seed) {
            bytes.add(b);
        }
        for (int n = 1 + random.nextInt(4); n > 0 && !bytes.isEmpty(); n--) {
            int at = random.nextInt(bytes.size());
            switch (random.nextInt(5)) {
                case 0 -> bytes.set(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8))));
                case 1 -> bytes.set(at, (byte) random.nextInt(256));
                case 2 -> bytes.add(at, (byte) random.nextInt(256));
                case 3 -> bytes.remove(at);
                default -> bytes.set(at, random.nextBoolean() ? (byte) 0 : (byte) 0xff);
            }
        }
        byte[] result = new byte[bytes.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = bytes.get(i);
        }
        return result;
    }
}
