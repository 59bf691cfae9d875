package dev.wisp.core;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * IP address literals as text carries them (a proxy's {@code NO_PROXY} entry, a forwarded client's address), read
 * without ever looking a name up, and address prefixes compared bit by bit.
 */
public final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private IpAddresses() {
    }

    /**
     * The bytes of an address literal: 4 for IPv4 in dotted decimal (no leading zeros, as {@code inet_pton}), 16 for
     * IPv6 (without brackets or zone; {@code ::ffff:a.b.c.d} stays 16 bytes); null for anything else, a name among
     * them. Never looks a name up.
     */
    public static byte[] literal(String text) {
        if (IPV4.matcher(text).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = text.split("\\.");
            for (int i = 0; i < 4; i++) {
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return bytes;
        }
        if (!IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            // Brackets make the JDK parse an IPv6 literal or fail, never resolve.
            InetAddress address = InetAddress.getByName("[" + text + "]");
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

    /** Whether two addresses of the same length have the same first {@code bits} bits. */
    public static boolean samePrefix(byte[] a, byte[] b, int bits) {
        if (a.length != b.length || bits < 0 || bits > a.length * 8) {
            return false;
        }
        int whole = bits / 8;
        if (!Arrays.equals(a, 0, whole, b, 0, whole)) {
            return false;
        }
        int rest = bits % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || ((a[whole] ^ b[whole]) & mask) == 0;
    }

    /**
     * An address as people and other servers write it: IPv4 dotted, IPv6 in RFC 5952's form (lowercase, no leading
     * zeros, the longest run of two or more zero groups, the first of equals, as {@code ::}), without a zone;
     * {@code ::1} where {@link InetAddress#getHostAddress()} writes {@code 0:0:0:0:0:0:0:1}.
     */
    public static String text(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int runStart = -1;
        int runLength = 1; // a run must be longer than one group
        for (int i = 0; i < 8; ) {
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > runLength) {
                runStart = i;
                runLength = end - i;
            }
            i = end == i ? i + 1 : end;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append("::");
                i += runLength - 1;
            } else {
                if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(groups[i]));
            }
        }
        return text.toString();
    }
}
