package dev.wisp.cli;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address as people write it: IPv6 in the form of RFC 5952 ({@code ::1}, {@code 2001:db8::1}), where the JDK
 * writes every group ({@code 0:0:0:0:0:0:0:1}); IPv4 as the JDK does.
 */
final class AddressText {
    private AddressText() {
    }

    /** The address as text, without a zone. */
    static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        // RFC 5952 §4.2: the longest run of two or more zero groups becomes "::", the first of equal ones.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > bestLength) {
                bestStart = i;
                bestLength = end - i;
            }
            i = end == i ? i + 1 : end;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i])); // §4.3: lower case, no leading zeros
        }
        return text.toString();
    }
}
