package dev.wisp.http1;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;

/** The body of a message that has none. Stateless and thread-safe. */
public final class EmptyBodyInputStream extends BodyInputStream {
    public static final EmptyBodyInputStream INSTANCE = new EmptyBodyInputStream();

    private EmptyBodyInputStream() {
    }

    @Override
    public int read() {
        return -1;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) {
        return length == 0 ? 0 : -1;
    }

    @Override
    public long length() {
        return 0;
    }

    @Override
    public Headers trailers() {
        return Headers.empty();
    }

    @Override
    public boolean isFinished() {
        return true;
    }
}
