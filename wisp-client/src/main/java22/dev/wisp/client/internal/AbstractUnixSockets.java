package dev.wisp.client.internal;

import dev.wisp.client.UnsupportedSocketOptionException;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Connects to Linux abstract Unix socket names, which the JDK's {@link java.net.UnixDomainSocketAddress} cannot
 * express (a path cannot hold the leading NUL byte): a {@link NativeSocket} makes the socket calls through the
 * Foreign Function and Memory API. This is the Java 22 class of a multi-release jar; the Java 21 one refuses.
 */
final class AbstractUnixSockets {
    private AbstractUnixSockets() {
    }

    /**
     * Connects to the abstract name (without its leading NUL byte; UTF-8, at most 107 bytes).
     *
     * @throws java.net.ConnectException if nothing listens on the name
     * @throws java.net.SocketException for any other failure, with the C library's text
     * @throws UnsupportedSocketOptionException if the system is not Linux, the only one with abstract names
     */
    static StreamSocket connect(String name) throws IOException {
        NativeSocket.requireLinux("abstract Unix socket", "abstract unix socket names exist only on Linux");
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > Sockaddr.MAX_ABSTRACT_NAME_BYTES) {
            throw new IllegalArgumentException("an abstract name takes 1 to " + Sockaddr.MAX_ABSTRACT_NAME_BYTES
                    + " bytes: " + name);
        }
        NativeSocket socket = NativeSocket.open(Libc.AF_UNIX);
        try {
            socket.connect(Sockaddr.abstractUnix(bytes, socket.arena()),
                    InetSocketAddress.createUnresolved("@" + name, 0));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
