package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A class's main run in a JVM of its own, for what must be set up before anything else runs in a JVM. */
final class ChildJvm {
    private static final long CHILD_SECONDS = 60;

    private ChildJvm() {
    }

    /** Runs the class's main with these JVM options and checks that it printed what it should and exited 0. */
    static void assertPrints(String expected, Class<?> main, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classPath(), main.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(ended, "the child ended: " + output);
        assertEquals(0, child.exitValue(), output);
        assertEquals(expected, output);
    }

    /** The test's classes and the module's: surefire puts the latter on the module path. */
    private static String classPath() {
        return Stream.of("jdk.module.path", "java.class.path").map(System::getProperty)
                .filter(path -> path != null && !path.isEmpty())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
