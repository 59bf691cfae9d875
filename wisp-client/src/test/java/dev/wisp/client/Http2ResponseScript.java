package dev.wisp.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.testing.FuzzBytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The frames a fuzzing HTTP/2 server answers a case's requests with (RFC 9113): for a request with a body, a
 * WINDOW_UPDATE that lets the client send the rest of it; each response as HEADERS (split into CONTINUATIONs or
 * padded at times), DATA in one to three frames (some padded) and trailers, the responses interleaved at random,
 * with connection frames a live server sends in between (PING, WINDOW_UPDATE, SETTINGS, PRIORITY, extension frames,
 * and some that end streams: RST_STREAM, GOAWAY); then, in most cases, mutated at the frame level (type, flags,
 * stream, length, payload; frames dropped, repeated or swapped) and at times at the byte level. Header blocks are
 * encoded in the order they go out, so the peer's HPACK table matches the client's when nothing is mutated.
 */
final class Http2ResponseScript {
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int PRIORITY = 0x2;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;

    /** What the server adds to a stream's window for a request body: more than the rest of any body sent. */
    static final int REQUEST_WINDOW_INCREMENT = 1024;

    /** A response the client must read as sent when nothing around it is broken. */
    record Template(String method, boolean interim, int status, String body, String trailer, boolean length) {
    }

    static final List<Template> TEMPLATES = List.of(
            new Template("GET", false, 200, "hello", null, true),
            new Template("GET", false, 200, "hello, world, in parts", null, false),
            new Template("GET", false, 200, "with a trailer", "t", false),
            new Template("GET", false, 204, "", null, false),
            new Template("GET", true, 200, "after hints", null, true),
            new Template("GET", false, 404, "not found", null, true),
            new Template("HEAD", false, 200, "", null, true),
            new Template("POST", false, 200, "stored", null, true));

    /** One frame as it goes on the wire; its length field may lie by {@code lengthDelta}. */
    record RawFrame(int type, int flags, int streamId, byte[] payload, int lengthDelta) {
        RawFrame(int type, int flags, int streamId, byte[] payload) {
            this(type, flags, streamId, payload, 0);
        }

        byte[] bytes() {
            int length = Math.max(0, Math.min(0xffffff, payload.length + lengthDelta));
            return ByteBuffer.allocate(9 + payload.length).put((byte) (length >>> 16)).put((byte) (length >>> 8))
                    .put((byte) length).put((byte) type).put((byte) flags).putInt(streamId).put(payload).array();
        }

        @Override
        public String toString() {
            return "[type " + type + ", flags 0x" + Integer.toHexString(flags) + ", stream " + streamId
                    + (lengthDelta != 0 ? ", length off by " + lengthDelta : "") + ": \""
                    + FuzzBytes.escape(payload) + "\"]";
        }
    }

    /** A step of the script: a response's part, or a connection frame; a step goes out whole. */
    private record Step(int exchange, Part part) {
    }

    private enum Part { WINDOW, INTERIM, HEAD, DATA, TRAILER, NOISE }

    final List<RawFrame> frames = new ArrayList<>();
    /** Whether any frame or byte was mutated, or a frame sent that ends streams: only then may calls fail. */
    boolean disturbed;
    byte[] wire;

    /**
     * The script answering these exchanges, whose templates and streams are given in the order of the exchanges;
     * {@code peer} encodes the header blocks.
     */
    Http2ResponseScript(List<Template> templates, int[] streams, Peer peer, Random random) {
        for (Step step : order(templates, random)) {
            if (step.part() == Part.NOISE) {
                frames.add(noise(streams, random));
            } else {
                frames.addAll(part(templates.get(step.exchange()), step.part(), streams[step.exchange()], peer,
                        random));
            }
        }
        if (random.nextInt(10) < 7) {
            disturbed = true;
            for (int m = 1 + random.nextInt(2); m > 0 && !frames.isEmpty(); m--) {
                mutate(random);
            }
        }
        wire = FuzzBytes.concat(frames.stream().map(RawFrame::bytes).toArray(byte[][]::new));
        if (random.nextInt(8) == 0) {
            disturbed = true;
            wire = FuzzBytes.mutate(wire, random);
        }
    }

