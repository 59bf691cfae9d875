package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The request URI as it goes on the wire: dot segments removed, and what a request line cannot hold refused. */
class RequestTest {
    @Test
    void removesDotSegmentsAsCurlDoesAndNeverClimbsAboveTheRoot() {
        assertEquals("/b?x=../y", Request.get("http://h/a/./../b?x=../y").target());
        assertEquals("/x", Request.get("http://h/../x").target());
        assertEquals("/x/", Request.get("http://h/%2E%2e/x/.").target());
        assertEquals(URI.create("http://h/x"), Request.get("http://h/a/../x#frag").uri());
    }

    @Test
    void refusesAtBuildTimeATargetTheHeadWriterWouldRefuseMidCall() {
        // Before, the same refusal came as an unchecked exception from send, after a connection was taken.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Request.get("http://h/caf%e9"));
        assertEquals("percent-encoded bytes are not UTF-8 in 'caf%e9'", e.getMessage());
    }
}
