package dev.wisp.transport;

import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Starts, while the process has descriptors, memory and threads to spare, the JDK services that start at their first
 * use and break for good, or lose a thread, if that start fails: the poller that wakes virtual threads waiting on
 * sockets, the timer thread of virtual threads' timed waits, and what logging a line needs. Run when a server starts
 * and when a client or connection is made, not at first use, which may come with the descriptor table full or no
 * thread left to start.
 *
 * <ul>
 * <li>The JDK opens its poller's epoll descriptors and threads in the initializer of its class
 *     ({@code sun.nio.ch.Poller}). If that fails, the class is unusable for the rest of the JVM's life, and every
 *     later wait of a virtual thread on a socket fails ({@code NoClassDefFoundError}), long after descriptors came
 *     back. Seen: a client whose calls had run on platform threads opened a WebSocket while the table was full, and
 *     its reading thread, the first virtual thread to wait, failed the WebSocket.
 * <li>The time zone rules ({@code lib/tzdb.dat}), which every log line's time stamp reads: loaded first while the
 *     table was full, they failed for good, and so did every line logged after it through the JDK's logging
 *     ({@code SimpleFormatter}), silently. Seen: a client's first warning, that descriptors ran out, was the first
 *     line it logged, and no line of that process ever went out. The logging backend, which reads its
 *     configuration file at first use, starts here too.
 * <li>The classes of every connection: {@code InetAddress}, whose initializer reads the security properties file
 *     ({@code networkaddress.cache.ttl}), and the socket channel's, whose initializer opens a descriptor of its own.
 *     Started first with the table full, each fails ({@code InternalError: Error loading java.security file},
 *     {@code ExceptionInInitializerError}), and every later connection of the JVM with it
 *     ({@code NoClassDefFoundError}). Seen: a client whose process had made no connection before the table filled.
 * <li>The platform thread that ends virtual threads' timed waits (JDK 25: the scheduler's
 *     {@code ForkJoinPool-1-delayScheduler}), started by the first timed wait. If no thread can be started then (the
 *     process's or the system's thread limit), that wait's virtual thread is lost for good: the failure comes as it
 *     parks, and leaves it never scheduled again. Seen: under a thread limit, a server's first timed wait (a read with
 *     a timeout) failed to start the thread.
 * </ul>
 *
 * <p>A start is tried only with more descriptors free than the poller opens, held and let go just before, so that
 * trying cannot be what breaks a service; short of them it is left for the next try or the first use, as before.
 * Thread-safe.
 */
public final class JdkWarmUp {
    private static final System.Logger LOG = System.getLogger(JdkWarmUp.class.getName());
    private static final String POLLER_CLASS = "sun.nio.ch.Poller";
    /** The time stamp of {@code java.util.logging.SimpleFormatter}'s default format. */
    private static final String TIME_STAMP = "%1$tb %1$td, %1$tY %1$tl:%1$tM:%1$tS %1$Tp";
    /** Descriptors past those the poller opens: an epoll instance per reader (one per core, up to 32) and writer. */
    private static final int SPARE_DESCRIPTORS = 8;

    /** Tries at most this often while descriptors are short: each try holds some for a moment, others may need them. */
    private static final long RETRY_NANOS = 1_000_000_000L;
    /** The timed wait that starts the JDK's timer thread: any will do. */
    private static final long TIMED_WAIT_NANOS = 1_000_000L;
    /** How long the timed wait may take to end: longer only if its thread was lost, or the machine is stalled. */
    private static final Duration TIMER_START_WAIT = Duration.ofSeconds(5);

    private static volatile boolean done;
    /** When the last try found too few descriptors free, never 0; 0 before any did. Guarded by the class. */
    private static long shortAtNanos;

    private JdkWarmUp() {
    }

