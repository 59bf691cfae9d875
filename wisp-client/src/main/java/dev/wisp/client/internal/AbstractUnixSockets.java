package dev.wisp.client.internal;

import dev.wisp.client.UnsupportedSocketOptionException;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;

/**
 * Connects to Linux abstract Unix socket names, which the JDK's {@link java.net.UnixDomainSocketAddress} cannot
 * express (a path cannot hold the leading NUL byte). This is the Java 21 class of a multi-release jar: the calls
 * need the Foreign Function and Memory API, final only from Java 22, and the jar's {@code META-INF/versions/22}
 * holds the class that makes them.
 */
final class AbstractUnixSockets {
    private AbstractUnixSockets() {
    }

    /**
     * Connects to the abstract name (without its leading NUL byte).
     *
     * @throws UnsupportedSocketOptionException always, on Java 21
     */
    static StreamSocket connect(String name) throws IOException {
        throw new UnsupportedSocketOptionException("abstract Unix socket",
                "abstract unix socket names need Java 22 or later");
    }
}
