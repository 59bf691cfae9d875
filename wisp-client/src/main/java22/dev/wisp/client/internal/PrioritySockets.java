package dev.wisp.client.internal;

import dev.wisp.client.SocketOptions;
import dev.wisp.client.UnsupportedSocketOptionException;
import java.io.IOException;
import java.net.InetAddress;

/**
 * TCP sockets with Linux's {@code SO_PRIORITY}, which java.net cannot set: {@link NativeTcpAttempt} opens them
 * through the Foreign Function and Memory API. This is the Java 22 class of a multi-release jar; the Java 21 one
 * refuses.
 */
public final class PrioritySockets {
    private PrioritySockets() {
    }

    /**
     * Fails unless the system is Linux, so that a priority is refused when it is configured rather than when a
     * connection opens.
     *
     * @throws UnsupportedSocketOptionException on any other system
     */
    public static void requireSupported() {
        NativeSocket.requireLinux("SO_PRIORITY", "SO_PRIORITY exists only on Linux");
    }

    /** A connection attempt on a new native socket of the address's family, with the options' priority. */
    static ConnectAttempt attempt(InetAddress address, SocketOptions options) throws IOException {
        requireSupported();
        return new NativeTcpAttempt(NativeSocket.open(Sockaddr.family(address)), options);
    }
}
