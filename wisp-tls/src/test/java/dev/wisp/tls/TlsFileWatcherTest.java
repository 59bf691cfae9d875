package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.ProviderException;
import java.security.UnrecoverableEntryException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The watcher outlives failures of a reload: the server's identity is a key store entry whose provider fails as
 * told ({@link FailingKeyStore}), and the watched file is the trusted CA bundle, so a change of that file makes the
 * watcher read the entry. The {@code OutOfMemoryError} is thrown by that provider, not caused by a full heap.
 */
class TlsFileWatcherTest {
    private static final Duration INTERVAL = Duration.ofMillis(20);
    /** The logger System.getLogger hands the watcher, held here so that the level set on it stays. */
    private static final Logger JUL = Logger.getLogger(TlsFileWatcher.class.getName());

    @TempDir
    Path directory;

    private LogCapture log;
    private Level level;

    @BeforeEach
    void recordLog() {
        level = JUL.getLevel();
        JUL.setLevel(Level.ALL);
        log = LogCapture.of(JUL.getName());
    }

    @AfterEach
    void stopRecording() {
        log.close();
        JUL.setLevel(level);
    }

    static List<Throwable> unexpectedFailures() {
        return List.of(new ProviderException("Token has been removed"),
                new OutOfMemoryError("Java heap space (thrown by the test's key store provider)"));
    }

    @ParameterizedTest
    @MethodSource("unexpectedFailures")
    void retriesAChangeAtEachIntervalAfterAnUnexpectedFailureAndWarnsOnce(Throwable failure) throws Exception {
        FailingKeyStore provider = new FailingKeyStore(Fixtures.SERVER_EC);
        Path ca = Fixtures.write(directory, "ca.pem", Fixtures.CA.certificatePem());
        TlsContext server = TlsContext.create(config(provider, ca));
        Instant before = server.loadedAt();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (TlsFileWatcher watcher = server.watchFiles(INTERVAL)) {
                provider.failNextReads(failure, failure, failure);
                replace(ca, 1);
                // Bounded by the preemptive timeout: the watcher retries the one change until a reload completes.
                while (server.loadedAt().equals(before)) {
                    LockSupport.parkNanos(INTERVAL.toNanos() / 2);
                }
                assertEquals(4, watcher.reloadCount());
            }
        });
        assertEquals(5, provider.reads(), "build, three failed reloads, one good one");
        assertTrue(server.lastReloadFailure().isEmpty());
        List<LogRecord> warnings = log.records().stream().filter(record -> record.getLevel() == Level.WARNING)
                .toList();
        assertEquals(1, warnings.size(), "one warning for a run of failures: " + warnings);
        assertEquals(failure, warnings.getFirst().getThrown());
    }

    @Test
    void waitsForTheNextChangeAfterABadReload() throws Exception {
        FailingKeyStore provider = new FailingKeyStore(Fixtures.SERVER_EC);
        Path ca = Fixtures.write(directory, "ca.pem", Fixtures.CA.certificatePem());
        TlsContext server = TlsContext.create(config(provider, ca));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (TlsFileWatcher watcher = server.watchFiles(INTERVAL)) {
                provider.failNextReads(new UnrecoverableEntryException("wrong PIN"));
                replace(ca, 1);
                while (server.lastReloadFailure().isEmpty()) {
                    LockSupport.parkNanos(INTERVAL.toNanos() / 2);
                }
                Instant failed = server.loadedAt();
                replace(ca, 2);
                while (server.loadedAt().equals(failed)) {
                    LockSupport.parkNanos(INTERVAL.toNanos() / 2);
                }
                assertEquals(2, watcher.reloadCount(), "a bad reload is not tried again before the next change");
            }
        });
        assertEquals(3, provider.reads());
        assertTrue(server.lastReloadFailure().isEmpty());
    }

    private static TlsConfig config(FailingKeyStore provider, Path ca) {
        return TlsConfig.builder()
                .identity(TlsIdentity.keyStore(provider.keyStore(), FailingKeyStore.ALIAS, null))
                .trustedCertificates(ca)
                .build();
    }

    /** Replaces the file at once by one with the same text and a modification time {@code step} seconds ahead. */
    private void replace(Path file, int step) throws Exception {
        Path staged = Fixtures.write(directory, "staged.pem", Files.readString(file));
        Files.setLastModifiedTime(staged, FileTime.from(Instant.now().plusSeconds(step)));
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
