package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.SocketOptions;
import dev.wisp.client.UnsupportedSocketOptionException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Happy Eyeballs v2 (RFC 8305 §5): TCP connection attempts to a host's addresses, in the order given (the families
 * interleaved), each started when the attempt before it failed or when the connection attempt delay has passed,
 * whichever comes first. The first attempt to connect wins; every other one is closed, connected or not.
 *
 * <p>With a local port to bind, two sockets cannot hold it at once, so the attempts run one after another, each
 * with its share of the time left (with n addresses left to try, 1/n of it).
 *
 * <p>One use: {@link #connect()} runs on the caller's thread, each attempt on a virtual thread of its own; a cancel
 * of the call closes every attempt's socket.
 */
final class ConnectionRace {
    private static final System.Logger LOG = System.getLogger(ConnectionRace.class.getName());

    /** What one attempt came to: a connected channel, or why not. */
    private record Outcome(SocketChannel channel, InetAddress address, Exception failure) {
    }

    private final List<InetAddress> addresses;
    private final int port;
    private final SocketOptions options;
    private final long attemptDelayNanos;
    private final CallContext call;
    private final long deadline;
    private final boolean sequential;
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private final List<Thread> attempts = new ArrayList<>();

    ConnectionRace(List<InetAddress> addresses, int port, SocketOptions options, CallContext call, long deadline) {
        this.addresses = addresses;
        this.port = port;
        this.options = options;
        this.attemptDelayNanos = options.connectionAttemptDelay().toNanos();
        this.call = call;
        this.deadline = deadline;
        this.sequential = options.localPort() != 0;
    }

    /**
     * Races the attempts until one connects.
     *
     * @return the winner's channel, connected and blocking
     * @throws SocketTimeoutException if the deadline passed first
     * @throws IOException the last attempt's failure if every attempt failed (a {@link java.net.ConnectException}
     *     when the last one was refused)
     * @throws UnsupportedSocketOptionException if the kernel did not keep the type of service
     */
    SocketChannel connect() throws IOException {
        call.blockedOn(this::closeAll);
        int started = 0;
        int running = 0;
        Exception last = null;
        SocketChannel winner = null;
        try {
            start(addresses.get(started++));
            running++;
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("connect timed out");
                }
                boolean more = started < addresses.size();
                long wait = more && !sequential ? Math.min(attemptDelayNanos, left) : left;
                Outcome outcome = outcomes.poll(wait, TimeUnit.NANOSECONDS);
                call.checkNotCanceled();
                if (outcome == null) {
                    if (more && !sequential) {
                        // RFC 8305 §5: no answer within the attempt delay; the next address starts alongside.
                        start(addresses.get(started++));
                        running++;
                    }
                    continue;
                }
                running--;
                if (outcome.channel() != null) {
                    winner = outcome.channel();
                    return winner;
                }
                last = outcome.failure();
                if (last instanceof UnsupportedSocketOptionException unsupported) {
                    throw unsupported;
                }
                if (started < addresses.size()) {
                    start(addresses.get(started++)); // a failure starts the next at once
                    running++;
                } else if (running == 0) {
                    throw (IOException) last;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw call.canceledException();
        } finally {
            closeAllBut(winner);
            if (winner == null) {
                awaitAttempts();
            }
        }
    }

    /**
     * Waits, briefly, for the closed attempts to let go of their sockets, so that a failed connect leaves nothing
     * open behind it (a close from another thread releases the socket once the connecting thread has woken).
     */
    private void awaitAttempts() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (Thread attempt : attempts) {
            try {
                if (!attempt.join(java.time.Duration.ofNanos(Math.max(1, end - System.nanoTime())))) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void start(InetAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open();
        synchronized (channels) {
            channels.add(channel);
        }
        int remaining = addresses.size() - channels.size() + 1;
        long left = Math.max(1, deadline - System.nanoTime());
        long budget = sequential ? left / remaining : left;
        attempts.add(Thread.ofVirtual().name("wisp-connect-" + address.getHostAddress())
                .start(() -> attempt(channel, address, budget)));
    }

    private void attempt(SocketChannel channel, InetAddress address, long budgetNanos) {
        try {
            if (options.binds()) {
                channel.bind(options.bindAddress());
            }
            if (options.typeOfService().isPresent()) {
                setTypeOfService(channel, options.typeOfService().getAsInt());
            }
            // The socket adapter of a blocking channel connects with a timeout; the channel's own connect has none.
            channel.socket().connect(new InetSocketAddress(address, port),
                    (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(budgetNanos)));
            outcomes.add(new Outcome(channel, address, null));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            LOG.log(DEBUG, () -> "connect to " + address + ":" + port + " failed: " + e.getMessage());
            outcomes.add(new Outcome(null, address, e));
        }
    }

    /**
     * Sets IP_TOS and reads it back: the JDK ignores a value the kernel refuses without a word, and an option the
     * platform cannot honour must fail, not pass silently.
     */
    private static void setTypeOfService(SocketChannel channel, int value) throws IOException {
        channel.setOption(StandardSocketOptions.IP_TOS, value);
        int kept = channel.getOption(StandardSocketOptions.IP_TOS);
        if (kept != value) {
            throw new UnsupportedSocketOptionException("IP_TOS", String.format(Locale.ROOT,
                    "IP_TOS 0x%02x was not applied: the socket kept 0x%02x", value, kept));
        }
    }

    private void closeAll() {
        closeAllBut(null);
    }

    /** Closes every attempt's socket but the winner's: losers, and late winners, never stay open. */
    private void closeAllBut(SocketChannel winner) {
        synchronized (channels) {
            for (SocketChannel channel : channels) {
                if (channel != winner) {
                    closeQuietly(channel);
                }
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "close of a connection attempt: " + e);
        }
    }
}
