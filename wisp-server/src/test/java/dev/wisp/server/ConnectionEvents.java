package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records what a server tells its {@link ConnectionListener}, for tests to wait on: each close is queued, so a
 * test takes closes in the order they happened without sleeping.
 */
final class ConnectionEvents implements ConnectionListener {
    /** One closed connection and why. */
    record Closed(ConnectionInfo connection, String reason) {
    }

    private final List<ConnectionInfo> opened = new CopyOnWriteArrayList<>();
    private final List<ConnectionInfo> switched = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Closed> closed = new LinkedBlockingQueue<>();

    @Override
    public void opened(ConnectionInfo connection) {
        opened.add(connection);
    }

    @Override
    public void switched(ConnectionInfo connection) {
        switched.add(connection);
    }

    @Override
    public void closed(ConnectionInfo connection, String reason) {
        closed.add(new Closed(connection, reason));
    }

    /** The connections opened so far, in order. */
    List<ConnectionInfo> opened() {
        return List.copyOf(opened);
    }

    /** The connections that switched protocols so far, in order, as they were after the switch. */
    List<ConnectionInfo> switched() {
        return List.copyOf(switched);
    }

    /** Waits for the next connection to close; fails the test after five seconds. */
    Closed awaitClosed() throws InterruptedException {
        Closed next = closed.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            fail("no connection closed within 5 s; opened: " + opened);
        }
        return next;
    }
}
