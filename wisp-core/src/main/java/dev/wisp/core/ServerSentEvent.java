package dev.wisp.core;

import java.util.Objects;

/**
 * One event of a {@code text/event-stream} (WHATWG HTML, "Server-sent events"): its type, its data and the id it
 * carries.
 *
 * <p>A type that is null or empty is {@code "message"}, the receiver's default, and is sent without an {@code event}
 * field. Data may span lines, each sent as a {@code data} field of its own (CR LF, CR and LF all end a line, and
 * arrive as LF). An id that is null or empty is sent as no {@code id} field; a received event's id is its stream's
 * last event id when it arrived, empty if none was set.
 *
 * @param type the event type; must not hold CR or LF
 * @param data the data, possibly empty, never null
 * @param id the id, empty for none; must not hold CR, LF or NUL
 */
public record ServerSentEvent(String type, String data, String id) {
    /** The type of an event that names none. */
    public static final String MESSAGE = "message";

    public ServerSentEvent {
        Objects.requireNonNull(data, "data");
        type = type == null || type.isEmpty() ? MESSAGE : type;
        if (type.indexOf('\r') >= 0 || type.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an event type must not hold CR or LF: " + Ascii.escape(type));
        }
        id = id == null ? "" : id;
        if (id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an event id must not hold CR, LF or NUL: " + Ascii.escape(id));
        }
    }

    /** A {@code message} event without an id. */
    public static ServerSentEvent of(String data) {
        return new ServerSentEvent(null, data, null);
    }

    /** An event of the given type without an id. */
    public static ServerSentEvent of(String type, String data) {
        return new ServerSentEvent(type, data, null);
    }

    /** This event with the given id. */
    public ServerSentEvent withId(String id) {
        return new ServerSentEvent(type, data, id);
    }
}
