package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.tls.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed certificate kept in the configuration folder: made, reused, and made again when it must be. */
class LocalCertificateTest {
    private static final List<String> NAMES = List.of("localhost");
    private static final List<InetAddress> ADDRESSES = List.of(InetAddress.getLoopbackAddress());

    @TempDir
    Path base;

    private Path folder() {
        return base.resolve("wisp");
    }

    private LocalCertificate obtain(List<InetAddress> addresses, Instant now) throws Exception {
        return LocalCertificate.obtain(folder(), NAMES, addresses, now);
    }

    /** Puts a certificate valid until {@code notAfter} where the next obtain looks. */
    private void plant(List<InetAddress> addresses, Instant notAfter) throws Exception {
        Files.createDirectories(folder());
        SelfSignedCertificate.generate(NAMES, addresses, notAfter.minus(Duration.ofDays(300)), notAfter)
                .writePemFiles(folder().resolve("cert.pem"), folder().resolve("key.pem"));
    }

    @Test
    void makesOneOnFirstUseInAFolderOnlyItsOwnerCanRead() throws Exception {
        LocalCertificate made = obtain(ADDRESSES, Instant.now());
        assertEquals(Optional.of("there was none yet"), made.renewal());
        assertEquals(folder().resolve("cert.pem"), made.certificateFile());
        assertTrue(Files.isRegularFile(made.keyFile()));
        Instant notAfter = made.certificate().getNotAfter().toInstant();
        assertTrue(notAfter.isAfter(Instant.now().plus(LocalCertificate.VALIDITY).minus(Duration.ofMinutes(5))));
        if (Files.getFileStore(base).supportsFileAttributeView("posix")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made.keyFile())));
        }
    }

    @Test
    void reusesTheOneThereOnLaterRuns() throws Exception {
        LocalCertificate first = obtain(ADDRESSES, Instant.now());
        LocalCertificate second = obtain(ADDRESSES, Instant.now());
        assertEquals(Optional.empty(), second.renewal());
        assertEquals(first.certificate(), second.certificate());
    }

    @Test
    void makesANewOneWhenTheOneThereHasExpired() throws Exception {
        Instant expired = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        plant(ADDRESSES, expired);
        LocalCertificate renewed = obtain(ADDRESSES, Instant.now());
        assertEquals(Optional.of("the one there expired on " + expired), renewed.renewal());
        assertTrue(renewed.certificate().getNotAfter().toInstant().isAfter(Instant.now()));
    }

    @Test
    void makesANewOneWithinSevenDaysOfExpiryButNotBefore() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        plant(ADDRESSES, now.plus(Duration.ofDays(8)));
        assertEquals(Optional.empty(), obtain(ADDRESSES, now).renewal());
        Instant soon = now.plus(Duration.ofDays(6));
        plant(ADDRESSES, soon);
        assertEquals(Optional.of("the one there expires on " + soon + ", within 7 days"),
                obtain(ADDRESSES, now).renewal());
    }

    @Test
    void makesANewOneWhenTheOneThereDoesNotNameTheBindAddress() throws Exception {
        InetAddress lan = InetAddress.getByName("192.0.2.7");
        obtain(ADDRESSES, Instant.now());
        LocalCertificate renewed = obtain(List.of(ADDRESSES.get(0), lan), Instant.now());
        assertEquals(Optional.of("the one there does not name 192.0.2.7"), renewed.renewal());
        assertTrue(renewed.certificate().getSubjectAlternativeNames().contains(List.of(7, "192.0.2.7")));
        assertEquals(Optional.empty(), obtain(ADDRESSES, Instant.now()).renewal(), "a wider one still serves");
    }

    @Test
    void makesANewOneWhenAFileIsDamagedOrTheKeyDoesNotMatch() throws Exception {
        obtain(ADDRESSES, Instant.now());
        Files.writeString(folder().resolve("cert.pem"), "not a certificate");
        assertTrue(obtain(ADDRESSES, Instant.now()).renewal().orElseThrow()
                .startsWith("the one there could not be read: "));
        Path key = folder().resolve("key.pem");
        SelfSignedCertificate.generate(NAMES, ADDRESSES, Duration.ofDays(30))
                .writePemFiles(base.resolve("other.pem"), key);
        String reason = obtain(ADDRESSES, Instant.now()).renewal().orElseThrow();
        assertTrue(reason.startsWith("the one there cannot be used: "), reason);
        assertEquals(Optional.empty(), obtain(ADDRESSES, Instant.now()).renewal());
    }

    @Test
    void tightensAFolderOfItsOwnThatOthersMayEnterAndKeepsItsKey() throws Exception {
        List<LocalCertificate> runs = obtainBeforeAndAfter(folder(), "rwxr-xr-x");
        LocalCertificate first = runs.get(0);
        LocalCertificate second = runs.get(1);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder())));
        assertEquals(Optional.of("Made " + folder() + " private to its owner (it was rwxr-xr-x, now rwx------): it"
                + " holds the private key"), second.folderNotice());
        assertEquals(Optional.empty(), second.renewal(), "others could list the folder, not read the key");
        assertEquals(first.certificate(), second.certificate());
        assertEquals(Optional.empty(), obtain(ADDRESSES, Instant.now()).folderNotice());
    }

    @Test
    void makesANewKeyWhenOthersCouldWriteInTheFolder() throws Exception {
        List<LocalCertificate> runs = obtainBeforeAndAfter(folder(), "rwxrwxrwx");
        assertEquals(Optional.of("other users could write in the folder, and so could have replaced the key"),
                runs.get(1).renewal());
        assertNotEquals(runs.get(0).certificate(), runs.get(1).certificate());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder())));
    }

    @Test
    void makesANewKeyWhenTheKeyFileWasOpenToOthers() throws Exception {
        LocalCertificate second = obtainBeforeAndAfter(folder().resolve("key.pem"), "rw-r--r--").get(1);
        assertEquals(Optional.of("other users could have read or replaced its key: key.pem was open to other users"
                + " (rw-r--r--)"), second.renewal());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(second.keyFile())));
        assertEquals(Optional.empty(), obtain(ADDRESSES, Instant.now()).renewal());
    }

    /** WISP_CONFIG_HOME=/tmp, say: chmod 700 would lock every other user out of it. */
    @Test
    void refusesRatherThanTightensAFolderThatHoldsOtherFiles() throws Exception {
        Files.createDirectories(folder());
        assumePosix();
        Files.writeString(folder().resolve("notes.txt"), "someone's\n");
        Files.setPosixFilePermissions(folder(), PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException refused = assertThrows(IOException.class, () -> obtain(ADDRESSES, Instant.now()));
        assertEquals(folder() + " is open to other users (rwxrwxrwx) and holds more than wisp's files (notes.txt);"
                + " make it private (chmod 700 " + folder() + ") or choose a folder of wisp's own",
                refused.getMessage());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder())));
        assertTrue(Files.notExists(folder().resolve("key.pem")));
    }

    @Test
    void refusesAFolderThatBelongsToAnotherUser() throws Exception {
        Files.createDirectories(folder());
        assumePosix();
        UserPrincipal nobody;
        try {
            nobody = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(folder(), nobody);
        } catch (IOException e) {
            nobody = null; // changing a file's owner takes root
        }
        assumeTrue(nobody != null, "cannot give a folder to user nobody without root");
        IOException refused = assertThrows(IOException.class, () -> obtain(ADDRESSES, Instant.now()));
        assertEquals(folder() + " belongs to user nobody, not to " + System.getProperty("user.name")
                + ", who runs wisp; its owner could read or replace the key in it", refused.getMessage());
        assertTrue(Files.notExists(folder().resolve("key.pem")));
    }

    /** Obtains a certificate, then gives the folder or a file in it these permissions, and obtains one again. */
    private List<LocalCertificate> obtainBeforeAndAfter(Path changed, String permissions) throws Exception {
        LocalCertificate first = obtain(ADDRESSES, Instant.now());
        assumePosix();
        Files.setPosixFilePermissions(changed, PosixFilePermissions.fromString(permissions));
        return List.of(first, obtain(ADDRESSES, Instant.now()));
    }

    private void assumePosix() throws IOException {
        assumeTrue(Files.getFileStore(base).supportsFileAttributeView("posix"), "no POSIX permissions here");
    }
}
