package dev.wisp.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A SOCKS5 proxy on loopback (RFC 1928, with username/password authentication of RFC 1929) that follows the RFCs
 * strictly and records what clients ask: each {@code CONNECT}'s address type, host and port, and the user. It
 * relays to the target when told to succeed, answers a chosen failure reply, or stalls after the greeting. A
 * client that breaks the protocol has its connection closed and the violation recorded.
 *
 * <p>Thread-safe: each connection runs on a virtual thread of its own; settings may change between connections.
 * {@link #close()} closes the listener and every connection.
 */
public final class Socks5Peer implements AutoCloseable {
    /** Address type of RFC 1928 §4: an IPv4 address. */
    public static final int IPV4 = 1;
    /** Address type of RFC 1928 §4: a domain name. */
    public static final int DOMAIN_NAME = 3;
    /** Address type of RFC 1928 §4: an IPv6 address. */
    public static final int IPV6 = 4;

    /** One {@code CONNECT} as the client sent it; {@code user} is null without authentication. */
    public record ConnectRequest(int addressType, String host, int port, String user) {
    }

    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<ConnectRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Semaphore closedByClient = new Semaphore(0);
    private volatile String user;
    private volatile String password;
    private volatile int reply;
    private volatile boolean stall;

    private Socks5Peer(ServerSocket listener) {
        this.listener = listener;
    }

    /** A peer on 127.0.0.1 and an ephemeral port that needs no credentials and relays every request. */
    public static Socks5Peer start() throws IOException {
        Socks5Peer peer = new Socks5Peer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread.ofVirtual().name("socks5-peer-accept").start(peer::accept);
        return peer;
    }

    /** The port the peer listens on, at 127.0.0.1. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Demands username/password authentication with these credentials; null for none. */
    public Socks5Peer credentials(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /** Answers every {@code CONNECT} with this reply code; 0 (the default) relays to the target. */
    public Socks5Peer reply(int code) {
        this.reply = code;
        return this;
    }

    /** Reads the greeting and then never answers. */
    public Socks5Peer stall(boolean stall) {
        this.stall = stall;
        return this;
    }

    /** Every {@code CONNECT} received so far, in order. */
    public List<ConnectRequest> requests() {
        return List.copyOf(requests);
    }

    /** How the clients broke the protocol, if they did. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * Waits until the client has closed this many connections that the peer did not relay (after a failure, a
     * refusal or a stall).
     */
    public boolean awaitClientCloses(int count, long millis) throws InterruptedException {
        return closedByClient.tryAcquire(count, millis, TimeUnit.MILLISECONDS);
    }

    /** How many connections the client has closed after a refusal, failure or stall, not yet awaited. */
    public int clientCloses() {
        return closedByClient.availablePermits();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                Thread.ofVirtual().name("socks5-peer-conn").start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String authenticated = negotiate(in, out);
            if (authenticated == null) {
                return;
            }
            connect(socket, in, out, authenticated.isEmpty() ? null : authenticated);
        } catch (IOException e) {
            // The client went away or the peer was closed: nothing to record.
        } finally {
            sockets.remove(socket);
        }
    }

    /** RFC 1928 §3 and RFC 1929 §2; the user ("" for none), or null after a refusal. */
    private String negotiate(DataInputStream in, OutputStream out) throws IOException {
        if (in.readUnsignedByte() != 5) {
            return violation("greeting is not version 5");
        }
        int count = in.readUnsignedByte();
        if (count == 0) {
            return violation("greeting offers no method");
        }
        byte[] methods = in.readNBytes(count);
        if (methods.length < count) {
            throw new EOFException();
        }
        if (stall) {
            awaitClose(in);
            return null;
        }
        String wanted = user;
        int chosen = wanted != null ? 2 : 0;
        boolean offered = false;
        for (byte method : methods) {
            offered |= method == chosen;
        }
        if (!offered) {
            out.write(new byte[] {5, (byte) 0xFF});
            out.flush();
            awaitClose(in);
            return null;
        }
        out.write(new byte[] {5, (byte) chosen});
        out.flush();
        if (chosen == 0) {
            return "";
        }
        if (in.readUnsignedByte() != 1) {
            return violation("username/password request is not version 1");
        }
        String given = readString(in, "user");
        String secret = readString(in, "password");
        if (given == null || secret == null) {
            return null;
        }
        boolean accepted = given.equals(wanted) && secret.equals(password);
        out.write(new byte[] {1, (byte) (accepted ? 0 : 1)});
        out.flush();
        if (!accepted) {
            // RFC 1929 §2: a status other than X'00' means the server must close the connection.
            return null;
        }
        return given;
    }

    /** A length byte of 1..255 and that many bytes of UTF-8; null after a violation. */
    private String readString(DataInputStream in, String what) throws IOException {
        int length = in.readUnsignedByte();
        if (length == 0) {
            return violation("empty " + what);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** RFC 1928 §4 to §6: reads the request, answers it, and relays on success. */
    private void connect(Socket socket, DataInputStream in, OutputStream out, String authenticated)
            throws IOException {
        byte[] head = new byte[4];
        in.readFully(head);
        if (head[0] != 5 || head[2] != 0) {
            violation("request has version " + head[0] + " and reserved byte " + head[2]);
            return;
        }
        int type = head[3];
        String host = switch (type) {
            case IPV4, IPV6 -> InetAddress.getByAddress(in.readNBytes(type == IPV4 ? 4 : 16)).getHostAddress();
            case DOMAIN_NAME -> new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
            default -> null;
        };
        int port = in.readUnsignedShort();
        if (head[1] != 1 || host == null) {
            answer(out, head[1] != 1 ? 7 : 8, null);
            awaitClose(in);
            return;
        }
        requests.add(new ConnectRequest(type, host, port, authenticated));
        if (reply != 0) {
            answer(out, reply, null);
            awaitClose(in);
            return;
        }
        Socket target = new Socket();
        try {
            target.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5000);
        } catch (IOException e) {
            target.close();
            answer(out, e instanceof UnknownHostException ? 4 : 5, null);
            awaitClose(in);
            return;
        }
        relay(socket, in, out, target);
    }

    private void relay(Socket socket, InputStream in, OutputStream out, Socket target) throws IOException {
        sockets.add(target);
        try (target) {
            answer(out, 0, (InetSocketAddress) target.getLocalSocketAddress());
            Thread upstream = Thread.ofVirtual().start(() -> copy(in, target));
            copy(target.getInputStream(), socket);
            upstream.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sockets.remove(target);
        }
    }

    /** Copies until end of stream, then half-closes the destination. */
    private static void copy(InputStream from, Socket to) {
        try {
            from.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // One side closed: the relay ends.
        }
    }

    /**
     * RFC 1928 §6: VER, REP, RSV, then the bound address (IPv4) and port; all zeros when there is none.
     */
    private static void answer(OutputStream out, int code, InetSocketAddress bound) throws IOException {
        byte[] address = bound == null ? new byte[4] : bound.getAddress().getAddress();
        int port = bound == null ? 0 : bound.getPort();
        byte[] reply = new byte[6 + address.length];
        reply[0] = 5;
        reply[1] = (byte) code;
        reply[3] = (byte) (address.length == 4 ? IPV4 : IPV6);
        System.arraycopy(address, 0, reply, 4, address.length);
        reply[reply.length - 2] = (byte) (port >> 8);
        reply[reply.length - 1] = (byte) port;
        out.write(reply);
        out.flush();
    }

    /**
     * Waits for the client to close, as it must after a refusal, and counts it: a FIN, or a reset (a client that
     * closes with part of the reply unread resets the connection).
     */
    private void awaitClose(InputStream in) {
        try {
            while (in.read() >= 0) {
                violations.add("client sent bytes after a refusal or before an answer");
            }
        } catch (IOException e) {
            if (listener.isClosed()) {
                return;
            }
        }
        closedByClient.release();
    }

    private String violation(String what) {
        violations.add(what);
        return null;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
