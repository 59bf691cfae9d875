package dev.wisp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS sockets of the JDK's own making that trust one PEM certificate and check the host name, as a browser told to
 * trust {@code wisp serve}'s certificate would: an independent peer, built without Wisp's TLS code.
 */
final class TrustingSockets {
    private TrustingSockets() {
    }

    /** Connects to {@code host:port}, trusting only the certificate in the PEM file, and completes the handshake. */
    static SSLSocket connect(Path certificatePem, String host, int port) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificatePem)) {
            trust.setCertificateEntry("wisp", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5_000);
        socket.startHandshake();
        return socket;
    }

    /** Sends {@code GET path} with {@code Connection: close} and returns the whole response. */
    static String get(Path certificatePem, String host, int port, String path)
            throws IOException, GeneralSecurityException {
        try (SSLSocket socket = connect(certificatePem, host, port)) {
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
