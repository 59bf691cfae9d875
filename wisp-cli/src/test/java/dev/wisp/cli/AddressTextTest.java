package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressTextTest {
    @ParameterizedTest
    @CsvSource({
        "::1, ::1",
        "::, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "2001:DB8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // RFC 5952 §4.2.2: one zero group stays
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",           // §4.2.3: the longest run
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",     // §4.2.3: the first of equal runs
        "fe80:0:0:0:0:0:0:0, fe80::",
        "0:0:0:0:0:0:0:fe80, ::fe80",
        "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa",
        "127.0.0.1, 127.0.0.1",
    })
    void writesAddressesAsRfc5952Says(String given, String expected) throws UnknownHostException {
        assertEquals(expected, AddressText.of(InetAddress.getByName(given)));
    }
}
