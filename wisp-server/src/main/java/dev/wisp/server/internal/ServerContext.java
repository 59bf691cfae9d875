package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.BufferPool;
import dev.wisp.core.SharedBudget;
import dev.wisp.core.Outage;
import dev.wisp.server.ServerConfig;
import dev.wisp.tls.TlsContext;
import dev.wisp.transport.Cadence;
import dev.wisp.transport.CarrierLoops;
import dev.wisp.transport.HeapPressure;
import dev.wisp.transport.InputWatcher;
import dev.wisp.transport.StreamSocket;
import dev.wisp.transport.TlsBuffers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * What every connection of one server shares, whatever its protocol and port: configuration, the buffer pool, and
 * the registry of open connections. Built once at start; immutable apart from the registry and the pool,
 * which are thread-safe.
 */
public final class ServerContext {
    private static final System.Logger LOG = System.getLogger(ServerContext.class.getName());
    /** How often the buffer pools drop what the work since the last time left unused, and spares are woken. */
    private static final Duration TRIM_PERIOD = Duration.ofSeconds(1);
    private final ServerConfig config;
    private final BufferPool buffers;
    /** The TLS port's record buffers, once it has them; trimmed with the pool. */
    private volatile TlsBuffers tlsBuffers;
    /** When the pools are trimmed and the spares woken; the sweeper's thread only. */
    private final Cadence trims = new Cadence(TRIM_PERIOD);
    private final ConnectionRegistry registry;
    /**
     * Makes every connection's threads. They share one name: a name per thread would be a string kept by every
     * idle connection. Log lines carry the connection id instead, as {@code [c17]}.
     */
    private final ThreadFactory connectionThreads;
    private volatile InetSocketAddress localAddress;
    private volatile TlsContext tls;
    private volatile InputWatcher inputWatcher;
    private final StopActions stopActions = new StopActions();
    private final ServerCounters counters = new ServerCounters();
    /** How many HTTP/2 streams the connections together may have running. */
    private final SharedBudget streams;
    /** What the connections together may hold of received content (see {@link #heldContent()}). */
    private final SharedBudget heldContent;
    /** The heap's pressure as this server's log told it; see {@link #shedsLoad()}. */
    private final Outage heapFull = new Outage();
    /** The loops that run the connections' threads, or null for the JDK's scheduler; set once, before accepting. */
    private volatile CarrierLoops carrierLoops;

    public ServerContext(ServerConfig config) {
        this(config, Thread.ofVirtual().name("wisp-conn").uncaughtExceptionHandler(LostThreads.HANDLER).factory());
    }

    /** With another factory for the connections' threads: one that fails, in the tests of running out. */
    ServerContext(ServerConfig config, ThreadFactory connectionThreads) {
        this.config = config;
        this.connectionThreads = connectionThreads;
        this.buffers = new BufferPool(config.bufferBytes(), config.maxPooledBuffers());
        this.heldContent = SharedBudget.heldContent(config.maxHeldContentBytes());
        this.streams = SharedBudget.withFairShares(config.maxActiveStreams(), "HTTP/2 streams running reached their"
                + " budget of " + config.maxActiveStreams() + " (maxActiveStreams): new streams are refused"
                + " (REFUSED_STREAM) until some end", "HTTP/2 streams running are below half their budget again");
        this.registry = new ConnectionRegistry(config.maxConnections(), config.overflowPolicy(),
                config.maxPooledBuffers(), config.maxConnectionsPerClient());
    }

    ServerConfig config() {
        return config;
    }

    StopActions stopActions() {
        return stopActions;
    }

    /**
     * The budget the connections charge what they hold of received content to: HTTP/2 streams' content unread, and the
     * WebSocket messages being assembled and handled.
     */
    SharedBudget heldContent() {
        return heldContent;
    }

    /**
     * Whether the server sheds load now, the heap nearly full of live objects ({@link HeapPressure}) and the
     * configuration letting it ({@link ServerConfig.Builder#shedLoadUnderHeapPressure}): new connections wait, new
     * requests are refused, and connections that make no progress are closed. A volatile read while it does not.
     */
    boolean shedsLoad() {
        return HeapPressure.isHigh() && config.shedLoadUnderHeapPressure();
    }

    /** The budget the HTTP/2 connections take a place from for each stream that runs. */
    SharedBudget streams() {
        return streams;
    }

    /** What the server counts for {@code Server.stats()}. */
    public ServerCounters counters() {
        return counters;
    }

    /** Runs what exchanges in flight asked to run as the server stops; see {@code ServerRequest.onServerStop}. */
    public void runStopActions() {
        stopActions.runAll();
    }

    BufferPool buffers() {
        return buffers;
    }

    /** Records the address the server listens on, once bound. */
    public void localAddress(InetSocketAddress address) {
        this.localAddress = address;
    }

