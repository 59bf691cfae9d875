package dev.wisp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An HTTPS proxy of real peers, curl's {@code -x https://}: {@link StunnelPeer} ending TLS with a certificate for
 * {@code localhost} alone (not 127.0.0.1, so that the proxy reached by its address fails the name's check) issued by
 * a CA of the test's, in front of {@link TinyproxyPeer}. Stopped by its processes' handles.
 */
public final class HttpsProxyPeer implements AutoCloseable {
    private final TinyproxyPeer tinyproxy;
    private final StunnelPeer stunnel;

    private HttpsProxyPeer(TinyproxyPeer tinyproxy, StunnelPeer stunnel) {
        this.tinyproxy = tinyproxy;
        this.stunnel = stunnel;
    }

    /**
     * Both peers, their files in the directory.
     *
     * @param ca the CA that issues the proxy's certificate
     * @param requireCredentials whether tinyproxy wants {@link TinyproxyPeer#USER} and {@link TinyproxyPeer#PASSWORD}
     */
    public static HttpsProxyPeer start(Path directory, TestCertificate ca, boolean requireCredentials)
            throws IOException, InterruptedException {
        TestCertificate certificate = TestCertificates.server(ca, TestCertificate.KeyType.EC, "localhost");
        Path chain = Files.writeString(directory.resolve("proxy.pem"), certificate.chainPem());
        Path key = Files.writeString(directory.resolve("proxy-key.pem"), certificate.keys().pkcs8Pem());
        TinyproxyPeer tinyproxy = TinyproxyPeer.start(Files.createDirectories(directory.resolve("tinyproxy")),
                requireCredentials);
        try {
            return new HttpsProxyPeer(tinyproxy, StunnelPeer.start(
                    Files.createDirectories(directory.resolve("stunnel")), tinyproxy.port(), chain, key));
        } catch (IOException | InterruptedException | RuntimeException e) {
            tinyproxy.close();
            throw e;
        }
    }

    /** The port TLS is accepted on. */
    public int port() {
        return stunnel.port();
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
