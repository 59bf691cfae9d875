package dev.wisp.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Writes {@code text/event-stream} (WHATWG HTML, "Server-sent events"): events, comments and the reconnection
 * time, in UTF-8 with LF line ends. Each call writes one whole block in one write to the stream; flushing is the
 * caller's.
 *
 * <p>Not thread-safe: callers take turns.
 */
public final class EventStreamWriter {
    private final OutputStream out;

    public EventStreamWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Writes one event, ended by its blank line. */
    public void write(ServerSentEvent event) throws IOException {
        out.write(encode(event));
    }

    /**
     * Writes a comment, which receivers ignore: a heartbeat that keeps the connection and the proxies on its way from
     * ending it as idle. Each line of the text becomes a comment line; an empty text writes a lone colon.
     */
    public void comment(String text) throws IOException {
        StringBuilder block = new StringBuilder(text.length() + 4);
        appendLines(block, ":", text);
        out.write(block.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Tells the receiver to wait this long before it connects again after the stream ends. */
    public void retry(Duration delay) throws IOException {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("retry must not be negative: " + delay);
        }
        out.write(("retry: " + delay.toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The bytes of one event, ended by its blank line. */
    public static byte[] encode(ServerSentEvent event) {
        StringBuilder block = new StringBuilder(event.data().length() + 32);
        if (!event.type().equals(ServerSentEvent.MESSAGE)) {
            block.append("event: ").append(event.type()).append('\n');
        }
        if (!event.id().isEmpty()) {
            block.append("id: ").append(event.id()).append('\n');
        }
        appendLines(block, "data", event.data());
        block.append('\n');
        return block.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends one field per line of the text (CR LF, CR and LF end a line), so no line end escapes its field. */
    private static void appendLines(StringBuilder block, String field, String text) {
        int start = 0;
        while (true) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\r' && text.charAt(end) != '\n') {
                end++;
            }
            block.append(field);
            if (end > start) {
                block.append(field.equals(":") ? " " : ": ").append(text, start, end);
            }
            block.append('\n');
            if (end == text.length()) {
                return;
            }
            start = text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n'
                    ? end + 2 : end + 1;
        }
    }
}
