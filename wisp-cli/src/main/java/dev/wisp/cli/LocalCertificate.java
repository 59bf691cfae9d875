package dev.wisp.cli;

import dev.wisp.tls.SelfSignedCertificate;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsConfigException;
import dev.wisp.tls.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The self-signed certificate {@code wisp serve} presents when it is given none: {@code cert.pem} and
 * {@code key.pem} in the {@link ConfigFolder}. Made on first use, then reused, and made again when the one there
 * has expired or expires within {@link #RENEW_BEFORE}, does not name every host it must, or cannot be used (a
 * missing or damaged file, a key that does not match); the reason is kept for the user.
 *
 * <p>Files: the folder is kept private to its owner (0700, see {@link PrivateFolder}: one of another user's is
 * refused, a looser one of one's own tightened) and the key file is readable by its owner only (0600), where the
 * file system has POSIX permissions. A key that other users could have read or replaced (a key file open to them or
 * not the user's own, a folder they could write in) is not used: a new one is made. A lock file keeps two
 * {@code wisp serve} started at once from mixing their files.
 *
 * @param certificateFile the PEM certificate, which clients may trust ({@code curl --cacert})
 * @param keyFile the PKCS#8 PEM private key
 * @param certificate the certificate in the file
 * @param renewal why the certificate was made by this call; empty when the stored one was reused
 * @param folderNotice what was changed on the folder for its safety, for the user; empty when nothing was
 */
record LocalCertificate(Path certificateFile, Path keyFile, X509Certificate certificate, Optional<String> renewal,
        Optional<String> folderNotice) {
    static final Duration VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(7);

    /**
     * The certificate in {@code folder} for these names, made or made again when needed.
     *
     * @throws IOException when the folder or the files cannot be written, or the folder belongs to another user
     */
    static LocalCertificate obtain(Path folder, List<String> dnsNames, List<InetAddress> addresses, Instant now)
            throws IOException {
        PrivateFolder secured = PrivateFolder.secure(folder);
        Path certificateFile = folder.resolve("cert.pem");
        Path keyFile = folder.resolve("key.pem");
        try (FileChannel lockFile = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            String reason = check(certificateFile, keyFile, dnsNames, addresses, now);
            if (reason == null && secured.othersCouldWrite()) {
                reason = "other users could write in the folder, and so could have replaced the key";
            }
            if (reason != null) {
                SelfSignedCertificate.generate(dnsNames, addresses, VALIDITY).writePemFiles(certificateFile, keyFile);
            }
            return new LocalCertificate(certificateFile, keyFile, read(certificateFile), Optional.ofNullable(reason),
                    secured.notice());
        }
    }

    /** Why the stored certificate cannot be used, or null when it can. */
    private static String check(Path certificateFile, Path keyFile, List<String> dnsNames,
            List<InetAddress> addresses, Instant now) throws IOException {
        if (!Files.exists(certificateFile) && !Files.exists(keyFile)) {
            return "there was none yet";
        }
        String exposure = Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS) ? PrivateFolder.exposure(keyFile) : null;
        if (exposure != null) {
            return "other users could have read or replaced its key: " + exposure;
        }
        X509Certificate certificate;
        try {
            certificate = read(certificateFile);
        } catch (IOException e) {
            return "the one there could not be read: " + e.getMessage();
        }
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (!notAfter.isAfter(now)) {
            return "the one there expired on " + notAfter;
        }
        if (!notAfter.isAfter(now.plus(RENEW_BEFORE))) {
            return "the one there expires on " + notAfter + ", within " + RENEW_BEFORE.toDays() + " days";
        }
        List<String> missing = missingNames(certificate, dnsNames, addresses);
        if (!missing.isEmpty()) {
            return "the one there does not name " + String.join(", ", missing);
        }
        try {
            TlsConfig.builder().identity(TlsIdentity.pemFiles(certificateFile, keyFile)).build();
        } catch (TlsConfigException e) {
            return "the one there cannot be used: " + e.getMessage();
        }
        return null;
    }

    private static List<String> missingNames(X509Certificate certificate, List<String> dnsNames,
            List<InetAddress> addresses) {
        List<String> named = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                alternatives.forEach(name -> named.add(name.get(1).toString().toLowerCase(Locale.ROOT)));
            }
        } catch (CertificateParsingException e) {
            return List.of("any name (its subjectAltName cannot be read)");
        }
        List<String> missing = new ArrayList<>();
        dnsNames.stream().filter(name -> !named.contains(name.toLowerCase(Locale.ROOT))).forEach(missing::add);
        // The JDK gives IP address names in the form getHostAddress() writes.
        addresses.stream().map(InetAddress::getHostAddress).filter(address -> !named.contains(address))
                .forEach(missing::add);
        return missing;
    }

    private static X509Certificate read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException("no certificate in " + file + ": " + e.getMessage(), e);
        }
    }
}
