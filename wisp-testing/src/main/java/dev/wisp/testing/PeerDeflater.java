package dev.wisp.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * One side's permessage-deflate compressor (RFC 7692 §7.2.1), written with java.util.zip rather than Wisp's codec:
 * raw DEFLATE, each message ended with a sync flush whose 00 00 ff ff tail is removed, the window kept from one
 * message to the next unless the side agreed to {@code *_no_context_takeover}. Not thread-safe.
 */
public final class PeerDeflater {
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final boolean noContextTakeover;

    /** @param noContextTakeover whether every message starts with an empty window */
    public PeerDeflater(boolean noContextTakeover) {
        this.noContextTakeover = noContextTakeover;
    }

    /** JSON-like text that compresses as text does: repeated names, varying numbers. */
    public static byte[] sampleText(Random random, int size) {
        StringBuilder text = new StringBuilder();
        while (text.length() < size) {
            text.append("{\"id\": ").append(random.nextInt(100_000)).append(", \"name\": \"item ")
                    .append(random.nextInt(1000)).append("\", \"tags\": [\"a\", \"b\"]}, ");
        }
        return text.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    /** The message compressed, as the payload of its frames. */
    public byte[] compress(byte[] message) {
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        if (noContextTakeover) {
            deflater.reset();
        }
        byte[] flushed = out.toByteArray();
        return Arrays.copyOf(flushed, flushed.length - 4);
    }
}
