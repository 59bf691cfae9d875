package dev.wisp.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ClientConnectionsTest {

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