    /** Each response's parts in their order, the responses interleaved and connection frames among them. */
    private static List<Step> order(List<Template> templates, Random random) {
        List<List<Step>> pending = new ArrayList<>();
        for (int e = 0; e < templates.size(); e++) {
            Template template = templates.get(e);
            List<Step> steps = new ArrayList<>();
            if (template.method().equals("POST")) {
                steps.add(new Step(e, Part.WINDOW));
            }
            if (template.interim()) {
                steps.add(new Step(e, Part.INTERIM));
            }
            steps.add(new Step(e, Part.HEAD));
            if (!template.body().isEmpty()) {
                steps.add(new Step(e, Part.DATA));
            }
            if (template.trailer() != null) {
                steps.add(new Step(e, Part.TRAILER));
            }
            pending.add(steps);
        }
        for (int n = random.nextInt(4); n > 0; n--) {
            pending.add(new ArrayList<>(List.of(new Step(-1, Part.NOISE))));
        }
        List<Step> order = new ArrayList<>();
        while (!pending.isEmpty()) {
            int next = random.nextInt(pending.size());
            order.add(pending.get(next).removeFirst());
            if (pending.get(next).isEmpty()) {
                pending.remove(next);
            }
        }
        return order;
    }

    private static List<RawFrame> part(Template template, Part part, int stream, Peer peer, Random random) {
        boolean bodyFollows = !template.body().isEmpty() || template.trailer() != null;
        return switch (part) {
            case WINDOW -> List.of(new RawFrame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4)
                    .putInt(REQUEST_WINDOW_INCREMENT).array()));
            case INTERIM -> headerBlock(peer.block(":status", "103", "link", "</style.css>; rel=preload"), 0,
                    stream, random);
            case HEAD -> headerBlock(template.length()
                    ? peer.block(":status", String.valueOf(template.status()), "content-length",
                            String.valueOf(template.body().length()), "content-type", "text/plain")
                    : peer.block(":status", String.valueOf(template.status()), "content-type", "text/plain"),
                    bodyFollows ? 0 : END_STREAM, stream, random);
            case DATA -> data(template.body().getBytes(ISO_8859_1), template.trailer() == null, stream, random);
            case TRAILER -> headerBlock(peer.block("x-trailer", template.trailer()), END_STREAM, stream, random);
            case NOISE -> throw new IllegalArgumentException("noise is not part of a response");
        };
    }

    /** A header block in a HEADERS frame, padded at times, or split over CONTINUATIONs. */
    private static List<RawFrame> headerBlock(byte[] block, int endStream, int stream, Random random) {
        if (random.nextInt(3) == 0 && block.length > 1) {
            int cut = 1 + random.nextInt(block.length - 1);
            return List.of(new RawFrame(HEADERS, endStream, stream, Arrays.copyOf(block, cut)),
                    new RawFrame(CONTINUATION, END_HEADERS, stream, Arrays.copyOfRange(block, cut, block.length)));
        }
        if (random.nextInt(3) == 0) {
            return List.of(new RawFrame(HEADERS, endStream | END_HEADERS | PADDED, stream, padded(block, random)));
        }
        return List.of(new RawFrame(HEADERS, endStream | END_HEADERS, stream, block));
    }

    /** The body in one to three DATA frames, some padded; the last ends the stream unless trailers follow. */
    private static List<RawFrame> data(byte[] body, boolean endsStream, int stream, Random random) {
        List<RawFrame> frames = new ArrayList<>();
        int from = 0;
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            int to = i == count - 1 ? body.length : from + random.nextInt(body.length - from + 1);
            byte[] bytes = Arrays.copyOfRange(body, from, to);
            int end = i == count - 1 && endsStream ? END_STREAM : 0;
            frames.add(random.nextBoolean() ? new RawFrame(DATA, end, stream, bytes)
                    : new RawFrame(DATA, end | PADDED, stream, padded(bytes, random)));
            from = to;
        }
        return frames;
    }

    private static byte[] padded(byte[] content, Random random) {
        int padding = random.nextInt(8);
        return FuzzBytes.concat(new byte[] {(byte) padding}, content, new byte[padding]);
    }

    /** A frame a live server may send between responses; those that end streams disturb the case. */
    private RawFrame noise(int[] streams, Random random) {
        int stream = streams[random.nextInt(streams.length)];
        return switch (random.nextInt(9)) {
            case 0 -> new RawFrame(PING, 0, 0, randomBytes(8, random));
            case 1 -> new RawFrame(PING, 1, 0, randomBytes(8, random));
            case 2 -> new RawFrame(WINDOW_UPDATE, 0, 0, ByteBuffer.allocate(4).putInt(1 + random.nextInt(1000))
                    .array());
            case 3 -> {
                int setting = 1 + random.nextInt(6);
                yield new RawFrame(SETTINGS, 0, 0, ByteBuffer.allocate(12).putShort((short) setting)
                        .putInt(validSettingValue(setting, random))
                        .putShort((short) (0x10 + random.nextInt(100))).putInt(random.nextInt()).array());
            }
            case 4 -> new RawFrame(PRIORITY, 0, stream, ByteBuffer.allocate(5).putInt(stream + 2)
                    .put((byte) random.nextInt(256)).array());
            case 5 -> new RawFrame(0x0a + random.nextInt(0xf0), random.nextInt(256), random.nextBoolean() ? 0 : stream,
                    randomBytes(random.nextInt(20), random));
            case 6 -> {
                disturbed = true;
                yield new RawFrame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(0x8).array());
            }
            case 7 -> {
                disturbed = true;
                yield new RawFrame(GOAWAY, 0, 0, ByteBuffer.allocate(8).putInt(random.nextBoolean() ? 0 : stream)
                        .putInt(0).array());
            }
            default -> new RawFrame(SETTINGS, 0, 0, new byte[0]);
        };
    }

    /** A value within the range of a setting (§6.5.2); ENABLE_PUSH 0, as a server may not turn it on. */
    private static int validSettingValue(int setting, Random random) {
        return switch (setting) {
            case 1 -> random.nextInt(8193);
            case 2 -> 0;
            case 3 -> 3 + random.nextInt(1000);
            case 5 -> 16_384 + random.nextInt((1 << 24) - 16_384);
            default -> random.nextInt(Integer.MAX_VALUE);
        };
    }

    private void mutate(Random random) {
        int at = random.nextInt(frames.size());
        RawFrame f = frames.get(at);
        switch (random.nextInt(10)) {
            case 0 -> frames.set(at, new RawFrame(random.nextInt(13), f.flags(), f.streamId(), f.payload()));
            case 1 -> frames.set(at, new RawFrame(f.type(), f.flags() ^ (1 << random.nextInt(8)), f.streamId(),
                    f.payload()));
            case 2 -> frames.set(at, new RawFrame(f.type(), random.nextInt(256), f.streamId(), f.payload()));
            case 3 -> frames.set(at, new RawFrame(f.type(), f.flags(), new int[] {0, f.streamId() + 2,
                    f.streamId() + 1, Integer.MAX_VALUE, f.streamId() | 0x80000000, random.nextInt(9)}[random
                    .nextInt(6)], f.payload()));
            case 4 -> frames.set(at, new RawFrame(f.type(), f.flags(), f.streamId(), f.payload(),
                    random.nextBoolean() ? random.nextInt(21) - 10 : random.nextInt(20_000)));
            case 5 -> frames.set(at, new RawFrame(f.type(), f.flags(), f.streamId(), f.payload().length == 0
                    ? randomBytes(1 + random.nextInt(8), random) : FuzzBytes.mutate(f.payload(), random)));
            case 6 -> frames.remove(at);
            case 7 -> frames.add(at, f);
            case 8 -> {
                if (at + 1 < frames.size()) {
                    frames.set(at, frames.get(at + 1));
                    frames.set(at + 1, f);
                }
            }
            default -> frames.set(at, new RawFrame(f.type(), f.flags(), f.streamId(),
                    Arrays.copyOf(f.payload(), random.nextInt(f.payload().length + 1))));
        }
    }

    private static byte[] randomBytes(int length, Random random) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return (disturbed ? "disturbed " : "") + frames + (wire.length > 0 ? ", as bytes \"" + FuzzBytes.escape(wire)
                + "\"" : "");
    }
}
