package dev.wisp.transport;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Holds connections that wait for their peer's next bytes without a thread each. A connection that would park a
 * thread in a read (a keep-alive connection between requests) leaves a task instead, with {@link #watch}; one
 * thread selects over the channels of all of them, and when one can be read (bytes, the end of the
 * stream, an input shut by the timeout sweeper) or its transport is closed, starts its task on a fresh thread.
 *
 * <p>Why: a parked virtual thread keeps its stack on the heap, 2 KiB or more for a connection loop, which was
 * most of what an idle connection cost. Here a waiting connection costs its own objects, a selection key and a
 * small record. The hop through this thread costs a few microseconds per wait, which is why a connection in a
 * burst of requests keeps its thread and waits in a plain read instead.
 *
 * <p>Thread-safety: {@link #watch} and {@link #close()} may be called from any thread. Each watch ends exactly
 * once, by readiness, by the transport's {@link Transport#close()} or by this watcher's close, and its task runs
 * once. Other threads may write to a watched transport (an HTTP/2 handler, a WebSocket sender): the channel's
 * blocking mode, which the selection needs off, is switched on the connection's threads, by {@link #watch} and by
 * the thread that runs the task, never on this one, since the JDK makes a switch wait for a write under way, and
 * a write blocked on a peer that does not read held up every watch of the server; beside a write, {@link #watch}
 * waits for input, not for the write. Starting a thread may fail
 * (memory is short); the task is then tried again every few milliseconds, and the failure is logged at most once a
 * minute. A task that finds no spare ready gets a thread of its own, started through {@link PlatformStarts}, so
 * that under load it runs within a round of the busy threads. Once the watcher has shut down, a task whose thread
 * cannot start runs on the thread that found out. A selection that fails (a stale key's EEXIST) does not end the
 * watcher: its waits move to a new selector, with pauses while that fails too.
 *
 * <p>Over 500 lines: one thread's loop whose every step must survive a full heap or a failed selection and leave
 * the queues, the selector and the watches where the next turn finds them; the steps share that state, and split
 * apart they would hand it around.
 */
public final class InputWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InputWatcher.class.getName());
    /** How long a task whose thread could not start waits before the next try. */
    private static final long RETRY_MILLIS = 10;
    /** The longest pause between two tries after selections that failed; see {@link #selectionFailed}. */
    private static final long MAX_PAUSE_MILLIS = 500;
    /** The first and the longest wait for input beside a write under way; see {@link #madeNonBlocking}. */
    private static final long MIN_WRITE_PAUSE_MILLIS = 1;
    private static final long MAX_WRITE_PAUSE_MILLIS = 1_000;

    /** How many threads wait, started, to run the next tasks, unless told otherwise; see {@link SpareThreads}. */
    private static final int SPARE_THREADS = 32;

    /**
     * The selector; replaced by {@link #rebuildSelector()} after a turn that ran out of memory or a selection that
     * failed. Volatile for the threads that wake it.
     */
    private volatile Selector selector;
    /**
     * Whether a turn ran out of memory or a selection failed since the selector was made; the watcher's thread
     * only.
     */
    private boolean selectorSuspect;
    /** Whether a selection failed since the selector was made, for the line that tells of the new one. */
    private boolean selectionFailedSince;
    /** The pause before the next try after a selection failed; 0 after a turn that went well. */
    private long failurePauseMillis;
    private final SpareThreads threads;
    /** Watches to register; the selector's own thread registers them, so no other thread touches the selector. */
    private final Queue<Watch> toRegister = new ConcurrentLinkedQueue<>();
    /**
     * Watches whose transport's read deadline passed, to end on the watcher's next turn as if their input were
     * ready (see {@link Watch#expire()}).
     */
    private final Queue<Watch> toExpire = new ConcurrentLinkedQueue<>();
    /**
     * Tasks to start on the watcher's own thread, on its next turn: those of transports closed by other threads,
     * and those whose thread could not start.
     */
    private final Queue<Runnable> toStart = new ConcurrentLinkedQueue<>();
    /**
     * Watches that ended in this turn, started once their keys are deregistered; the selector's thread only. Made
     * with room, as an empty list made without allocates its array on the first add, after its
     * {@code ensureCapacity}.
     */
    private final ArrayList<Watch> ended = new ArrayList<>(16);
    /** {@link #ready}, made once: a method reference made for each selection would allocate on every turn. */
    private final Consumer<SelectionKey> onReady = this::ready;
    /** A queued task taken whose start failed for want of memory, to start first; the watcher's thread only. */
    private Runnable startingNext;
    /**
     * Lets the warning of a turn that ran out of memory through at most once a minute. Its texts, as those of the
     * other warnings of a failure, are made here: a string constant first used in a handler would need memory.
     */
    private final LogLimit memoryShortLog = LogLimit.perMinute("the input watcher ran out of memory; trying again"
            + " every " + RETRY_MILLIS + " ms (logged again at most once a minute): ", "");
    private volatile boolean closed;
    /** Set once the watcher's thread has shut down: from then on nobody takes {@link #toStart}. */
    private volatile boolean finished;
    /** Lets the warning of a thread that could not start through at most once a minute. */
    private final LogLimit startFailureLog = LogLimit.perMinute();
    /** Lets the warning of a failed selection through at most once a minute; the watcher's thread only. */
    private final LogLimit selectionFailureLog = LogLimit.perMinute("the input watcher's selection failed (", "); its"
            + " waits move to a new selector, tried again with pauses of up to " + MAX_PAUSE_MILLIS + " ms (logged"
            + " again at most once a minute)");
    /** Lets the line that tells of a new selector through at most once a minute; the watcher's thread only. */
    private final LogLimit rebuildLog = LogLimit.perMinute();
    /** A failure that a test makes the selections throw, as a selector holding a stale key does; null otherwise. */
    private volatile IOException selectionFault;
    /** The selector whose selections fail with {@link #selectionFault}; null: every selector, new ones too. */
    private volatile Selector faultySelector;

    private InputWatcher(Selector selector, ThreadFactory threads, int spareThreads) {
        this.selector = selector;
        this.threads = new SpareThreads(threads, spareThreads);
    }

    /**
     * Opens a watcher and starts its thread, a platform daemon thread of this name.
     *
     * <p>A platform thread, which blocks in the selector's own system call and is woken by the kernel. A virtual
     * thread's select parks it with the JDK's poller, whose wake-up (from the poller's platform thread) the
     * virtual-thread scheduler runs only once its carriers have no work of their own: under load, not for hundreds
     * of milliseconds (measured: a connection idle for 100 ms between requests waited 130 to 330 ms at the 90th
     * percentile for its next one to be seen, while Netty answered it in 1.3 ms). The tasks this thread starts go
     * to {@link SpareThreads}, which busy connections wake among their own work (see {@link PlatformWakeups}).
     *
     * @param threads makes the threads that run the tasks
     * @throws IOException if no selector can be opened (descriptors are short)
     */
    public static InputWatcher start(String threadName, ThreadFactory threads) throws IOException {
        return start(threadName, threads, SPARE_THREADS);
    }

    /**
     * As {@link #start(String, ThreadFactory)}, keeping this many spare threads: fewer where the tasks are few and
     * no load crowds the carriers (a client's WebSockets).
     */
    public static InputWatcher start(String threadName, ThreadFactory threads, int spareThreads) throws IOException {
        Selector selector = Selector.open();
        try {
            warmUp(selector);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        InputWatcher watcher = new InputWatcher(selector, threads, spareThreads);
        Thread.ofPlatform().name(threadName).daemon().start(watcher::run);
        return watcher;
    }

    /**
     * Takes the selector once through a watch's whole path (a key registered, found ready, cancelled, dropped), so
     * that the JDK classes on it are initialized now. Why: a class whose initialization fails cannot be used again
     * in the JVM's life, and the first watch may come with the heap full. It did in a test: the selection key's
     * class failed to initialize for want of memory, and the watcher failed every turn after, for good, with the
     * connections it held.
     */
    private static void warmUp(Selector selector) throws IOException {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            source.configureBlocking(false);
            source.register(selector, SelectionKey.OP_READ);
            sink.write(ByteBuffer.wrap(new byte[1]));
            selector.select(SelectionKey::cancel, TimeUnit.SECONDS.toMillis(1));
            selector.selectNow();
        }
    }

    /**
     * Runs the task on a fresh thread once the transport's input can be read without waiting, and returns. The
     * caller's thread must not use the transport after this returns true: the task owns it. The channel is made
     * non-blocking here; while another thread is writing to it, which the switch would wait for (a peer that does
     * not read holds a write up to the write timeout), this waits for input instead, on the caller's thread, and
     * hands the wait over once the write has ended (see {@link #madeNonBlocking}).
     *
     * @return false if this watcher cannot wait for the transport: it is closed, the transport holds input already
     *     (a byte read ahead, a TLS record or part of one), its socket is not a channel, the channel is closed, or
     *     input arrived beside a write; the caller then reads on its own thread
     */
    public boolean watch(Transport transport, Runnable task) {
        if (closed || transport.hasBufferedInput() || !madeNonBlocking(transport)) {
            return false;
        }
        Watch watch = new Watch(transport, task);
        transport.watched(watch);
        toRegister.add(watch);
        selector.wakeup();
        if (closed) {
            watch.end(); // the watcher may have shut down before it saw this watch: one of the two ends it
        }
        return true;
    }

    /**
     * Runs the task on a fresh virtual thread, as the watcher runs its own: a spare one when one is ready, which
     * under load starts among the busy connections' work rather than behind it (see {@link SpareThreads}); for
     * the other threads of connections already open, such as one that goes on in another protocol.
     *
     * @throws RuntimeException or {@link OutOfMemoryError} as {@link Thread#start()} does, when no spare was ready
     *     and a thread could not start
     */
    public void startThread(Runnable task) {
        threads.start(task);
    }

    /** Stops the thread; the watches still open end, so their tasks run and find their connections done. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }

    private void run() {
        try {
            while (!closed) {
                try {
                    try {
                        if (selectorSuspect) {
                            rebuildSelector();
                        }
                        turn();
                        failurePauseMillis = 0;
                    } catch (IOException e) {
                        selectorSuspect = true;
                        selectionFailedSince = true;
                        selectionFailed(e); // a full heap may fail its log line too: the outer catch has it
                    }
                } catch (OutOfMemoryError | LinkageError e) {
                    // A linkage error here is a class or call site that a full heap kept from loading. Nothing in
                    // this handler makes a string constant, whose first use would need memory.
                    selectorSuspect = true;
                    shortOfMemory(e);
                }
            }
        } catch (ClosedSelectorException e) {
            LOG.log(WARNING, "the input watcher failed; waiting connections are woken and go on without it", e);
        } finally {
            closed = true;
            shutDown();
        }
    }

    /**
     * One turn of the watcher. Memory may run out anywhere in it (a full heap fails whatever thread allocates
     * next): every step leaves what it has not done where the next turn finds it, so that no watch is lost and no
     * task is started twice. A watch is taken from its queue only once it is registered or ended, and room in
     * {@link #ended} is made before a watch is claimed, so that adding it cannot fail after the claim.
     */
    private void turn() throws IOException {
        registerNew();
        expireQueued();
        if (ended.isEmpty()) { // a registration that failed has ended its watch: start it without waiting
            throwSelectionFault();
            selector.select(onReady, toStart.isEmpty() ? 0 : RETRY_MILLIS);
        }
        startEnded();
        startQueuedOnTurn();
    }

    /**
     * Wakes the spare threads, each to find no task and wait again; for the server's timeout sweep, about once a
     * second. Why: a virtual thread that cannot unmount as it parks (its stack could not be saved, the heap being
     * full) parks its carrier with it until it is unparked, and a spare waits for as long as no task comes: a spare
     * and a relay parked so after a full heap kept both carriers of a server from every other virtual thread once
     * memory was back, and it answered nothing. The {@link TimeoutSweeper} wakes the relays.
     */
    public void nudgeSpares() {
        threads.nudge();
    }

    /**
     * Moves every wait to a new selector, before the first turn after one that ran out of memory or whose selection
     * failed. Why: the JDK makes a registration in several steps (the selector's key, its key set, its update queue,
     * then the channel's key list), each of which may fail for want of memory. One that failed midway leaves a key
     * in the selector that the channel does not know of: registering the channel again then makes a second key for
     * the same descriptor, which the selector's update fails on (EEXIST: the descriptor is in epoll already) at
     * every selection after, and a descriptor closed and reused by a new connection has its readiness go to the
     * stale key. The old selector closes, which drops its keys, stale ones included; the channels stay open and
     * non-blocking.
     */
    private void rebuildSelector() {
        Selector old = selector;
        Selector fresh;
        try {
            fresh = Selector.open();
        } catch (IOException e) {
            return; // descriptors are short too: the old selector goes on, and the next turn tries again
        }
        try {
            for (SelectionKey key : old.keys()) {
                if (key.isValid() && key.attachment() instanceof Watch watch && watch.isWaiting()) {
                    registerAgain(key.channel(), fresh, watch);
                }
            }
        } catch (RuntimeException | Error e) {
            closeQuietly(fresh); // the old one goes on; the next successful turn tries again
            throw e;
        }
        selector = fresh;
        selectorSuspect = false;
        boolean afterFailure = selectionFailedSince;
        selectionFailedSince = false;
        closeQuietly(old);
        if (rebuildLog.take(System.nanoTime())) {
            LOG.log(INFO, afterFailure
                    ? "the input watcher's selector was made anew after a selection failed (logged again at most once"
                            + " a minute)"
                    : "the input watcher's selector was made anew after it ran out of memory (logged again at most"
                            + " once a minute)");
        }
    }

    private static void registerAgain(SelectableChannel channel, Selector fresh, Watch watch) {
        try {
            channel.register(fresh, SelectionKey.OP_READ, watch);
        } catch (ClosedChannelException closed) {
            // closed meanwhile: its close ended the wait, and the task is queued
        }
    }

    private static void closeQuietly(Selector selector) {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "closing a selector: " + e);
        }
    }

    /**
     * A turn ran out of memory: the next one tries again after a pause, as memory comes back when the threads that
     * hold it end. Logged at most once a minute, if there is memory to.
     */
    private void shortOfMemory(Error e) {
        memoryShortLog.warn(LOG, e);
        pause(RETRY_MILLIS);
    }

    /**
     * A selection failed, as one does at every try on a selector that holds a stale key (EEXIST) or whose
     * descriptor went bad: the next turn moves the waits to a new selector ({@link #rebuildSelector()}) and goes
     * on. Before it, a pause of {@value #RETRY_MILLIS} ms that doubles while the failures go on, up to
     * {@value #MAX_PAUSE_MILLIS} ms, so that a selector that cannot be made anew (descriptors are short) costs a
     * few tries a second, never a spin; the waiting connections wait that much longer meanwhile. Logged at WARNING
     * at most once a minute, and each failure at DEBUG.
     */
    private void selectionFailed(IOException e) {
        failurePauseMillis = failurePauseMillis == 0 ? RETRY_MILLIS
                : Math.min(MAX_PAUSE_MILLIS, failurePauseMillis * 2);
        if (!selectionFailureLog.warn(LOG, e) && LOG.isLoggable(DEBUG)) {
            LOG.log(DEBUG, "the input watcher's selection failed again: " + e);
        }
        pause(failurePauseMillis);
    }

    /** Waits before the next turn; an interrupt closes the watcher. */
    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /**
     * Makes the selections fail with {@code failure} from now on: those of the selector in use, as a selector that
     * holds a stale key fails each one until it is made anew, or those of every selector, new ones too. For tests.
     */
    void failSelections(IOException failure, boolean everySelector) {
        faultySelector = everySelector ? null : selector;
        selectionFault = failure;
        selector.wakeup();
    }

    /** Ends what {@link #failSelections} began. For tests. */
    void stopFailingSelections() {
        selectionFault = null;
        selector.wakeup();
    }

    /** Throws the failure a test set with {@link #failSelections} if it holds for the selector in use. */
    private void throwSelectionFault() throws IOException {
        IOException fault = selectionFault;
        if (fault != null) {
            Selector faulty = faultySelector;
            if (faulty == null || faulty == selector) {
                throw fault;
            }
        }
    }

    private void registerNew() {
        Watch watch;
        while ((watch = toRegister.peek()) != null) {
            try {
                watch.transport.channel().register(selector, SelectionKey.OP_READ, watch);
                toRegister.poll();
            } catch (IOException | RuntimeException e) {
                // Closed meanwhile (its close ended the watch), or the channel cannot be selected: the task reads
                // and finds out.
                if (LOG.isLoggable(DEBUG)) {
                    LOG.log(DEBUG, "cannot watch a connection: " + e);
                }
                ended.ensureCapacity(ended.size() + 1);
                toRegister.poll();
                endInTurn(watch);
            }
        }
    }

    /**
     * Ends the watches whose deadline passed, as {@link #ready} does for a selected key. Why not leave it to the
     * selection, which the sweeper's shut input makes ready: a watch that a full heap kept from its registration (a
     * step of the JDK's register that failed midway) is never selected, and its connection stayed open for good.
     * The key is cancelled before the claim and taken from the queue after it: should memory run out between
     * them, the next turn finds the watch again and does no step twice.
     */
    private void expireQueued() {
        Watch watch;
        while ((watch = toExpire.peek()) != null) {
            ended.ensureCapacity(ended.size() + 1);
            SocketChannel channel = watch.transport.channel();
            SelectionKey key = channel == null ? null : channel.keyFor(selector);
            if (key != null) {
                key.cancel();
            }
            toExpire.poll();
            endInTurn(watch);
        }
    }

    private void ready(SelectionKey key) {
        ended.ensureCapacity(ended.size() + 1); // first: should it fail, the key stays ready for the next selection
        key.cancel();
        endInTurn((Watch) key.attachment());
    }

    /**
     * Ends the wait, to be started in this turn, unless another end claimed it first. The room in {@link #ended}
     * is made by the caller beforehand, so that nothing fails once the wait is claimed.
     */
    private void endInTurn(Watch watch) {
        if (watch.claim()) {
            ended.add(watch);
        }
    }

    /**
     * Starts the tasks of the watches that ended in this turn. Their keys were cancelled; a selection removes
     * them from the selector, and only then can their channels block again, as the tasks' reads expect (each
     * task's thread makes its channel block, see {@link Watch#run()}). The selection may end more watches, which
     * the next pass starts after a selection of their own. A watch leaves {@link #ended} only once its task has
     * started: a start that fails for want of memory leaves it, and the ones after it, to the next turn.
     */
    private void startEnded() throws IOException {
        while (!ended.isEmpty()) {
            int deregistered = ended.size();
            throwSelectionFault();
            selector.selectNow(onReady);
            int started = 0;
            try {
                while (started < deregistered) {
                    startTask(ended.get(started));
                    started++;
                }
            } finally {
                removeFirst(started);
            }
        }
    }

    /** Drops the first watches of {@link #ended}, without allocating. */
    private void removeFirst(int count) {
        if (count == 0) {
            return;
        }
        int size = ended.size();
        for (int i = count; i < size; i++) {
            ended.set(i - count, ended.get(i));
        }
        for (int i = size - 1; i >= size - count; i--) {
            ended.remove(i);
        }
    }

    /**
     * Makes a channel non-blocking for its selection, on the thread that hands its wait over; false if it cannot
     * be (not a channel, or closed). Beside a write under way on another thread, which the switch would wait for
     * (up to the write timeout when the peer does not read), the thread waits for input instead, and tries again
     * after pauses that double from {@value #MIN_WRITE_PAUSE_MILLIS} ms to {@value #MAX_WRITE_PAUSE_MILLIS} ms:
     * false as soon as input arrives (or the input ends, or the socket closes), for the caller to read it. Why not
     * give up at once: a connection that left its wait to a plain read kept its thread until its peer's next bytes,
     * for good on an idle one, where a write that ends within the first pause mostly is a response going out.
     */
    private static boolean madeNonBlocking(Transport transport) {
        if (transport.channel() == null) {
            return false; // a socket the JDK did not open cannot be selected
        }
        try {
            for (long pause = MIN_WRITE_PAUSE_MILLIS; !transport.nonBlockingUnlessWriting();
                    pause = Math.min(2 * pause, MAX_WRITE_PAUSE_MILLIS)) {
                if (transport.awaitInput(TimeUnit.MILLISECONDS.toNanos(pause))) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(DEBUG, () -> "cannot watch a connection: " + e);
            return false;
        }
    }

    private static void restoreBlocking(SocketChannel channel) {
        try {
            channel.configureBlocking(true);
        } catch (IOException | RuntimeException e) {
            // Closed meanwhile, or still registered after a failed selection: the task's read reports it.
            if (LOG.isLoggable(DEBUG)) {
                LOG.log(DEBUG, "cannot make a watched channel blocking again: " + e);
            }
        }
    }

    /**
     * Starts the queued tasks, on the watcher's own turn. A task whose start fails for want of memory is kept in
     * {@link #startingNext} and started first on the next turn: taken with a poll, as another thread may take from
     * the queue too once the watcher is closed, so no task is started twice.
     */
    private void startQueuedOnTurn() {
        if (startingNext != null) {
            startTask(startingNext);
            startingNext = null;
        }
        for (int n = toStart.size(); n > 0; n--) {
            Runnable task = toStart.poll();
            if (task == null) {
                return;
            }
            startingNext = task;
            startTask(task);
            startingNext = null;
        }
    }

    private void startQueued() {
        for (int n = toStart.size(); n > 0; n--) {
            Runnable task = toStart.poll();
            if (task != null) {
                startTask(task);
            }
        }
    }

    /** Ends what is still watched: the selector closes (its keys are cancelled) and every task runs. */
    private void shutDown() {
        if (startingNext != null) {
            startTask(startingNext);
            startingNext = null;
        }
        List<Watch> open = new ArrayList<>();
        try {
            for (SelectionKey key : selector.keys()) {
                open.add((Watch) key.attachment());
            }
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            LOG.log(DEBUG, () -> "closing the input watcher's selector: " + e);
        }
        Watch watch;
        while ((watch = toRegister.poll()) != null) {
            open.add(watch);
        }
        while ((watch = toExpire.poll()) != null) {
            open.add(watch); // claimed once at most, like the others: one listed twice starts once
        }
        for (Watch each : ended) {
            startTask(each);
        }
        ended.clear();
        for (Watch each : open) {
            if (each.claim()) {
                startTask(each);
            }
        }
        startQueued();
        threads.close();
        finished = true;
        runLeftOver();
    }

    private void startTask(Runnable task) {
        threads.start(task, new RetryStart(task));
    }

    /**
     * What to do when a task's thread cannot start: try again later. A class rather than a lambda, whose call
     * site the JVM links on first use, which a full heap fails; this path runs mostly when memory is short.
     */
    private final class RetryStart implements Consumer<Throwable> {
        private final Runnable task;

        RetryStart(Runnable task) {
            this.task = task;
        }

        @Override
        public void accept(Throwable failure) {
            startFailed(task, failure);
        }
    }

    /** Queues the task to be tried again on the watcher's next turn, in {@value #RETRY_MILLIS} ms. */
    private void startFailed(Runnable task, Throwable e) {
        if (startFailureLog.take(System.nanoTime())) {
            LOG.log(WARNING, "cannot start a connection's thread; trying again every " + RETRY_MILLIS
                    + " ms (logged again at most once a minute)", e);
        }
        toStart.add(task);
        selector.wakeup();
        if (finished) {
            runLeftOver();
        }
    }

    /**
     * Runs on this thread the tasks whose thread could not start once the watcher's own thread has shut down (a
     * start can fail late, on the thread that tried it): nobody would start them any more, and each would leave
     * its connection open for good. Memory is short then and the server is stopping, so such a task mostly finds
     * its connection to close. A task added before {@link #finished} was set is run by the watcher's thread, and
     * one added after by the thread that added it: each reads what the other wrote, so none is left.
     */
    private void runLeftOver() {
        Runnable task;
        while ((task = toStart.poll()) != null) {
            task.run();
        }
    }

    /**
     * One connection's wait: what to run, and whether the wait has ended. It ends once, whichever comes first of
     * readiness, the transport's close and the watcher's close; then it is started as its task's thread's work.
     */
    final class Watch implements Runnable {
        private final Transport transport;
        private final Runnable task;

        private Watch(Transport transport, Runnable task) {
            this.transport = transport;
            this.task = task;
        }

        /**
         * Makes the channel block again and runs the task, on the task's thread: the switch waits for a write under
         * way on another thread, which must not hold up the watcher's. The key is out of the selector by now, or the
         * channel closed, which the task finds out.
         */
        @Override
        public void run() {
            restoreBlocking(transport.channel());
            task.run();
        }

        /** Whether this wait has not ended yet. */
        private boolean isWaiting() {
            return transport.isWatchedBy(this);
        }

        /** Claims the end of this wait: true for the one caller that ends it. */
        private boolean claim() {
            return transport.unwatched(this);
        }

        /**
         * Ends the wait because its deadline passed, from the sweeper's thread: the watcher ends it on its next turn
         * as if the input were ready, unless it has ended by then; the task then finds the input shut.
         *
         * @throws OutOfMemoryError if the watch cannot be queued; the caller tries again later
         */
        void expire() {
            toExpire.add(this);
            selector.wakeup();
        }

        /**
         * Ends the wait from outside the selector's thread (the transport closed, or the watcher did) and starts
         * the task, which finds the channel closed. Nothing if the wait had ended.
         */
        void end() {
            if (!claim()) {
                return;
            }
            if (closed) {
                startTask(this);
                return;
            }
            // Started by the watcher, on its next turn, which also lets go of the closed channel's descriptor.
            toStart.add(this);
            selector.wakeup();
            if (closed) {
                startQueued(); // the watcher ended meanwhile; a task started twice is not possible (queue poll)
            }
        }
    }
}
