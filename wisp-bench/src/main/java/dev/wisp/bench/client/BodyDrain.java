package dev.wisp.bench.client;

import java.io.IOException;
import java.io.InputStream;

/** Reading a response body to its end without keeping it, and the status check every client shares. */
final class BodyDrain {

    private BodyDrain() {
    }

    /** Reads the stream to its end into {@code scratch}, over and over, closes it and returns the bytes read. */
    static long drain(InputStream body, byte[] scratch) throws IOException {
        long total = 0;
        try (body) {
            for (int n = body.read(scratch); n >= 0; n = body.read(scratch)) {
                total += n;
            }
        }
        return total;
    }

    static void requireOk(int status, Object uri) throws IOException {
        if (status != 200) {
            throw new IOException("GET " + uri + " answered " + status);
        }
    }
}
