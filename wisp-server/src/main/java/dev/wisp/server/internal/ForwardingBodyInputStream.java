package dev.wisp.server.internal;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import java.io.IOException;

/**
 * A request body that passes every call to the codec's stream below it, for the server's streams that change what a
 * read does (send the 100 Continue first, tell a failure as its answer) and nothing else.
 */
abstract class ForwardingBodyInputStream extends BodyInputStream {
    final BodyInputStream body;

    ForwardingBodyInputStream(BodyInputStream body) {
        this.body = body;
    }

    @Override
    public int read() throws IOException {
        return body.read();
    }

    @Override
    public int read(byte[] destination, int offset, int length) throws IOException {
        return body.read(destination, offset, length);
    }

    @Override
    public int available() throws IOException {
        return body.available();
    }

    @Override
    public long length() {
        return body.length();
    }

    @Override
    public Headers trailers() {
        return body.trailers();
    }

    @Override
    public boolean isFinished() {
        return body.isFinished();
    }

    @Override
    public boolean isRestBuffered() {
        return body.isRestBuffered();
    }
}
