package dev.wisp.testing;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which transport the socket tests of a run use: plaintext, or TLS when the system property {@code wisp.test.tls}
 * is {@code true}. The build runs the protocol tests (limits, timeouts, smuggling, fuzz) once each way, so
 * everything the plaintext server is tested for holds over TLS too. Test code only: the TLS client here trusts
 * any certificate, since what these tests check is HTTP over the transport, not certificate checks.
 */
public final class TestTransport {
    private TestTransport() {
    }

    /** Whether this run's socket tests speak TLS. */
    public static boolean isTls() {
        return Boolean.getBoolean("wisp.test.tls");
    }

    /** Wraps a connected socket in TLS, trusting any server certificate, and completes the handshake. */
    public static SSLSocket wrapTls(Socket socket) throws IOException {
        SSLSocket tls = (SSLSocket) trustingAnyone().getSocketFactory()
                .createSocket(socket, "localhost", socket.getPort(), true);
        tls.setSoTimeout(socket.getSoTimeout());
        tls.startHandshake();
        return tls;
    }

    private static SSLContext trustingAnyone() throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a TLS client context: " + e.getMessage(), e);
        }
    }
}
