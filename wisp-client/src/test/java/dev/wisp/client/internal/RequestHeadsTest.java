package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.Request;
import dev.wisp.core.Headers;
import org.junit.jupiter.api.Test;

/** The head a request goes out with: the fields the client manages beside the caller's. */
class RequestHeadsTest {
    @Test
    void sendsHostFirstAndOnceWhoeverSetIt() {
        Headers own = RequestHeads.of(Request.builder("http://device.local:8080/x").header("X-A", "1").build(),
                ClientConfig.defaults(), 0).headers();
        assertEquals("Host", own.name(0));
        assertEquals("device.local:8080", own.value(0));
        Headers callers = RequestHeads.of(Request.builder("http://device.local/x").header("X-A", "1")
                .header("Host", "other.local").header("Host", "third.local").build(), ClientConfig.defaults(), 0)
                .headers();
        assertEquals("Host", callers.name(0));
        assertEquals("other.local", callers.value(0));
        assertEquals(1, callers.count("Host"));
        assertEquals("X-A", callers.name(1));
    }
}
