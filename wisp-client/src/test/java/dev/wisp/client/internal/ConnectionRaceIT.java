package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.Request;
import dev.wisp.client.SocketOptions;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The race when a socket cannot even be made for an address (a family the host lacks, no descriptor left): that
 * address fails alone, as a refused connect does. The connects are real, on loopback; only the making of the socket
 * for one address is made to fail, since no test can make the kernel refuse one family's sockets.
 */
class ConnectionRaceIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final InetAddress V6 = address("::1");
    private static final InetAddress V4 = address("127.0.0.1");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens sockets as the client does, but fails to make one for {@code failing}. */
    private static ConnectionRace.AttemptOpener failingFor(InetAddress failing, String why) {
        return (address, options) -> {
            if (address.equals(failing)) {
                throw new SocketException(why);
            }
            return ConnectAttempt.open(address, options);
        };
    }

    private static ConnectionRace race(List<InetAddress> addresses, int port, ConnectionRace.AttemptOpener opener) {
        CallContext call = new CallContext(Request.get("http://race.test:" + port + "/"), ClientConfig.defaults());
        SocketOptions options = SocketOptions.builder().connectionAttemptDelay(Duration.ofSeconds(2)).build();
        return new ConnectionRace(addresses, port, options, call,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(10), opener);
    }

    @Test
    void anAddressWithoutASocketFailsAloneAndTheNextConnectsAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket()) {
                listener.bind(new InetSocketAddress(V4, 0));
                ConnectionRace race = race(List.of(V6, V4), listener.getLocalPort(),
                        failingFor(V6, "Address family not supported by protocol"));
                long start = System.nanoTime();
                StreamSocket socket = race.connect();
                try (Socket accepted = listener.accept()) {
                    assertEquals(socket.localAddress().orElseThrow(), accepted.getRemoteSocketAddress(),
                            "connected to IPv4");
                } finally {
                    socket.close();
                }
                // Not after the 2 s attempt delay: the failure to make a socket started the next address at once.
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 1500, millis + " ms");
                assertEquals(V6, race.lastFailed().orElseThrow());
            }
        });
    }

    @Test
    void whenTheLastAddressHasNoSocketTheErrorIsItsOwnAndNamesIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port;
            try (ServerSocket closed = new ServerSocket(0, 1, V6)) {
                port = closed.getLocalPort(); // nothing listens there any more: ::1 refuses
            }
            ConnectionRace race = race(List.of(V6, V4), port, failingFor(V4, "no socket for IPv4"));
            IOException failure = assertThrows(IOException.class, race::connect);
            assertEquals("no socket for IPv4", failure.getMessage());
            assertEquals(V4, race.lastFailed().orElseThrow());
        });
    }

    @Test
    void anUncheckedFailureToMakeASocketIsThrownAsItIsWhenNoAddressIsLeft() {
        assertTimeoutPreemptively(LIMIT, () -> {
            IllegalStateException broken = new IllegalStateException("no native access");
            ConnectionRace race = race(List.of(V4), 9, (address, options) -> {
                throw broken;
            });
            assertSame(broken, assertThrows(IllegalStateException.class, race::connect));
        });
    }
}