    /** Starts the services unless they started, or descriptors or memory are short now; never throws. */
    public static void runIfSpare() {
        if (done) {
            return;
        }
        synchronized (JdkWarmUp.class) {
            long now = System.nanoTime();
            if (done || shortAtNanos != 0 && now - shortAtNanos < RETRY_NANOS) {
                return;
            }
            if (!haveSpare()) {
                shortAtNanos = now | 1;
                return;
            }
            prepareLogging(); // first, so that a poller that fails to start can say so
            startPoller();
            startNetworking();
            if (startTimerThread(task -> Thread.ofVirtual().name("wisp-warm-up").unstarted(task))) {
                done = true;
            } else {
                shortAtNanos = now | 1;
            }
        }
    }

    /**
     * Whether the descriptors and memory the services need are free now; they are free again on return. For a
     * service of the JDK's that starts at first use and breaks for good if that start fails, as these do (the JDK's
     * crypto, say), to start only when this holds.
     */
    public static boolean haveSpare() {
        int pipes = (Math.min(Runtime.getRuntime().availableProcessors(), 32) + SPARE_DESCRIPTORS) / 2;
        List<Pipe> held = new ArrayList<>(pipes);
        try {
            for (int i = 0; i < pipes; i++) {
                held.add(Pipe.open());
            }
            return true;
        } catch (IOException | OutOfMemoryError e) {
            return false;
        } catch (LinkageError e) {
            return false; // the pipe's own classes failed to start, the table full at their first use: for good
        } finally {
            for (Pipe pipe : held) {
                closeQuietly(pipe);
            }
        }
    }

    private static void startPoller() {
        try {
            Class.forName(POLLER_CLASS, true, null);
        } catch (ClassNotFoundException e) {
            // Another JDK's design: nothing to start ahead.
        } catch (LinkageError | OutOfMemoryError e) {
            LOG.log(WARNING, "the JDK's poller for virtual threads failed to start, or failed before: virtual threads"
                    + " cannot wait on sockets in this JVM", e);
        }
    }

    /** Starts the classes every connection needs: resolving a literal address and opening a channel do. */
    private static void startNetworking() {
        try {
            InetAddress.getByName("127.0.0.1");
            SocketChannel.open().close();
        } catch (IOException | RuntimeException | Error e) {
            // Short of what it needs after all: the first connection fails as it would have.
        }
    }

    /**
     * Makes a virtual thread wait with a timeout, which starts the thread that ends such waits; false if it may not
     * have. Only once a platform thread could be started just before: should that start fail, the waiting thread
     * would be lost, so the wait for it is bounded too. The default scheduler's waits are ended by its own timer;
     * those of every other scheduler ({@link CarrierLoops}, whose threads this makes with {@code virtualThreads}) by
     * JDK-wide timers, one per four processors, picked by the id of the carrier thread: this starts the one of
     * the carrier the waiting thread runs on.
     */
    static boolean startTimerThread(Function<Runnable, Thread> virtualThreads) {
        try {
            Thread.ofPlatform().daemon().name("wisp-warm-up").start(() -> { }).join();
            Thread waiter = virtualThreads.apply(() -> LockSupport.parkNanos(TIMED_WAIT_NANOS));
            waiter.start();
            return waiter.join(TIMER_START_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's to handle; a later try starts the thread
            return false;
        } catch (RuntimeException | Error e) {
            return false; // no thread can be started now (a thread limit, or no memory for its stack)
        }
    }

    /** The backend, and the time zone rules and month names of a time stamp as the JDK's logging formats it. */
    private static void prepareLogging() {
        try {
            LOG.isLoggable(WARNING);
            String.format(TIME_STAMP, ZonedDateTime.now());
        } catch (RuntimeException | Error e) {
            // Short of what it needs after all: logging fails as it would have, and says so if it can.
        }
    }

    private static void closeQuietly(Pipe pipe) {
        try {
            pipe.source().close();
        } catch (IOException e) {
            // nothing held
        }
        try {
            pipe.sink().close();
        } catch (IOException e) {
            // nothing held
        }
    }
}
