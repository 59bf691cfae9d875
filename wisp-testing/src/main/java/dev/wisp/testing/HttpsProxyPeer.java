package dev.wisp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * An HTTPS proxy of real peers, curl's {@code -x https://}: {@link StunnelPeer} ending TLS with a certificate for
 * {@code localhost} alone (not 127.0.0.1, so that the proxy reached by its address fails the name's check) issued by
 * a CA of its own, in front of {@link TinyproxyPeer}. The CA, in a PEM file too, is for a test to trust the proxy
 * with and to issue its origins' certificates. Stopped by its processes' handles.
 */
public final class HttpsProxyPeer implements AutoCloseable {
    private final TinyproxyPeer tinyproxy;
    private final StunnelPeer stunnel;
    private final TestCertificate ca;
    private final Path caFile;
    private final TestCertificate certificate;

    private HttpsProxyPeer(TinyproxyPeer tinyproxy, StunnelPeer stunnel, TestCertificate ca, Path caFile,
            TestCertificate certificate) {
        this.tinyproxy = tinyproxy;
        this.stunnel = stunnel;
        this.ca = ca;
        this.caFile = caFile;
        this.certificate = certificate;
    }

    /**
     * Both peers, their files in the directory, with a new EC CA that issues the proxy's certificate.
     *
     * @param requireCredentials whether tinyproxy wants {@link TinyproxyPeer#USER} and {@link TinyproxyPeer#PASSWORD}
     */
    public static HttpsProxyPeer start(Path directory, boolean requireCredentials)
            throws IOException, InterruptedException {
        TestCertificate ca = TestCertificates.ca(TestCertificate.KeyType.EC);
        Path caFile = Files.writeString(directory.resolve("ca.pem"), ca.certificatePem());
        TestCertificate certificate = TestCertificates.server(ca, TestCertificate.KeyType.EC, "localhost");
        Path chain = Files.writeString(directory.resolve("proxy.pem"), certificate.chainPem());
        Path key = Files.writeString(directory.resolve("proxy-key.pem"), certificate.keys().pkcs8Pem());
        TinyproxyPeer tinyproxy = TinyproxyPeer.start(Files.createDirectories(directory.resolve("tinyproxy")),
                requireCredentials);
        try {
            return new HttpsProxyPeer(tinyproxy, StunnelPeer.start(
                    Files.createDirectories(directory.resolve("stunnel")), tinyproxy.port(), chain, key), ca, caFile,
                    certificate);
        } catch (IOException | InterruptedException | RuntimeException e) {
            tinyproxy.close();
            throw e;
        }
    }

    /** The port TLS is accepted on. */
    public int port() {
        return stunnel.port();
    }

    /** The CA that issued the proxy's certificate. */
    public TestCertificate ca() {
        return ca;
    }

    /** The CA's certificate in a PEM file, for {@code --proxy-cacert} and the like. */
    public Path caFile() {
        return caFile;
    }

    /**
     * The proxy's public key as curl's {@code --proxy-pinnedpubkey} takes it: {@code sha256//} and the base64 of the
     * SHA-256 of its SubjectPublicKeyInfo, computed here with the JDK alone.
     */
    public String publicKeyPin() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(certificate.certificate().getPublicKey()
                    .getEncoded());
            return "sha256//" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The proxy behind the TLS, for its log. */
    public TinyproxyPeer tinyproxy() {
        return tinyproxy;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stunnel.close();
        } finally {
            tinyproxy.close();
        }
    }
}
