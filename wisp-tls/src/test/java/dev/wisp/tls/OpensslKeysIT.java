package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.PeerTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and key stores written by the {@code openssl} command, read by {@link TlsIdentity}. */
class OpensslKeysIT {
    @TempDir
    Path directory;

    @Test
    void readsRsaKeysInEveryOpensslEncoding() throws Exception {
        Path key = generate("rsa.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
        Path cert = selfSigned(key);
        assertMatches(cert, key, null);
        Path pkcs1 = directory.resolve("rsa-pkcs1.pem");
        openssl("rsa", "-in", key.toString(), "-traditional", "-out", pkcs1.toString());
        assertMatches(cert, pkcs1, null);
        assertMatches(cert, encrypted(key), Fixtures.PASSWORD);
        assertPkcs12(cert, key);
    }

    @Test
    void readsEcKeysInEveryOpensslEncodingOnEachCurve() throws Exception {
        for (String curve : List.of("P-256", "P-384", "P-521")) {
            Path key = generate("ec-" + curve + ".pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + curve);
            Path cert = selfSigned(key);
            assertMatches(cert, key, null);
            Path sec1 = directory.resolve("sec1-" + curve + ".pem");
            openssl("ec", "-in", key.toString(), "-out", sec1.toString());
            assertMatches(cert, sec1, null);
            assertMatches(cert, encrypted(key), Fixtures.PASSWORD);
            assertPkcs12(cert, key);
        }
    }

    @Test
    void readsEd25519Keys() throws Exception {
        Path key = generate("ed.pem", "-algorithm", "ED25519");
        assertMatches(selfSigned(key), key, null);
    }

    private void assertMatches(Path cert, Path key, char[] password) {
        TlsConfig config = TlsConfig.builder().identity(TlsIdentity.pemFiles(cert, key, password)).build();
        assertEquals("CN=localhost", config.identities().size() == 1
                ? TlsContext.create(config).certificateChains().get(0).get(0).getSubjectX500Principal().getName()
                : "");
    }

    private void assertPkcs12(Path cert, Path key) throws Exception {
        Path p12 = directory.resolve("id-" + key.getFileName() + ".p12");
        openssl("pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", p12.toString(),
                "-passout", "pass:" + new String(Fixtures.PASSWORD));
        TlsConfig.builder().identity(TlsIdentity.pkcs12(p12, Fixtures.PASSWORD)).build();
    }

    private Path encrypted(Path key) throws Exception {
        Path out = directory.resolve("enc-" + key.getFileName());
        openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", key.toString(), "-out", out.toString(),
                "-passout", "pass:" + new String(Fixtures.PASSWORD));
        return out;
    }

    private Path generate(String name, String... options) throws Exception {
        Path key = directory.resolve(name);
        List<String> command = new ArrayList<>(List.of("genpkey"));
        command.addAll(List.of(options));
        command.addAll(List.of("-out", key.toString()));
        openssl(command.toArray(new String[0]));
        return key;
    }

    private Path selfSigned(Path key) throws Exception {
        Path cert = directory.resolve("cert-" + key.getFileName());
        openssl("req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=localhost", "-days", "1",
                "-out", cert.toString());
        return cert;
    }

    static void openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(PeerTools.require("openssl").toString());
        command.addAll(List.of(arguments));
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), command);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + "\n" + result.stderr());
    }
}
