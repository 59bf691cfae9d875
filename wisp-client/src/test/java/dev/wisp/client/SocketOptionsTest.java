package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Address ordering and backoff delays, without sockets. */
class SocketOptionsTest {
    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static List<String> order(SocketOptions.IpPreference preference, List<InetAddress> addresses) {
        return SocketOptions.builder().ipPreference(preference).build().order(addresses).stream()
                .map(InetAddress::getHostAddress).toList();
    }

    @Test
    void interleavesFamiliesStartingWithIpv6OrPutsOneFirst() throws UnknownHostException {
        List<InetAddress> resolved = List.of(address("::1"), address("::2"), address("::3"), address("10.0.0.1"));
        assertEquals(List.of("0:0:0:0:0:0:0:1", "10.0.0.1", "0:0:0:0:0:0:0:2", "0:0:0:0:0:0:0:3"),
                order(SocketOptions.IpPreference.INTERLEAVED, resolved));
        assertEquals(List.of("10.0.0.1", "0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:2", "0:0:0:0:0:0:0:3"),
                order(SocketOptions.IpPreference.IPV4_FIRST, resolved));
        assertEquals(List.of("0:0:0:0:0:0:0:1", "10.0.0.1", "0:0:0:0:0:0:0:2", "10.0.0.2"),
                order(SocketOptions.IpPreference.INTERLEAVED, List.of(address("10.0.0.1"), address("10.0.0.2"),
                        address("::1"), address("::2"))), "IPv6 first even when the resolver puts IPv4 first");
        assertEquals(List.of("10.0.0.1"), order(SocketOptions.IpPreference.IPV4_ONLY, resolved));
        assertEquals(3, order(SocketOptions.IpPreference.IPV6_ONLY, resolved).size());
    }

    @Test
    void backsOffExponentiallyWithJitterUpToTheMaximum() {
        RetryPolicy policy = RetryPolicy.exponential(10, Duration.ofMillis(100), Duration.ofSeconds(1));
        for (int i = 0; i < 50; i++) {
            long first = policy.delayBefore(1).toMillis();
            long third = policy.delayBefore(3).toMillis();
            long tenth = policy.delayBefore(10).toMillis();
            assertTrue(first >= 50 && first <= 100, "first " + first);
            assertTrue(third >= 200 && third <= 400, "third " + third);
            assertTrue(tenth >= 500 && tenth <= 1000, "tenth " + tenth);
        }
    }

    @Test
    void refusesPrioritiesOutsideZeroToSevenAndTypeOfServiceOutOfRange() {
        assertEquals("priority must be 0..7 (SO_PRIORITY): 8", assertThrows(IllegalArgumentException.class,
                () -> SocketOptions.builder().priority(8)).getMessage());
        assertEquals("priority must be 0..7 (SO_PRIORITY): -1", assertThrows(IllegalArgumentException.class,
                () -> SocketOptions.builder().priority(-1)).getMessage());
        assertEquals("typeOfService must be 0..255: 256", assertThrows(IllegalArgumentException.class,
                () -> SocketOptions.builder().typeOfService(256)).getMessage());
        assertEquals(0x10, SocketOptions.builder().typeOfService(SocketOptions.TypeOfService.LOW_DELAY).build()
                .typeOfService().getAsInt());
        assertTrue(SocketOptions.defaults().typeOfService().isEmpty());
        assertTrue(SocketOptions.defaults().priority().isEmpty());
    }

    /**
     * Unit tests run on the class directory, where the JVM ignores {@code META-INF/versions}: these are the Java 21
     * classes, which refuse a priority when it is set, as a Java 21 runtime does with the jar.
     */
    @Test
    void refusesAPriorityOnJava21WhenItIsSet() {
        UnsupportedSocketOptionException e = assertThrows(UnsupportedSocketOptionException.class,
                () -> SocketOptions.builder().priority(6));
        assertEquals("SO_PRIORITY", e.option());
        assertEquals("SO_PRIORITY needs Java 22 or later: java.net cannot set it, and the client sets it through"
                + " the Foreign Function and Memory API", e.getMessage());
    }
}
