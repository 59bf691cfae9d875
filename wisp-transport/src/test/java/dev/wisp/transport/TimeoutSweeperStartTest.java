package dev.wisp.transport;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@link TimeoutSweeper}, once made, has initialized every class its loop uses. A class first initialized under a
 * full heap is unusable for good, and a sweeper whose scans could not wake a read (its wake-up relay's class never
 * initialized) left an HTTP/2 connection's reading thread blocked for good once a full heap had killed the JDK's
 * poller. Checked in a JVM of its own, where nothing else has used these classes first, through the JDK's internal
 * view of class initialization (opened to that JVM only).
 */
class TimeoutSweeperStartTest {
    @Test
    void aNewSweeperHasInitializedWhatItsLoopUses() throws Exception {
        ChildJvm.assertPrints(FreshJvm.ALL_INITIALIZED, FreshJvm.class,
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");
    }

    /** Makes a sweeper (without starting it) and prints which of the loop's classes are not initialized yet. */
    static final class FreshJvm {
        static final String ALL_INITIALIZED = "all initialized";

        public static void main(String[] args) throws Exception {
            List<String> used = List.of("LateWakeups", "PollerProbe", "CarrierLoad", "PlatformWakeups", "RelayThread");
            Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
            Method shouldBeInitialized = unsafeClass.getMethod("shouldBeInitialized", Class.class);
            String before = notInitialized(used, unsafe, shouldBeInitialized);
            if (before.isEmpty()) {
                System.out.println("initialized before the sweeper was made: the check proves nothing");
                return;
            }
            new TimeoutSweeper(now -> { }, Duration.ofSeconds(1));
            String after = notInitialized(used, unsafe, shouldBeInitialized);
            System.out.println(after.isEmpty() ? ALL_INITIALIZED : "not initialized:" + after);
        }

        private static String notInitialized(List<String> names, Object unsafe, Method shouldBeInitialized)
                throws Exception {
            StringBuilder missing = new StringBuilder();
            for (String name : names) {
                Class<?> type = Class.forName("dev.wisp.transport." + name, false, FreshJvm.class.getClassLoader());
                if ((Boolean) shouldBeInitialized.invoke(unsafe, type)) {
                    missing.append(' ').append(name);
                }
            }
            return missing.toString();
        }
    }
}
