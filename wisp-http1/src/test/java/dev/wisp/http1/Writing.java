package dev.wisp.http1;

import dev.wisp.core.WireOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** What a test writes with a writer; run over a fresh {@link WireOutput}, it yields the bytes that reached the wire. */
@FunctionalInterface
interface Writing {
    void writeTo(WireOutput out) throws IOException;

    /** Runs the writing, flushes, and returns what was written. */
    static byte[] bytes(Writing writing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WireOutput out = WireOutput.of(bytes);
        writing.writeTo(out);
        out.flush();
        return bytes.toByteArray();
    }

    /** Like {@link #bytes}, as Latin-1 text. */
    static String text(Writing writing) throws IOException {
        return new String(bytes(writing), StandardCharsets.ISO_8859_1);
    }
}
