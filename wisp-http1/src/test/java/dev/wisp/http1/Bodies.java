package dev.wisp.http1;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.WireInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Opens the body stream a framing calls for, and reads bodies whole, as a connection would. */
final class Bodies {
    private Bodies() {
    }

    /** A body read to its end: its content as Latin-1 text, and its trailers. */
    record Body(String content, Headers trailers) {
    }

    static BodyInputStream open(WireInput in, Http1Framing framing, Http1Limits limits, long maxBodyBytes) {
        return switch (framing) {
            case Http1Framing.None none -> EmptyBodyInputStream.INSTANCE;
            case Http1Framing.FixedLength fixed -> new FixedLengthBodyInputStream(in, fixed.length());
            case Http1Framing.Chunked chunked -> new ChunkedBodyInputStream(in, limits, maxBodyBytes);
            case Http1Framing.UntilClose untilClose -> new UntilCloseBodyInputStream(in);
        };
    }

    /** Reads a body to its end in reads of up to readSize bytes; a size of 1 uses {@link InputStream#read()}. */
    static Body readAll(BodyInputStream body, int readSize) throws IOException {
        StringBuilder content = new StringBuilder();
        if (readSize == 1) {
            int b;
            while ((b = body.read()) >= 0) {
                content.append((char) b);
            }
        } else {
            byte[] bytes = new byte[readSize];
            int n;
            while ((n = body.read(bytes, 0, bytes.length)) >= 0) {
                content.append(new String(bytes, 0, n, StandardCharsets.ISO_8859_1));
            }
        }
        return new Body(content.toString(), body.trailers());
    }
}
