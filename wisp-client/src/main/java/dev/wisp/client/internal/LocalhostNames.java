package dev.wisp.client.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The names RFC 6761 §6.3 keeps for this host: {@code localhost} and the names under it, whose addresses are the
 * loopback ones, 127.0.0.1 and ::1, whatever DNS or a hosts file would say.
 */
public final class LocalhostNames {
    private LocalhostNames() {
    }

    /** Whether the name is {@code localhost}, in any case, with or without a final dot. */
    public static boolean isLocalhost(String host) {
        return withoutFinalDot(host).equalsIgnoreCase("localhost");
    }

    /** Whether the name is under {@code localhost}: {@code app.localhost}. */
    public static boolean isUnderLocalhost(String host) {
        String name = withoutFinalDot(host);
        return name.length() > 10 && name.regionMatches(true, name.length() - 10, ".localhost", 0, 10);
    }

    /** Both loopback addresses, IPv4's first, named as the host. */
    public static List<InetAddress> loopback(String host) throws UnknownHostException {
        byte[] ipv6 = new byte[16];
        ipv6[15] = 1;
        return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), InetAddress.getByAddress(host, ipv6));
    }

    private static String withoutFinalDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
