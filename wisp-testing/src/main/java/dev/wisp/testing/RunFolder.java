package dev.wisp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary folder that lives as long as the test JVM: made once for files that every test of a run shares
 * (certificates and keys for curl and openssl), removed with its contents when the JVM exits, so that runs do not
 * leave keys behind in the temporary directory.
 */
public final class RunFolder {
    private RunFolder() {
    }

    /** Makes a new folder under the system's temporary directory, removed when the JVM exits normally. */
    public static Path create(String prefix) throws IOException {
        Path folder = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> delete(folder)));
        return folder;
    }

    private static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // At exit there is no one left to tell; the folder stays, as it would have before.
        }
    }
}
