package dev.wisp.transport;

import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A group of {@link CarrierLoop}s, one per core by default, that connections are spread over as they are accepted:
 * each connection's virtual threads then run on its loop, and its socket waits in that loop's selection.
 *
 * <p>Available only where the JVM lets Wisp give virtual threads a scheduler of its own: JDK 21 and later keep that
 * constructor of their virtual thread builder out of the public API, and it can be reached only with
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (or {@code =dev.wisp.transport} on the module path); the
 * {@code wisp} command's jar opens it in its manifest. Without it, {@link #available()} says so and connections run
 * on the JDK's own scheduler, as before.
 */
public final class CarrierLoops implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CarrierLoops.class.getName());
    private static final MethodHandle BUILDER = builderConstructor();
    /** The scheduler of a virtual thread, read from the JDK's field; null where it cannot be reached. */
    private static final MethodHandle SCHEDULER = schedulerGetter();

    /**
     * How long one turn of a loop may run before {@link #watchTurns} says so: a loop's turn runs the threads it woke,
     * each until it waits, which takes microseconds, unless a thread computes or blocks its carrier meanwhile.
     */
    public static final Duration LONG_TURN = Duration.ofSeconds(1);

    private final CarrierLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();
    private final LogLimit longTurns = LogLimit.perMinute();
    /** When {@link #watchTurns} last ran; its thread's only. */
    private long lastWatchNanos = System.nanoTime();

    private CarrierLoops(CarrierLoop[] loops) {
        this.loops = loops;
    }

    /** Whether this JVM lets virtual threads run on carrier loops (see the class comment). */
    public static boolean available() {
        return BUILDER != null;
    }

    /** What to add to the JVM's command line for {@link #available()}, for an error message. */
    public static String howToEnable() {
        Module module = CarrierLoops.class.getModule();
        return "--add-opens java.base/java.lang=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
    }

    /**
     * Opens and starts this many loops.
     *
     * @param count how many loops; 0 for one per available processor
     * @param name the loops' thread names' prefix; each loop's thread is {@code name-N}
     * @param handler the uncaught exception handler of the connections' virtual threads
     * @param threadName the name of the connections' virtual threads
     * @throws IllegalStateException if {@link #available()} is false
     * @throws IOException if a selector cannot be opened (descriptors are short)
     */
    public static CarrierLoops start(int count, String name, Thread.UncaughtExceptionHandler handler,
            String threadName) throws IOException {
        if (!available()) {
            throw new IllegalStateException("carrier loops need the JVM option " + howToEnable());
        }
        int size = count > 0 ? count : Runtime.getRuntime().availableProcessors();
        CarrierLoop[] loops = new CarrierLoop[size];
        try {
            for (int i = 0; i < size; i++) {
                loops[i] = new CarrierLoop(name + "-" + i, scheduler -> builder(scheduler)
                        .name(threadName)
                        .uncaughtExceptionHandler(handler));
            }
        } catch (IOException | RuntimeException | Error e) {
            for (CarrierLoop loop : loops) {
                if (loop != null) {
                    loop.close();
                }
            }
            throw e;
        }
        for (CarrierLoop loop : loops) {
            loop.start();
        }
        for (CarrierLoop loop : loops) {
            // The JDK ends the timed waits of threads on a scheduler of one's own with timer threads of its own
            // ("VirtualThread-unparker"), started at the first wait each takes: should that start fail (a thread
            // limit), the waiting thread would be lost for good. So, now. JDK 25 has one such timer per four
            // processors (a power of two), picked by the id of the carrier thread the wait unmounts from: a loop's
            // waits all go to one timer, which one wait on the loop starts.
            if (!JdkWarmUp.startTimerThread(loop::newThread)) {
                LOG.log(WARNING, "the JDK's timer for carrier loops did not start; a timed wait on a loop may be"
                        + " lost if it cannot start later");
            }
        }
        return new CarrierLoops(loops);
    }

    /**
     * A stream socket on the next loop, in turn, for a connection just accepted or connected, and a virtual
     * thread on that loop to serve it. The channel becomes non-blocking and stays so.
     */
    public LoopSocket socket(SocketChannel channel) throws IOException {
        CarrierLoop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
        return new LoopSocket(channel, loop);
    }

    /**
     * Logs a warning, at most once a minute, for a loop whose turn has run {@link #LONG_TURN} or longer: a thread on
     * it computes, or blocks its carrier (a file read, a lock, a native call), and the loop's other connections wait
     * meanwhile. For one thread to call at each of its ticks (a server's timeout sweeper), well within
     * {@code LONG_TURN} of each other; a turn is reported a tick after it is found that long, so that a pause of the
     * whole JVM is not taken for one. Allocates nothing unless it logs.
     */
    public void watchTurns(long nowNanos) {
        long lastWatch = lastWatchNanos;
        lastWatchNanos = nowNanos;
        for (CarrierLoop loop : loops) {
            long turnNanos = loop.watchTurn(nowNanos, lastWatch, LONG_TURN.toNanos());
            if (turnNanos >= 0 && longTurns.take(nowNanos)) {
                try {
                    LOG.log(WARNING, "carrier loop " + loop.name() + " has been running one turn for "
                            + turnNanos / 1_000_000 + " ms: a thread on it computes, or blocks its carrier (a file"
                            + " read, a lock, a native call), or more work came at once than it runs in that time;"
                            + " the loop's other connections wait meanwhile. A thread dump (jcmd <pid>"
                            + " Thread.dump_to_file <file>) shows which thread is mounted on " + loop.name()
                            + " (logged at most once a minute)");
                } catch (RuntimeException | Error e) {
                    longTurns.giveBack(nowNanos); // no memory for the line: the next tick tries again
                }
            }
        }
    }

    /** How many loops there are. */
    public int size() {
        return loops.length;
    }

    /** Stops the loops; threads of theirs woken later run on the common pool. */
    @Override
    public void close() {
        for (CarrierLoop loop : loops) {
            loop.close();
        }
    }

    /**
     * A stream socket for a connection the current thread has just made, on the current thread's loop if it runs on a
     * carrier loop that is open (a handler of a server on loops, calling another server): its waits then take place in
     * that loop's selection, as the loop's own connections' do, rather than go through the JDK's poller and back.
     * Null if the thread runs elsewhere; the channel is then left as it is.
     */
    public static LoopSocket socketOnCurrentLoop(SocketChannel channel) throws IOException {
        CarrierLoop loop = currentLoop();
        return loop == null ? null : new LoopSocket(channel, loop);
    }

    /** The open loop the current virtual thread runs on, or null. */
    private static CarrierLoop currentLoop() {
        Thread current = Thread.currentThread();
        if (SCHEDULER == null || !current.isVirtual()) {
            return null;
        }
        try {
            return (Object) SCHEDULER.invoke(current) instanceof CarrierLoop loop && loop.isOpen() ? loop : null;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return null;
        }
    }

    /** The getter of the JDK's virtual thread's scheduler field, or null if it cannot be reached. */
    private static MethodHandle schedulerGetter() {
        try {
            Class<?> type = Class.forName("java.lang.VirtualThread");
            java.lang.reflect.Field field = type.getDeclaredField("scheduler");
            field.setAccessible(true);
            return MethodHandles.lookup().unreflectGetter(field)
                    .asType(MethodType.methodType(Object.class, Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not opened to us, or a JDK whose virtual threads keep it elsewhere
        }
    }

    /** The JDK's builder of virtual threads that run on the scheduler; {@link #available()} must be true. */
    static Thread.Builder.OfVirtual builder(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) BUILDER.invoke(scheduler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDK's virtual thread builder's constructor that takes a scheduler, or null if it cannot be reached. */
    private static MethodHandle builderConstructor() {
        try {
            Class<?> type = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> constructor = type.getDeclaredConstructor(Executor.class);
            constructor.setAccessible(true);
            MethodHandle handle = MethodHandles.lookup().unreflectConstructor(constructor);
            return handle.asType(MethodType.methodType(Object.class, Executor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not opened to us (InaccessibleObjectException), or a JDK without it
        }
    }
}
