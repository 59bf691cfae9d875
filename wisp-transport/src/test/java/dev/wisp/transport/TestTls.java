package dev.wisp.transport;

import dev.wisp.testing.RunFolder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed EC P-256 certificate for localhost and 127.0.0.1, made once per test run with the JDK's keytool,
 * and the server and client contexts built on it.
 */
final class TestTls {
    static final char[] PASSWORD = "changeit".toCharArray();
    private static Path directory;
    private static KeyStore keyStore;

    private TestTls() {
    }

    static synchronized Path directory() throws IOException, InterruptedException {
        if (directory == null) {
            Path made = RunFolder.create("wisp-transport-tls");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
                    "-ext", "san=dns:localhost,ip:127.0.0.1", "-keystore", made.resolve("server.p12").toString(),
                    "-storetype", "PKCS12", "-storepass", new String(PASSWORD)))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
            Process export = new ProcessBuilder(List.of(keytool, "-exportcert", "-rfc", "-alias", "server",
                    "-keystore", made.resolve("server.p12").toString(), "-storepass", new String(PASSWORD),
                    "-file", made.resolve("cert.pem").toString())).redirectErrorStream(true).start();
            export.getInputStream().readAllBytes();
            if (!export.waitFor(60, TimeUnit.SECONDS) || export.exitValue() != 0) {
                throw new IOException("keytool -exportcert failed");
            }
            directory = made;
        }
        return directory;
    }

    static synchronized KeyStore keyStore() throws IOException, InterruptedException, GeneralSecurityException {
        if (keyStore == null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(directory().resolve("server.p12"))) {
                store.load(in, PASSWORD);
            }
            keyStore = store;
        }
        return keyStore;
    }

    static SSLContext serverContext() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore(), PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    static SSLContext clientContext() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keyStore());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
