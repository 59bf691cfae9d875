package dev.wisp.server;

import dev.wisp.core.IpAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The client a connection's address belongs to, as the per-client limits count them
 * ({@code ServerConfig.maxConnectionsPerClient}, {@link dev.wisp.server.filters.RateLimit}): an IPv4 address itself,
 * an IPv6 address its /64 prefix, since one host mostly owns a whole /64 and may use any address in it.
 */
public final class ClientAddress {
    private ClientAddress() {
    }

    /**
     * The client of this address: the address itself for IPv4 (the JDK gives an IPv4 address mapped into IPv6, as a
     * dual-stack socket sees it, as IPv4), the /64 prefix (the rest zero) for IPv6.
     */
    public static InetAddress of(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address;
        }
        byte[] bytes = address.getAddress();
        Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are an IPv6 address", e);
        }
    }

    /** The client of this address as a log line names it: {@code 192.0.2.7}, {@code 2001:db8::/64}. */
    public static String describe(InetAddress address) {
        InetAddress client = of(address);
        return client instanceof Inet6Address ? IpAddresses.text(client) + "/64" : IpAddresses.text(client);
    }
}
