package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The request URI as it goes on the wire: dot segments removed, escapes as given. */
class RequestTest {
    @Test
    void removesDotSegmentsAsCurlDoesAndNeverClimbsAboveTheRoot() {
        assertEquals("/b?x=../y", Request.get("http://h/a/./../b?x=../y").target());
        assertEquals("/x", Request.get("http://h/../x").target());
        assertEquals("/x/", Request.get("http://h/%2E%2e/x/.").target());
        assertEquals(URI.create("http://h/x"), Request.get("http://h/a/../x#frag").uri());
    }

    @Test
    void sendsEscapesThatAreNotUtf8AsTheyAre() {
        // A legacy server's Latin-1 name, as curl sends it; it was refused when the request was built, and before
        // that failed the call with an unchecked exception after a connection was taken.
        assertEquals("/caf%e9", Request.get("http://h/caf%e9").target());
    }
}
