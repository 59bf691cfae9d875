package dev.wisp.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The command that runs a class's main in a JVM of its own, on this test's classes: for what a test must not do to
 * its own JVM (fill its descriptor table or heap, set something before anything else runs, run in another network
 * namespace).
 */
public final class ChildJava {
    private ChildJava() {
    }

    /** This JVM's {@code java}, the options, {@code -cp} with {@link #classPath()}, and the class's name. */
    public static List<String> command(Class<?> main, String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classPath(), main.getName()));
        return command;
    }

    /** The test's classes and the modules': surefire and failsafe put the latter on the module path. */
    public static String classPath() {
        return Stream.of("jdk.module.path", "java.class.path").map(System::getProperty)
                .filter(path -> path != null && !path.isEmpty())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
