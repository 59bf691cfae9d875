package dev.wisp.testing;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a child JVM's heap until not even a small array fits, and holds it until released: for the tests of what
 * a full heap does to a server or a client. Its list's room is made beforehand, so that adding never grows it.
 */
public final class HeapFiller {
    /** Room enough for the arrays that fill a heap of some tens of MiB down to its last bytes. */
    private static final int MAX_HELD = 1 << 18;
    private final List<Object> held = new ArrayList<>(MAX_HELD);

    /** Allocates ever smaller arrays until none fits, and holds them. */
    public void fill() {
        for (int size = 1 << 20; size >= 16; size /= 2) {
            try {
                while (held.size() < MAX_HELD) {
                    held.add(new byte[size]);
                }
            } catch (OutOfMemoryError full) {
                // on to smaller arrays
            }
        }
    }

    /**
     * Allocates and holds arrays until a collection finds the heap at least this full (a fraction of its maximum),
     * without filling it: the heap nearly full of live objects, with room left to work in. Ends with a collection,
     * so that whoever watches them hears of it.
     */
    public void fillTo(double fraction) {
        Runtime runtime = Runtime.getRuntime();
        long target = (long) (runtime.maxMemory() * fraction);
        while (held.size() < MAX_HELD) {
            System.gc();
            if (runtime.totalMemory() - runtime.freeMemory() >= target) {
                return;
            }
            for (int i = 0; i < 16; i++) { // a MiB between collections
                held.add(new byte[64 * 1024]);
            }
        }
    }

    /**
     * Writes a letter and a line end, allocating nothing: how a child answers while its heap may be full. Here, in a
     * class loaded before the heap fills, as the first use of a class may fail for good on a full heap.
     */
    public static void say(PrintStream out, char letter) {
        out.write(letter);
        out.write('\n');
        out.flush();
    }

    /** Lets the arrays go, and asks for a collection. */
    public void release() {
        held.clear();
        System.gc();
    }
}
