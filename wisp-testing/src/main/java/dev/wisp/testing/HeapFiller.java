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
