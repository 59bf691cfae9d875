package dev.wisp.transport;

import org.junit.jupiter.api.Test;

/**
 * A watcher's start initializes the JDK classes that its watches need, in a JVM where nothing used a selector
 * before. A class whose initialization fails is unusable for the JVM's life, and the first watch may come with the
 * heap full: the selection key's class then failed for want of memory, and the watcher with it, for good.
 */
class InputWatcherStartTest {
    private static final String READY = "the selection key's class is initialized";

    @Test
    void theSelectionPathIsInitializedBeforeTheFirstWatch() throws Exception {
        ChildJvm.assertPrints(READY, FreshJvm.class, "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");
    }

    /** Starts a watcher in a JVM that has not selected yet, and says whether the key's class is initialized. */
    static final class FreshJvm {
        public static void main(String[] args) throws Exception {
            try (InputWatcher watcher = InputWatcher.start("wisp-test-idle", Thread.ofVirtual().factory())) {
                Class<?> keyClass = Class.forName("sun.nio.ch.SelectionKeyImpl", false, null);
                // Asked of the JDK's own Unsafe (exported to this JVM's class path by an option), which answers
                // without initializing the class, as any use of the class would.
                Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
                Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
                boolean initialized = !(boolean) unsafeClass.getMethod("shouldBeInitialized", Class.class)
                        .invoke(unsafe, keyClass);
                System.out.println(initialized ? READY : "the selection key's class is not initialized");
            }
        }
    }
}
