package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.SocketOptions;
import dev.wisp.client.UnsupportedSocketOptionException;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * <p>Each attempt is a {@link ConnectAttempt}: a JDK socket channel, or a native socket when the options ask for what
 * the JDK cannot set (a priority); the race is the same for both.
 *
 * <p>One use: {@link #connect()} runs on the caller's thread, each attempt on a virtual thread of its own; a cancel
 * of the call closes every attempt's socket.
 */
final class ConnectionRace {
    private static final System.Logger LOG = System.getLogger(ConnectionRace.class.getName());

    /** What one attempt came to: a connected socket, or why not. */
    private record Outcome(ConnectAttempt attempt, InetAddress address, StreamSocket socket, Exception failure) {
    }

    /** Makes the socket of one attempt; {@link ConnectAttempt#open} but in tests that make it fail. */
    @FunctionalInterface
    interface AttemptOpener {
        ConnectAttempt open(InetAddress address, SocketOptions options) throws IOException;
    }

    private final List<InetAddress> addresses;
    private final int port;
    private final SocketOptions options;
    private final long attemptDelayNanos;
    private final CallContext call;
    private final long deadline;
    private final boolean sequential;
    private final AttemptOpener opener;
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    /** Every attempt started, to close all but the winner; guarded by itself. */
    private final List<ConnectAttempt> attempts = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** The address whose attempt failed last, for the error that names it; the racing thread only. */
    private InetAddress lastFailed;

    ConnectionRace(List<InetAddress> addresses, int port, SocketOptions options, CallContext call, long deadline) {
        this(addresses, port, options, call, deadline, ConnectAttempt::open);
    }

    ConnectionRace(List<InetAddress> addresses, int port, SocketOptions options, CallContext call, long deadline,
            AttemptOpener opener) {
        this.opener = opener;
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
     * @return the winner's socket, connected and blocking
     * @throws SocketTimeoutException if the deadline passed first
     * @throws IOException the last attempt's failure if every attempt failed (a {@link java.net.ConnectException}
     *     when the last one was refused)
     * @throws UnsupportedSocketOptionException if the kernel refused an option or did not keep the type of service
     */
    StreamSocket connect() throws IOException {
        call.blockedOn(this::closeAll);
        int started = 0;
        int running = 0;
        Exception last = null;
        ConnectAttempt winner = null;
        try {
            start(started++);
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
                        start(started++);
                        running++;
                    }
                    continue;
                }
                running--;
                if (outcome.socket() != null) {
                    winner = outcome.attempt();
                    return outcome.socket();
                }
                last = outcome.failure();
                lastFailed = outcome.address();
                if (last instanceof UnsupportedSocketOptionException unsupported) {
                    throw unsupported;
                }
                if (started < addresses.size()) {
                    start(started++); // a failure starts the next at once
                    running++;
                } else if (running == 0) {
                    if (last instanceof RuntimeException unchecked) {
                        throw unchecked;
                    }
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

    /** The address whose attempt failed last, or empty if none has failed. */
    Optional<InetAddress> lastFailed() {
        return Optional.ofNullable(lastFailed);
    }

    /**
     * Waits, briefly, for the closed attempts to let go of their sockets, so that a failed connect leaves nothing
     * open behind it (a close from another thread releases the socket once the connecting thread has woken).
     */
    private void awaitAttempts() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (Thread attempt : threads) {
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

    /**
     * Starts the attempt for the address at that index. A socket that cannot be made (say, a family the host does not
     * support) fails that address alone, as a refused connect would: the race moves on to the next one.
     */
    private void start(int index) {
        InetAddress address = addresses.get(index);
        ConnectAttempt attempt;
        try {
            attempt = opener.open(address, options);
        } catch (IOException | RuntimeException e) {
            LOG.log(DEBUG, () -> "no socket for " + address + ": " + e.getMessage());
            outcomes.add(new Outcome(null, address, null, e));
            return;
        }
        synchronized (attempts) {
            attempts.add(attempt);
        }
        long left = Math.max(1, deadline - System.nanoTime());
        long budget = sequential ? left / (addresses.size() - index) : left;
        threads.add(Thread.ofVirtual().name("wisp-connect-" + address.getHostAddress())
                .start(() -> attempt(attempt, address, budget)));
    }

    private void attempt(ConnectAttempt attempt, InetAddress address, long budgetNanos) {
        try {
            StreamSocket socket = attempt.connect(new InetSocketAddress(address, port), budgetNanos);
            outcomes.add(new Outcome(attempt, address, socket, null));
        } catch (IOException | RuntimeException e) {
            attempt.close();
            LOG.log(DEBUG, () -> "connect to " + address + ":" + port + " failed: " + e.getMessage());
            outcomes.add(new Outcome(attempt, address, null, e));
        }
    }

    private void closeAll() {
        closeAllBut(null);
    }

    /** Closes every attempt's socket but the winner's: losers, and late winners, never stay open. */
    private void closeAllBut(ConnectAttempt winner) {
        synchronized (attempts) {
            for (ConnectAttempt attempt : attempts) {
                if (attempt != winner) {
                    attempt.close();
                }
            }
        }
    }
}
