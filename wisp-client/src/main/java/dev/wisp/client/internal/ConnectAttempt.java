package dev.wisp.client.internal;

import dev.wisp.client.SocketOptions;
import dev.wisp.client.UnsupportedSocketOptionException;
import dev.wisp.transport.StreamSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * One TCP connection attempt of a {@link ConnectionRace}: a socket made for one address, then given the
 * connection's options and connected, once. {@link #close()} may come from any thread, before, during or after the
 * connect, and ends it; the winner's socket is handed on and not closed.
 */
interface ConnectAttempt extends Closeable {

    /**
     * A new attempt for the address: a socket channel, or, when a priority is asked for, a native socket (the JDK
     * cannot set {@code SO_PRIORITY}).
     */
    static ConnectAttempt open(InetAddress address, SocketOptions options) throws IOException {
        return options.priority().isPresent() ? PrioritySockets.attempt(address, options)
                : new ChannelConnectAttempt(options);
    }

    /**
     * Sets the options, binds if asked, and connects within the time given.
     *
     * @throws java.net.ConnectException if the peer refused
     * @throws java.net.SocketTimeoutException if the time passed first
     * @throws UnsupportedSocketOptionException if the kernel refused or did not keep an option
     */
    StreamSocket connect(InetSocketAddress remote, long timeoutNanos) throws IOException;

    /** Closes the socket, quietly; idempotent. */
    @Override
    void close();

    /**
     * Fails unless the socket kept the type of service it was given: the JDK ignores a value the kernel refuses
     * without a word, and an option the platform cannot honour must fail, not pass silently.
     */
    static void requireKept(int typeOfService, int kept) {
        if (kept != typeOfService) {
            throw new UnsupportedSocketOptionException("IP_TOS", String.format(Locale.ROOT,
                    "IP_TOS 0x%02x was not applied: the socket kept 0x%02x", typeOfService, kept));
        }
    }
}
