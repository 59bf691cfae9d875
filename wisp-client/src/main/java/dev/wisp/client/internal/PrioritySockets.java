package dev.wisp.client.internal;

import dev.wisp.client.SocketOptions;
import dev.wisp.client.UnsupportedSocketOptionException;
import java.net.InetAddress;

/**
 * TCP sockets with Linux's {@code SO_PRIORITY}, which java.net cannot set. This is the Java 21 class of a
 * multi-release jar: the socket calls need the Foreign Function and Memory API, final only from Java 22, and the
 * jar's {@code META-INF/versions/22} holds the class that makes them.
 */
public final class PrioritySockets {
    private PrioritySockets() {
    }

    /**
     * Fails, on Java 21, so that a priority is refused when it is configured rather than when a connection opens.
     *
     * @throws UnsupportedSocketOptionException always, on Java 21
     */
    public static void requireSupported() {
        throw unsupported();
    }

    /**
     * A connection attempt on a native socket with the options' priority.
     *
     * @throws UnsupportedSocketOptionException always, on Java 21
     */
    static ConnectAttempt attempt(InetAddress address, SocketOptions options) {
        throw unsupported();
    }

    private static UnsupportedSocketOptionException unsupported() {
        return new UnsupportedSocketOptionException("SO_PRIORITY", "SO_PRIORITY needs Java 22 or later: java.net"
                + " cannot set it, and the client sets it through the Foreign Function and Memory API");
    }
}
