package dev.wisp.client.internal;

import dev.wisp.client.UnsupportedSocketOptionException;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.util.Locale;

/**
 * Connects to Linux abstract Unix socket names, which the JDK's {@link java.net.UnixDomainSocketAddress} cannot
 * express (a path cannot hold the leading NUL byte): {@link AbstractUnixSocket} makes the socket calls through the
 * Foreign Function and Memory API. This is the Java 22 class of a multi-release jar; the Java 21 one refuses.
 */
final class AbstractUnixSockets {
    private AbstractUnixSockets() {
    }

    /**
     * Connects to the abstract name (without its leading NUL byte).
     *
     * @throws java.net.ConnectException if nothing listens on the name
     * @throws UnsupportedSocketOptionException if the system is not Linux, the only one with abstract names
     */
    static StreamSocket connect(String name) throws IOException {
        String system = System.getProperty("os.name", "");
        if (!system.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedSocketOptionException("abstract Unix socket",
                    "abstract unix socket names exist only on Linux, not on " + system);
        }
        return AbstractUnixSocket.connect(name);
    }
}
