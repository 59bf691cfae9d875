package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.ConnectFailedException;
import dev.wisp.client.ConnectRefusedException;
import dev.wisp.client.ConnectionInfo;
import dev.wisp.client.EventListener;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.Origin;
import dev.wisp.client.RetryPolicy;
import dev.wisp.client.SocketOptions;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens the socket of a {@link Connector}'s new connection: TCP to the addresses in the order {@link SocketOptions}
 * gives ({@link ConnectionRace}), or a Unix socket, by path or abstract name, retried as the {@link RetryPolicy}
 * says within the deadline; each failure becomes its typed exception (refused, failed, timed out), and each retry
 * an event.
 *
 * <p>Thread-safe: each call runs on the calling thread.
 */
final class SocketOpener {
    private static final System.Logger LOG = System.getLogger(SocketOpener.class.getName());

    private final ClientConfig config;
    private final EventListener events;
    private final Connector timeouts;

    /** @param timeouts the connector whose timeouts a connect that takes too long reports */
    SocketOpener(ClientConfig config, EventListener events, Connector timeouts) {
        this.config = config;
        this.events = events;
        this.timeouts = timeouts;
    }

    /** Opens a socket, retrying refused or failed attempts as the retry policy says, within the deadline. */
    StreamSocket open(Origin origin, ConnectionInfo info, List<InetAddress> addresses, CallContext call, long deadline)
            throws IOException {
        RetryPolicy policy = config.retryPolicy();
        for (int retry = 1; ; retry++) {
            try {
                return openSocket(origin, addresses, call, deadline);
            } catch (ConnectRefusedException | ConnectFailedException e) {
                Duration delay = policy.delayBefore(retry);
                if (retry > policy.maxRetries() || deadline - System.nanoTime() - delay.toNanos() <= 0) {
                    if (retry == 1) {
                        throw e;
                    }
                    String message = e.getMessage() + " (" + retry + " attempts)";
                    throw e instanceof ConnectRefusedException ? new ConnectRefusedException(message, e.getCause())
                            : new ConnectFailedException(message, e.getCause());
                }
                int next = retry;
                Events.fire(events, listener -> listener.connectRetry(info, next, delay, e));
                LOG.log(DEBUG, () -> origin + ": " + e.getMessage() + "; retry " + next + " in " + delay);
                pause(delay, call);
            }
        }
    }

    /** Waits between attempts in short steps, so that a cancel ends the wait at once. */
    private static void pause(Duration delay, CallContext call) throws IOException {
        long end = System.nanoTime() + delay.toNanos();
        try {
            for (long left = delay.toNanos(); left > 0; left = end - System.nanoTime()) {
                call.checkNotCanceled();
                Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 20)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw call.canceledException();
        }
        call.checkNotCanceled();
    }

    private StreamSocket openSocket(Origin origin, List<InetAddress> resolved, CallContext call, long deadline)
            throws IOException {
        SocketOptions options = config.socketOptions();
        if (options.unixSocket().isPresent()) {
            return StreamSocket.of(openUnixChannel(origin, options.unixSocket().get(), call));
        }
        if (options.abstractUnixSocket().isPresent()) {
            return openAbstractUnixSocket(origin, options.abstractUnixSocket().get(), call);
        }
        List<InetAddress> addresses = options.order(resolved);
        if (addresses.isEmpty() && LocalhostNames.isLocalhost(origin.host())) {
            // A hosts file that names one loopback address for localhost (127.0.0.1 alone, often): the other is
            // this host's as well (RFC 6761 §6.3), as curl takes it for -6.
            addresses = options.order(LocalhostNames.loopback(origin.host()));
        }
        if (addresses.isEmpty()) {
            throw new ConnectFailedException("cannot connect to " + origin.host() + ":" + origin.port() + ": none of "
                    + resolved.stream().map(InetAddress::getHostAddress).toList() + " is allowed by ipPreference "
                    + options.ipPreference(), null);
        }
        IOException last;
        ConnectionRace race = new ConnectionRace(addresses, origin.port(), options, call, deadline);
        try {
            return race.connect();
        } catch (SocketTimeoutException e) {
            throw timeouts.timeout(call, deadline, "connect to " + origin.host() + ":" + origin.port());
        } catch (IOException e) {
            call.checkNotCanceled();
            last = e;
        }
        // The address whose attempt failed last: the failure below is its own.
        String where = origin.host() + ":" + origin.port() + " ("
                + race.lastFailed().orElse(addresses.getFirst()).getHostAddress() + ")";
        if (last instanceof ConnectException) {
            throw new ConnectRefusedException("connection to " + where + " refused", last);
        }
        throw new ConnectFailedException("cannot connect to " + where + ": " + last.getMessage()
                + portsHint(last, options), last);
    }

    /**
     * What a connect that found no local address and port free most likely met, when none was asked for: the
     * ephemeral ports ran out (EADDRNOTAVAIL), which connections closed by this side hold for a minute in TIME_WAIT.
     */
    private static String portsHint(IOException failure, SocketOptions options) {
        return failure instanceof BindException && options.localAddress().isEmpty() && options.localPort() == 0
                ? " (no local port was free: connections opened and closed faster than the system's range of"
                        + " ports allows, each held for a while in TIME_WAIT, or too many open at once)"
                : "";
    }

    /** Connects to a Unix domain socket: the connect completes or fails at once, so it needs no timeout. */
    private static SocketChannel openUnixChannel(Origin origin, Path path, CallContext call) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        call.blockedOn(channel);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            call.checkNotCanceled();
            return channel;
        } catch (IOException e) {
            Connector.closeQuietly(channel);
            call.checkNotCanceled();
            throw unixConnectFailed("Unix socket " + path + " (for " + origin.host() + ")", e);
        }
    }

    /**
     * Connects to a Linux abstract Unix socket name, through native calls (see {@link AbstractUnixSockets}). As a
     * path's, the connect is not timed: it completes or fails at once, unless the listener's backlog is full.
     */
    private static StreamSocket openAbstractUnixSocket(Origin origin, String name, CallContext call)
            throws IOException {
        StreamSocket socket;
        try {
            socket = AbstractUnixSockets.connect(name);
        } catch (IOException e) {
            call.checkNotCanceled();
            throw unixConnectFailed("abstract Unix socket @" + name + " (for " + origin.host() + ")", e);
        }
        call.blockedOn(socket);
        if (call.isCanceled()) {
            Connector.closeQuietly(socket);
            call.checkNotCanceled();
        }
        return socket;
    }

    private static HttpCallException unixConnectFailed(String where, IOException e) {
        if (e instanceof ConnectException || e.getMessage() != null && e.getMessage().contains("refused")) {
            return new ConnectRefusedException("connection to " + where + " refused", e);
        }
        return new ConnectFailedException("cannot connect to " + where + ": " + e.getMessage(), e);
    }
}
