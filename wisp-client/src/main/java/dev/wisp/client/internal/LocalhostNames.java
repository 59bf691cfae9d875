package dev.wisp.client.internal;

import dev.wisp.core.Ascii;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The names that are the loopback addresses whatever a resolver would say: {@code localhost} and the names under it
 * (RFC 6761 §6.3: name resolution APIs should always answer them with the loopback addresses, and never send them to
 * a DNS server), as curl and browsers answer them. The hosts file of many machines gives {@code localhost} IPv4's
 * address only, so that a client told to use IPv6 could not reach its own host by name.
 */
public final class LocalhostNames {
    /** IPv4's loopback address and IPv6's, named {@code localhost}. */
    private static final List<InetAddress> LOOPBACK = List.of(address(new byte[] {127, 0, 0, 1}),
            address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));

    private LocalhostNames() {
    }

    /** Whether the host name is {@code localhost} or a name under it, in any case, with or without the final dot. */
    public static boolean isLocalhost(String host) {
        String name = Ascii.toLowerCase(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
        return name.equals("localhost") || name.endsWith(".localhost");
    }

    /** The loopback addresses, IPv4's and IPv6's, for such a name. */
    public static List<InetAddress> loopback() {
        return LOOPBACK;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress("localhost", bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of a valid length", e);
        }
    }
}
