package dev.wisp.server.internal;

import dev.wisp.server.ClientAddress;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * How many connections each client holds open, for {@code maxConnectionsPerClient}: so that one client (a
 * misbehaving one, or an attacker's) cannot take the places that {@code maxConnections} shares among all, nor make
 * the server evict other clients' idle connections to fit its own. A client is a {@link ClientAddress}: an IPv4
 * address, or an IPv6 /64 prefix.
 *
 * <p>Thread-safe: the accept threads take places, connection threads give them back. Giving one back allocates
 * nothing, so a connection that closes while the heap is full still frees its client's place.
 */
final class ClientConnections {
    /** One client's open connections; the connections it counts hold it, so giving back needs no lookup. */
    static final class Client {
        private final InetAddress key;
        /** Guarded by the monitor of the {@link ClientConnections} that made it. */
        private int open;

        private Client(InetAddress key) {
            this.key = key;
        }

    }

    private final int maxPerClient;
    /** The clients with a connection open; guarded by this object's monitor. */
    private final HashMap<InetAddress, Client> clients = new HashMap<>();

    ClientConnections(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    /**
     * Takes a place for a new connection from this address.
     *
     * @return the client to give the place back to when the connection closes, or null if it holds
     *     {@code maxConnectionsPerClient} already
     */
    Client take(InetAddress address) {
        InetAddress key = ClientAddress.of(address);
        synchronized (this) {
            Client client = clients.get(key);
            if (client == null) {
                client = new Client(key);
                clients.put(key, client);
            } else if (client.open >= maxPerClient) {
                return null;
            }
            client.open++;
            return client;
        }
    }

    /**
     * Gives back a place that {@link #take} gave; once. A monitor, not a lock: a contended lock takes a queue node
     * from the heap, and a place a full heap kept from coming back would be its client's for good.
     */
    synchronized void release(Client client) {
        if (--client.open == 0) {
            clients.remove(client.key);
        }
    }

    /** How many connections the client of this address holds open now; for tests. */
    int open(InetAddress address) {
        InetAddress key = ClientAddress.of(address);
        synchronized (this) {
            Client client = clients.get(key);
            return client == null ? 0 : client.open;
        }
    }

    /** How many clients hold a connection open now; for tests. */
    synchronized int clients() {
        return clients.size();
    }
}
