package dev.wisp.client;

import dev.wisp.core.IpAddresses;
import java.util.Arrays;

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
    private AddressRange() {
    }

    /** Whether the entry, an address with or without a prefix length, matches this address literal's bytes
     * ({@link IpAddresses#literal}). */
    static boolean matches(String entry, byte[] address) {
        int slash = entry.indexOf('/');
        byte[] network = IpAddresses.literal(slash < 0 ? entry : entry.substring(0, slash));
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
        return IpAddresses.samePrefix(network, address, bits);
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