    /** The address the server listens on: a closed connection's local address, which the socket forgets. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Records the TLS context of the HTTPS port, once made. */
    void tls(TlsContext tls) {
        this.tls = tls;
    }

    /** The TLS context of the HTTPS port, or null when the server serves plaintext only. */
    TlsContext tls() {
        return tls;
    }

    /** Records the watcher that holds idle connections without a thread, once started. */
    public void inputWatcher(InputWatcher watcher) {
        this.inputWatcher = watcher;
    }

    /**
     * Starts the carrier loops the configuration asks for, which the connections accepted from now on run on.
     *
     * @throws IllegalStateException if the JVM does not let Wisp schedule virtual threads (the message says how to)
     * @throws IOException if a loop's selector cannot be opened
     */
    public void startCarrierLoops(String name) throws IOException {
        carrierLoops = CarrierLoops.start(config.carrierLoops(), name, LostThreads.HANDLER, "wisp-conn");
    }

    /** Stops the carrier loops, if the server has them; once every connection has ended. */
    public void closeCarrierLoops() {
        CarrierLoops loops = carrierLoops;
        if (loops != null) {
            loops.close();
        }
    }

    /** The socket an accepted channel becomes: on the next carrier loop, if the server has them. */
    StreamSocket socket(SocketChannel channel) throws IOException {
        CarrierLoops loops = carrierLoops;
        return loops != null ? loops.socket(channel) : StreamSocket.of(channel);
    }

    /** The watcher that holds idle connections without a thread, or null before start. */
    InputWatcher inputWatcher() {
        return inputWatcher;
    }

    public ThreadFactory connectionThreads() {
        return connectionThreads;
    }

    /**
     * Runs the task on a fresh virtual thread: one of the input watcher's spares once it runs, which under load
     * starts among the busy connections rather than behind them (see {@link InputWatcher#startThread}); for a
     * connection that goes on in another protocol.
     *
     * @throws RuntimeException or {@link OutOfMemoryError} when no thread can start
     */
    void startThread(Runnable task) {
        InputWatcher watcher = inputWatcher;
        if (carrierLoops != null) {
            connectionThreads.newThread(task).start(); // from a loop's thread, on that loop: the JDK passes it on
        } else if (watcher != null) {
            watcher.startThread(task);
        } else {
            connectionThreads.newThread(task).start();
        }
    }

    public ConnectionRegistry registry() {
        return registry;
    }

    /** Records the TLS port's record buffers, to be trimmed with the pool. */
    void tlsBuffers(TlsBuffers buffers) {
        this.tlsBuffers = buffers;
    }

    /** Tells, once as it starts, that the server sheds load; quietly not if memory is too short to say it. */
    private void tellHeapFull() {
        if (heapFull.starts()) {
            try {
                // The last collection's figure, which may be under 80% when the pressure, high before, lapsed for
                // want of collections and one in between finds it so again (it read as a threshold of 66%).
                LOG.log(WARNING, "the heap is " + HeapPressure.lastPercent() + "% full after garbage collection"
                        + " (load is shed from 80% until collections leave it below 65%): new connections wait, new"
                        + " requests are answered 503, and connections that make no progress are closed");
            } catch (OutOfMemoryError e) {
                // told by the heap's state itself; the end will be told
            }
        }
    }

    /**
     * The timeout sweeper's work, each tick: expires what is late, and about once a second trims the buffer pools,
     * so that the buffers a burst of connections left in them go back once it is over (up to {@code
     * maxPooledBuffers} of each kind, 512 KiB of read and write buffers and as many TLS records by default), and
     * wakes the input watcher's idle spare threads ({@link InputWatcher#nudgeSpares}); and says when a carrier loop
     * runs one turn too long ({@link CarrierLoops#watchTurns}); and while the heap is nearly full, sheds the
     * connections that make no progress ({@link #shedsLoad()}). Allocates nothing but the spares' iterator and a
     * look at the heap after a collection (which fails quietly), so that deadlines still fire while the heap is full.
     */
    public void sweep(long nowNanos) {
        registry.expireLate(nowNanos);
        if (config.shedLoadUnderHeapPressure()) {
            HeapPressure.recheck();
        }
        if (shedsLoad()) {
            tellHeapFull();
            registry.shedStalled();
        } else if (heapFull.ends()) {
            LOG.log(INFO, "the heap has room again: the server takes new connections and requests");
        }
        CarrierLoops loops = carrierLoops;
        if (loops != null) {
            loops.watchTurns(nowNanos);
        }
        if (trims.isDue(nowNanos)) {
            buffers.trim();
            TlsBuffers records = tlsBuffers;
            if (records != null) {
                records.trim();
            }
            InputWatcher watcher = inputWatcher;
            if (watcher != null) {
                watcher.nudgeSpares();
            }
        }
    }
}
