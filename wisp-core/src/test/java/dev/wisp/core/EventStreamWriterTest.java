package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventStreamWriterTest {
    private static String encode(ServerSentEvent event) {
        return new String(EventStreamWriter.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void writesTheFieldsAnEventHas() {
        assertEquals("data: hello\n\n", encode(ServerSentEvent.of("hello")));
        assertEquals("event: tick\nid: 7\ndata: 1\n\n", encode(ServerSentEvent.of("tick", "1").withId("7")));
        assertEquals("data: a\ndata: b\ndata\ndata: c\ndata: d\ndata\n\n",
                encode(ServerSentEvent.of("a\nb\n\nc\r\nd\r")));
        assertEquals("data\n\n", encode(ServerSentEvent.of("")));
        assertEquals("data: message\n\n", encode(ServerSentEvent.of("message", "message")),
                "the default type is not sent");
    }

    @Test
    void writesCommentsAndRetry() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventStreamWriter writer = new EventStreamWriter(out);
        writer.comment("");
        writer.comment("two\nlines");
        writer.retry(Duration.ofMillis(2500));
        assertEquals(":\n: two\n: lines\nretry: 2500\n\n", out.toString(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> writer.retry(Duration.ofMillis(-1)));
    }

    @Test
    void refusesTypesAndIdsThatWouldBreakTheirLine() {
        assertEquals("an event type must not hold CR or LF: a\\nb",
                assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.of("a\nb", "x")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.of("a\rb", "x"));
        assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.of("x").withId("1\r"));
        assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.of("x").withId("1\n"));
        assertThrows(IllegalArgumentException.class, () -> ServerSentEvent.of("x").withId("1\0"));
        assertThrows(NullPointerException.class, () -> ServerSentEvent.of(null));
    }

    @Test
    void normalizesAbsentTypesAndIds() {
        assertEquals(new ServerSentEvent("message", "x", ""), new ServerSentEvent(null, "x", null));
        assertEquals(new ServerSentEvent("message", "x", ""), new ServerSentEvent("", "x", ""));
    }
}
