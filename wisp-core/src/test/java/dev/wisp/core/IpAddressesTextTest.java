package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IpAddresses.text against RFC 5952's examples (§4) and the edges of its rules. */
class IpAddressesTextTest {
    @ParameterizedTest
    @CsvSource({
        "0:0:0:0:0:0:0:1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:DB8:ABCD:0012:0000:0000:0000:0000, 2001:db8:abcd:12::",
        "fe80:0:0:0:0:0:0:1%1, fe80::1",
        "1:0:0:0:0:0:0:0, 1::",
        "0:0:1:0:0:0:0:0, 0:0:1::",
        "::ffff:192.0.2.1, 192.0.2.1",
        "192.0.2.1, 192.0.2.1",
        "fe80:0:0:0:0:0:0:0, fe80::",
        "0:0:0:0:0:0:0:fe80, ::fe80",
        "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa",
    })
    void writesTheRecommendedForm(String literal, String expected) throws Exception {
        assertEquals(expected, IpAddresses.text(InetAddress.getByName(literal)));
    }
}
