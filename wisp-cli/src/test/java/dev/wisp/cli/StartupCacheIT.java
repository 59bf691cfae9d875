package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/startup-cache}, which gives {@code bin/wisp} JDK 25's AOT cache: made once by a real training run, then
 * used (the commands' classes come from it, as the JVM's class loading log says), made again for a newer jar or
 * another JDK, not made when the user chose an archive of their own, and not tried again after a training that
 * failed. Each case works on a copy of the jar, so that the build's own cache is not touched.
 */
class StartupCacheIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final String MAKING = "Making the startup cache";

    @TempDir
    Path directory;

    @BeforeAll
    static void needsJdk25() {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache's one-step training needs JDK 25");
    }

    @Test
    void madeOnceThenUsedByTheCommands() throws Exception {
        Path jar = copyOfTheJar();
        PeerTools.Result first = startupCache(jar, null);
        assertEquals(0, first.exitCode(), first.stderr());
        assertTrue(first.stderr().contains(MAKING), first.stderr());
        Path cache = directory.resolve("wisp.aot");
        assertTrue(Files.isRegularFile(cache));
        List<String> options = first.stdout().lines().toList();
        assertTrue(options.contains("-XX:AOTCache=" + cache), first.stdout());
        FileTime made = Files.getLastModifiedTime(cache);

        PeerTools.Result second = startupCache(jar, null);
        assertEquals(first.stdout(), second.stdout());
        assertFalse(second.stderr().contains(MAKING), second.stderr());
        assertEquals(made, Files.getLastModifiedTime(cache));

        Files.writeString(directory.resolve("hello.txt"), "hello world\n");
        Path classes = directory.resolve("classes.log");
        try (Server server = ServeCommand.start(List.of(directory.toString(), "--plain", "--port", "0"), quiet())) {
            List<String> command = new ArrayList<>(List.of(java()));
            command.addAll(options);
            command.addAll(List.of("-Xlog:class+load=info:file=" + classes, "-jar", jar.toString(), "get",
                    "http://127.0.0.1:" + server.port() + "/hello.txt"));
            PeerTools.Result get = PeerTools.run(TIMEOUT, command);
            assertEquals(0, get.exitCode(), get.stderr());
            assertEquals("hello world\n", get.stdout(), get.stderr());
        }
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains("dev.wisp.cli.GetCommand source: shared objects file"), loaded);
        assertTrue(loaded.contains("dev.wisp.client.Client source: shared objects file"), loaded);
    }

    @Test
    void madeAgainForANewerJarOrAnotherJdk() throws Exception {
        Path jar = copyOfTheJar();
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(120)));
        assertTrue(startupCache(jar, null).stderr().contains(MAKING));
        Path cache = directory.resolve("wisp.aot");

        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minusSeconds(180))); // the jar is newer
        PeerTools.Result newerJar = startupCache(jar, null);
        assertTrue(newerJar.stderr().contains(MAKING), newerJar.stderr());
        assertTrue(newerJar.stdout().contains("-XX:AOTCache=" + cache), newerJar.stdout());

        Files.writeString(directory.resolve("wisp.aot.jdk"), "/another/jdk 25.0.1\n");
        PeerTools.Result anotherJdk = startupCache(jar, null);
        assertTrue(anotherJdk.stderr().contains(MAKING), anotherJdk.stderr());
        assertFalse(startupCache(jar, null).stderr().contains(MAKING), "made for this JDK now");
    }

    @Test
    void theUsersOwnArchiveOptionsWin() throws Exception {
        Path jar = copyOfTheJar();
        for (String options : List.of("-XX:SharedArchiveFile=/tmp/app.jsa", "-Xshare:off",
                "-XX:AOTCache=/tmp/app.aot", "-XX:AOTMode=off")) {
            PeerTools.Result result = startupCache(jar, options);
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("", result.stdout(), options);
            assertFalse(result.stderr().contains(MAKING), options);
        }
        assertFalse(Files.exists(directory.resolve("wisp.aot")));
    }

    @Test
    void aTrainingThatFailedIsNotTriedAgainForTheSameJar() throws Exception {
        Path jar = directory.resolve("wisp.jar"); // a jar without the training class: the training run fails
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.US_ASCII));
        }
        PeerTools.Result failed = startupCache(jar, null);
        assertEquals(0, failed.exitCode(), failed.stderr());
        assertEquals("", failed.stdout());
        assertTrue(failed.stderr().contains("could not be made"), failed.stderr());

        PeerTools.Result again = startupCache(jar, null);
        assertEquals("", again.stdout());
        assertEquals("", again.stderr());
        try (var files = Files.list(directory)) {
            assertEquals(List.of("wisp.aot.failed", "wisp.aot.failed.jdk", "wisp.jar"),
                    files.map(path -> path.getFileName().toString()).sorted().toList(), "no partial cache left");
        }
    }

    @Test
    void binWispMakesItBesideTheJar() throws Exception {
        ProcessBuilder version = WispProcess.binWisp("--version");
        version.environment().remove("JDK_JAVA_OPTIONS");
        version.environment().remove("JAVA_TOOL_OPTIONS");
        Path jar = Path.of(System.getProperty("wisp.jar", "target/wisp.jar"));
        Path cache = jar.resolveSibling("wisp.aot");
        // Made before by binWisp, for the other tests; gone, as after a clean build. A bin/wisp of another test
        // started meanwhile runs without it, or makes it as well: each run makes its own file and renames it.
        Files.deleteIfExists(cache);
        PeerTools.Result result = PeerTools.run(TIMEOUT, version);
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().startsWith("wisp "), result.stdout());
        assertTrue(result.stderr().contains(MAKING), result.stderr());
        // bin/wisp turns the JVM's logging off before its own settings, so the proof that the options it is given
        // load the classes from the cache is madeOnceThenUsedByTheCommands's.
        assertTrue(Files.isRegularFile(cache), "made beside the jar");
        assertFalse(Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(cache)) > 0, "made for it");
    }

    private Path copyOfTheJar() throws IOException {
        Path jar = Path.of(System.getProperty("wisp.jar", "target/wisp.jar"));
        return Files.copy(jar, directory.resolve("wisp.jar"));
    }

    private static PeerTools.Result startupCache(Path jar, String userOptions) throws Exception {
        ProcessBuilder command = new ProcessBuilder(ROOT.resolve("bin/startup-cache").toString(), jar.toString());
        command.environment().put("JAVA_HOME", System.getProperty("java.home"));
        command.environment().remove("JAVA_TOOL_OPTIONS");
        if (userOptions == null) {
            command.environment().remove("JDK_JAVA_OPTIONS");
        } else {
            command.environment().put("JDK_JAVA_OPTIONS", userOptions);
        }
        return PeerTools.run(TIMEOUT, command);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }
}
