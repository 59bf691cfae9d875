package dev.wisp.http1;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.WireInput;
import java.io.IOException;

/** A response body delimited by the end of the connection (RFC 9112 §6.3 rule 8). Not thread-safe. */
public final class UntilCloseBodyInputStream extends BodyInputStream {
    private final WireInput in;
    private boolean finished;

    public UntilCloseBodyInputStream(WireInput in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        int b = finished ? -1 : in.readByte();
        finished = b < 0;
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (finished) {
            return length == 0 ? 0 : -1;
        }
        int n = in.read(bytes, offset, length, Long.MAX_VALUE); // every byte to the end is the body's
        finished = n < 0;
        return n;
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public Headers trailers() {
        return Headers.empty();
    }

    @Override
    public boolean isFinished() {
        return finished;
    }
}
