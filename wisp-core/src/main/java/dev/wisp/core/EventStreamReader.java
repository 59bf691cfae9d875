package dev.wisp.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads {@code text/event-stream} as WHATWG HTML's "Server-sent events" interprets it: UTF-8 (a leading BOM
 * dropped, malformed bytes read as U+FFFD), lines ended by CR LF, LF or CR, {@code event}, {@code data}, {@code id}
 * and {@code retry} fields, comments and unknown fields ignored, an event dispatched at each blank line unless it has
 * no data, and an event the stream ends in the middle of dropped.
 *
 * <p>Bounded: a line, or an event's fields together, longer than {@code maxEventBytes} fail the read with
 * {@link MessageTooLargeException} (502, {@code maxEventBytes}); comments between events (heartbeats) count for
 * nothing however many arrive. A line end is acted on when it arrives, never after waiting for the byte after it.
 *
 * <p>Not thread-safe: one reader thread.
 */
public final class EventStreamReader {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final int maxEventBytes;
    private final byte[] buffer = new byte[4096];
    private int position;
    private int limit;
    private byte[] line = new byte[128];
    private int lineLength;
    private boolean atStart = true;
    /** The last byte was a CR: an LF right after it ends no other line. */
    private boolean afterCr;
    private boolean ended;

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String type = "";
    /** Bytes of the fields this event keeps so far, for the limit. */
    private long eventBytes;
    /** The id the event being read will carry: the last {@code id} field so far. */
    private String idBuffer;
    /** The id of the last event dispatched, or set by a blank line after an {@code id} field without data. */
    private String lastEventId;
    private Duration retry;

    public EventStreamReader(InputStream in, int maxEventBytes) {
        this(in, maxEventBytes, "");
    }

    /**
     * A reader of a stream that goes on from another: a client's reconnection, whose last event id stays what the
     * stream before it set until this one sets another.
     */
    public EventStreamReader(InputStream in, int maxEventBytes, String lastEventId) {
        this.in = Objects.requireNonNull(in, "in");
        this.lastEventId = Objects.requireNonNull(lastEventId, "lastEventId");
        this.idBuffer = lastEventId;
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Reads up to the next event and returns it, or nothing once the stream has ended (an event it ended in the
     * middle of is dropped).
     *
     * @throws MessageTooLargeException if a line or an event crosses {@code maxEventBytes}
     */
    public Optional<ServerSentEvent> next() throws IOException {
        while (readLine()) {
            ServerSentEvent event = lineEnded();
            if (event != null) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    /**
     * The id of the last event the stream ended with a blank line, empty if none: what {@code Last-Event-ID} sends on
     * reconnect.
     */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection time the stream last asked for, if it asked. */
    public Optional<Duration> retry() {
        return Optional.ofNullable(retry);
    }

    /** Reads the next line into {@link #line}; false at the end of the stream. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (position == limit && !fill()) {
                return false;
            }
            while (position < limit) {
                byte b = buffer[position++];
                if (afterCr) {
                    afterCr = false;
                    if (b == '\n') {
                        continue;
                    }
                }
                if (b == '\r' || b == '\n') {
                    afterCr = b == '\r';
                    if (atStart) {
                        dropBom();
                    }
                    return true;
                }
                append(b);
            }
        }
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
            ended = true;
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    /** The stream's first line may begin with a BOM, which is no part of it. */
    private void dropBom() {
        atStart = false;
        if (lineLength >= BOM.length && Arrays.equals(line, 0, BOM.length, BOM, 0, BOM.length)) {
            System.arraycopy(line, BOM.length, line, 0, lineLength - BOM.length);
            lineLength -= BOM.length;
        }
    }

    private void append(byte b) throws IOException {
        if (lineLength == maxEventBytes) {
            throw tooLarge();
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, (int) Math.min((long) maxEventBytes, 2L * line.length));
        }
        line[lineLength++] = b;
    }

    private MessageTooLargeException tooLarge() {
        return new MessageTooLargeException(Status.BAD_GATEWAY, "server-sent event", maxEventBytes,
                "maxEventBytes");
    }

    /** Acts on the line just read; returns the event a blank line dispatches. */
    private ServerSentEvent lineEnded() throws IOException {
        if (lineLength == 0) {
            return dispatch();
        }
        if (line[0] == ':') {
            return null;
        }
        int colon = 0;
        while (colon < lineLength && line[colon] != ':') {
            colon++;
        }
        String field = new String(line, 0, colon, StandardCharsets.UTF_8);
        int valueStart = colon == lineLength ? lineLength : colon + 1;
        if (valueStart < lineLength && line[valueStart] == ' ') {
            valueStart++;
        }
        String value = new String(line, valueStart, lineLength - valueStart, StandardCharsets.UTF_8);
        switch (field) {
            case "event" -> {
                keep(lineLength - valueStart);
                type = value;
            }
            case "data" -> {
                keep(lineLength - valueStart + 1);
                data.append(value).append('\n');
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    idBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    retry = value.length() > 15 ? Duration.ofMillis(Long.MAX_VALUE / 1_000_000)
                            : Duration.ofMillis(Long.parseLong(value));
                }
            }
            default -> {
                // Unknown fields are ignored, as the standard says.
            }
        }
        return null;
    }

    private void keep(long bytes) throws MessageTooLargeException {
        eventBytes += bytes;
        if (eventBytes > maxEventBytes) {
            throw tooLarge();
        }
    }

    private ServerSentEvent dispatch() {
        // An id takes effect at the blank line, even one that ends no event: an id in an event the stream ends in
        // the middle of is not the last one received.
        lastEventId = idBuffer;
        if (!hasData) {
            type = "";
            eventBytes = 0;
            return null;
        }
        data.setLength(data.length() - 1);
        ServerSentEvent event = new ServerSentEvent(type, data.toString(), lastEventId);
        data.setLength(0);
        hasData = false;
        type = "";
        eventBytes = 0;
        return event;
    }
}
