package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificate rotation: reload from the API and by watching files; a reload that fails, for whatever reason, keeps
 * all the material in use and is kept in {@link TlsContext#lastReloadFailure()}. Failures other than bad material
 * come from a key store whose provider fails as told ({@link FailingKeyStore}).
 */
class TlsReloadTest {
    private static final TestCertificate NEXT = TestCertificates.server(Fixtures.CA, KeyType.EC);

    @TempDir
    Path directory;

    @Test
    void reloadPresentsTheNewCertificateAndKeepsTheOldOneOnFailure() throws Exception {
        Path chain = Fixtures.write(directory, "chain.pem", Fixtures.SERVER_EC.chainPem());
        Path key = Fixtures.write(directory, "key.pem", Fixtures.SERVER_EC.keys().pkcs8Pem());
        TlsContext server = TlsContext.create(TlsConfig.builder().identity(TlsIdentity.pemFiles(chain, key)).build());
        TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().build());
        assertEquals(Fixtures.SERVER_EC.certificate(), presented(client, server));

        Fixtures.write(directory, "chain.pem", NEXT.chainPem());
        TlsConfigException failure = assertThrows(TlsConfigException.class, server::reload);
        assertTrue(failure.getMessage().startsWith("private key does not match"), failure.getMessage());
        assertEquals(failure, server.lastReloadFailure().orElseThrow());
        assertEquals(Fixtures.SERVER_EC.certificate(), presented(client, server));

        Fixtures.write(directory, "key.pem", NEXT.keys().sec1Pem());
        server.reload();
        assertTrue(server.lastReloadFailure().isEmpty());
        assertEquals(NEXT.certificate(), presented(client, server));
    }

    @ParameterizedTest
    @MethodSource("dev.wisp.tls.TlsFileWatcherTest#unexpectedFailures")
    void keepsAFailureOtherThanBadMaterialAndTheMaterialInUse(Throwable failure) throws Exception {
        FailingKeyStore provider = new FailingKeyStore(Fixtures.SERVER_EC);
        TlsContext server = TlsContext.create(TlsConfig.builder()
                .identity(TlsIdentity.keyStore(provider.keyStore(), FailingKeyStore.ALIAS, null))
                .build());
        TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().build());
        Instant before = server.loadedAt();

        provider.failNextReads(failure);
        assertSame(failure, assertThrows(Throwable.class, server::reload), "thrown as the provider threw it");
        TlsConfigException kept = server.lastReloadFailure().orElseThrow();
        assertSame(failure, kept.getCause());
        assertEquals("reloading the TLS key material failed: " + failure, kept.getMessage());
        assertEquals(before, server.loadedAt(), "the material in use stays");
        assertEquals(Fixtures.SERVER_EC.certificate(), presented(client, server));

        server.reload();
        assertTrue(server.lastReloadFailure().isEmpty(), "cleared by a reload that succeeds");
    }

    @Test
    void aReloadThatFailsPartWayUsesNothingItRead() throws Exception {
        Path chain = Fixtures.write(directory, "chain.pem", Fixtures.SERVER_EC.chainPem());
        Path key = Fixtures.write(directory, "key.pem", Fixtures.SERVER_EC.keys().pkcs8Pem());
        FailingKeyStore provider = new FailingKeyStore(Fixtures.SERVER_RSA);
        TlsContext server = TlsContext.create(TlsConfig.builder()
                .identity(TlsIdentity.pemFiles(chain, key))
                .identity(TlsIdentity.keyStore(provider.keyStore(), FailingKeyStore.ALIAS, null))
                .build());
        TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().build());
        List<List<X509Certificate>> before = server.certificateChains();

        Fixtures.write(directory, "chain.pem", NEXT.chainPem());
        Fixtures.write(directory, "key.pem", NEXT.keys().pkcs8Pem());
        provider.failNextReads(new OutOfMemoryError("Java heap space (thrown by the test's key store provider)"));
        assertThrows(OutOfMemoryError.class, server::reload);
        assertEquals(before, server.certificateChains(), "the first identity, read anew before the failure, is unused");
        assertEquals(Fixtures.SERVER_EC.certificate(), presented(client, server));
        assertTrue(server.lastReloadFailure().isPresent());

        server.reload();
        assertEquals(NEXT.certificate(), presented(client, server));
        assertEquals(NEXT.certificate(), server.certificateChains().get(0).get(0));
    }

    @Test
    void watcherReloadsWhenAFileChanges() throws Exception {
        Path chain = Fixtures.write(directory, "chain.pem", Fixtures.SERVER_EC.chainPem());
        Path key = Fixtures.write(directory, "key.pem", Fixtures.SERVER_EC.keys().pkcs8Pem());
        TlsContext server = TlsContext.create(TlsConfig.builder().identity(TlsIdentity.pemFiles(chain, key)).build());
        TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().build());
        Instant before = server.loadedAt();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (TlsFileWatcher watcher = server.watchFiles(Duration.ofMillis(20))) {
                Path staged = Fixtures.write(directory, "staged.pem", NEXT.keys().pkcs8Pem() + NEXT.chainPem());
                Files.move(staged, chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(chain, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(5)));
                // Bounded by the preemptive timeout: wait for the watcher's thread to reload.
                while (server.loadedAt().equals(before) || server.lastReloadFailure().isPresent()) {
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
                assertTrue(watcher.reloadCount() >= 1);
            }
        });
        assertEquals(NEXT.certificate(), presented(client, server));
    }

    private static Object presented(TlsContext client, TlsContext server) throws Exception {
        return EngineHandshake.run(client, server, "localhost").client().peerCertificates().get(0);
    }
}
