package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ChildJava;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A class's main run in a JVM of its own, for what must be set up before anything else runs in a JVM. */
final class ChildJvm {
    private static final long CHILD_SECONDS = 60;

    private ChildJvm() {
    }

    /** Runs the class's main with these JVM options and checks that it printed what it should and exited 0. */
    static void assertPrints(String expected, Class<?> main, String... jvmOptions)
            throws IOException, InterruptedException {
        Process child = new ProcessBuilder(ChildJava.command(main, jvmOptions)).redirectErrorStream(true).start();
        boolean ended = child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(ended, "the child ended: " + output);
        assertEquals(0, child.exitValue(), output);
        assertEquals(expected, output);
    }
}
