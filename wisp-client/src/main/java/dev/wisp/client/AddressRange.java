package dev.wisp.client;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The address entries of curl's {@code NO_PROXY} list (curl 7.86 and later): an IPv4 or IPv6 address alone, which
 * matches that address, or a range in CIDR notation ({@code 192.168.0.0/16}, {@code fd00::/8}), which matches the
 * addresses whose first bits are the range's. Only a host that is an address literal is compared; a name is not
 * resolved for it, as in curl.
 *
 * <p>As curl reads an entry: the prefix length is the digits after the slash ({@code /8x} is {@code /8}); a length of
 * 0, or none, matches the address alone; one longer than the address (33 for IPv4, 129 for IPv6) matches nothing; an
 * IPv4 entry never matches an IPv6 host nor the reverse.
 */
final class AddressRange {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private AddressRange() {
    }

    /**
     * The bytes of an address literal: 4 for IPv4 in dotted decimal (no leading zeros, as {@code inet_pton}), 16 for
     * IPv6 (without brackets or zone); null for anything else, a name among them. Never looks a name up.
     */
    static byte[] literal(String host) {
        if (IPV4.matcher(host).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = host.split("\\.");
            for (int i = 0; i < 4; i++) {
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return bytes;
        }
        if (!IPV6.matcher(host).matches()) {
            return null;
        }
        try {
            // Brackets make the JDK parse an IPv6 literal or fail, never resolve.
            InetAddress address = InetAddress.getByName("[" + host + "]");
            byte[] bytes = address.getAddress();
            if (address instanceof Inet4Address) { // ::ffff:a.b.c.d, which the JDK gives as IPv4
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether the entry, an address with or without a prefix length, matches this address literal's bytes. */
    static boolean matches(String entry, byte[] address) {
        int slash = entry.indexOf('/');
        byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (network == null || network.length != address.length) {
            return false;
        }
        int bits = slash < 0 ? 0 : leadingNumber(entry.substring(slash + 1), address.length * 8 + 1);
        if (bits > address.length * 8) {
            return false;
        }
        if (bits == 0) {
            return Arrays.equals(network, address);
        }
        int whole = bits / 8;
        if (!Arrays.equals(network, 0, whole, address, 0, whole)) {
            return false;
        }
        int rest = bits % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || ((network[whole] ^ address[whole]) & mask) == 0;
    }

    /** The digits at the start of the text as a number (C's {@code atoi}), 0 for none; at most {@code cap}. */
    private static int leadingNumber(String text, int cap) {
        int value = 0;
        for (int i = 0; i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++) {
            value = Math.min(cap, value * 10 + text.charAt(i) - '0');
        }
        return value;
    }
}
