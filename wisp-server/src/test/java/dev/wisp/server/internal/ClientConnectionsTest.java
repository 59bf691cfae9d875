package dev.wisp.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ClientConnectionsTest {

    @Test
    void anIpv4AddressIsAClientOfItsOwn() throws Exception {
        assertEquals(InetAddress.getByName("192.0.2.7"), ClientConnections.keyOf(InetAddress.getByName("192.0.2.7")));
        assertEquals("192.0.2.7", ClientConnections.describe(InetAddress.getByName("192.0.2.7")));
        // As a dual-stack socket reports it: the JDK makes it IPv4.
        assertEquals("192.0.2.7", ClientConnections.describe(InetAddress.getByName("::ffff:192.0.2.7")));
    }

    @Test
    void anIpv6ClientIsItsSlash64() throws Exception {
        InetAddress key = ClientConnections.keyOf(InetAddress.getByName("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals(InetAddress.getByName("2001:db8:1:2::"), key);
        assertEquals(key, ClientConnections.keyOf(InetAddress.getByName("2001:db8:1:2::1")));
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientConnections.describe(InetAddress.getByName("2001:db8:1:2::9")));
        assertEquals(InetAddress.getByName("2001:db8:1:3::"),
                ClientConnections.keyOf(InetAddress.getByName("2001:db8:1:3::1")), "the next /64 is another client");
    }

    @Test
    void countsEachClientsConnectionsUpToTheLimitAndForgetsAClientWithNone() throws Exception {
        ClientConnections counts = new ClientConnections(2);
        InetAddress a = InetAddress.getByName("2001:db8::1");
        InetAddress sameClient = InetAddress.getByName("2001:db8::2");
        InetAddress b = InetAddress.getByName("192.0.2.1");
        ClientConnections.Client first = counts.take(a);
        ClientConnections.Client second = counts.take(sameClient);
        assertNotNull(first);
        assertNotNull(second);
        assertNull(counts.take(a), "a third connection of the /64");
        assertNotNull(counts.take(b), "another client");
        assertEquals(2, counts.open(a));
        assertEquals(2, counts.clients());
        counts.release(first);
        assertNotNull(counts.take(sameClient), "a place came back");
        counts.release(second);
        counts.release(first);
        assertEquals(0, counts.open(a));
        assertEquals(1, counts.clients(), "a client with no connection left is forgotten");
    }
}
