package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void anIpv4AddressIsAClientOfItsOwn() throws Exception {
        assertEquals(InetAddress.getByName("192.0.2.7"), ClientAddress.of(InetAddress.getByName("192.0.2.7")));
        assertEquals("192.0.2.7", ClientAddress.describe(InetAddress.getByName("192.0.2.7")));
        // As a dual-stack socket reports it: the JDK makes it IPv4.
        assertEquals("192.0.2.7", ClientAddress.describe(InetAddress.getByName("::ffff:192.0.2.7")));
    }

    @Test
    void anIpv6ClientIsItsSlash64() throws Exception {
        InetAddress key = ClientAddress.of(InetAddress.getByName("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals(InetAddress.getByName("2001:db8:1:2::"), key);
        assertEquals(key, ClientAddress.of(InetAddress.getByName("2001:db8:1:2::1")));
        assertEquals("2001:db8:1:2::/64", ClientAddress.describe(InetAddress.getByName("2001:db8:1:2::9")));
        assertEquals(InetAddress.getByName("2001:db8:1:3::"),
                ClientAddress.of(InetAddress.getByName("2001:db8:1:3::1")), "the next /64 is another client");
    }
}
