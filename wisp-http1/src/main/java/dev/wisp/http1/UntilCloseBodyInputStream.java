package dev.wisp.http1;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.WireInput;
import java.io.IOException;

/**
 * A response body delimited by the end of the connection (RFC 9112 §6.3 rule 8). Not thread-safe.
 *
 * <p>Whether the end is the body's own end is the connection's to say: over TLS only the peer's close_notify is
 * (RFC 9112 §9.8), so the connection gives an {@link EndCheck} that fails the read when the socket merely closed.
 */
public final class UntilCloseBodyInputStream extends BodyInputStream {
    private final WireInput in;
    private final EndCheck endCheck;
    private boolean finished;

    /** Decides, when the input has ended, whether the body before the end is whole. */
    @FunctionalInterface
    public interface EndCheck {
        /** @throws IOException when the end may have cut the body short */
        void check() throws IOException;
    }

    /** A body whose every end is whole, as over plaintext. */
    public UntilCloseBodyInputStream(WireInput in) {
        this(in, () -> { });
    }

    public UntilCloseBodyInputStream(WireInput in, EndCheck endCheck) {
        this.in = in;
        this.endCheck = endCheck;
    }

    @Override
    public int read() throws IOException {
        int b = finished ? -1 : in.readByte();
        finished = ended(b);
        return b;
    }

    /** Whether a read's result is the end of the body; throws if that end is not whole. */
    private boolean ended(int result) throws IOException {
        if (result >= 0) {
            return false;
        }
        endCheck.check();
        return true;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (finished) {
            return length == 0 ? 0 : -1;
        }
        int n = in.read(bytes, offset, length, Long.MAX_VALUE); // every byte to the end is the body's
        finished = ended(n);
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
