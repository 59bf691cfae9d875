package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Public key pins: parsed as OkHttp and curl write them, the hash of a certificate's SubjectPublicKeyInfo, host
 * patterns matched as OkHttp matches them, and every malformed pin or pattern refused with a message that names it.
 */
class PublicKeyPinTest {
    private static final String ZEROS = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void aPinIsTheSha256OfTheCertificatesPublicKeyInfoInEitherSpelling() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256")
                .digest(Fixtures.SERVER_EC.certificate().getPublicKey().getEncoded());
        String pin = PublicKeyPin.pinOf(Fixtures.SERVER_EC.certificate());
        assertEquals("sha256/" + Base64.getEncoder().encodeToString(expected), pin);
        assertEquals(pin, PublicKeyPin.pinOfKey(Fixtures.SERVER_EC.keyPair().getPublic().getEncoded()));

        PublicKeyPin okHttp = PublicKeyPin.of("example.com", pin);
        PublicKeyPin curl = PublicKeyPin.of("example.com", "sha256//" + pin.substring("sha256/".length()));
        assertEquals(okHttp, curl);
        assertTrue(okHttp.isKeyOf(Fixtures.SERVER_EC.certificate()));
        // A hash whose base64 begins with '/': OkHttp's spelling then begins as curl's does.
        byte[] slash = new byte[32];
        slash[0] = (byte) 0xfc;
        String base64 = Base64.getEncoder().encodeToString(slash);
        assertTrue(base64.startsWith("/"), base64);
        assertEquals(PublicKeyPin.of("example.com", "sha256/" + base64),
                PublicKeyPin.of("example.com", "sha256//" + base64));
        assertFalse(okHttp.isKeyOf(Fixtures.CA.certificate()));
    }

    @Test
    void readsTheKeyOfAFileAsCurlDoes(@TempDir Path directory) throws Exception {
        String pin = PublicKeyPin.pinOf(Fixtures.SERVER_EC.certificate());
        byte[] key = Fixtures.SERVER_EC.keyPair().getPublic().getEncoded();
        Path pem = Fixtures.write(directory, "key.pem", "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(key) + "\n-----END PUBLIC KEY-----\n");
        Path certificate = Fixtures.write(directory, "cert.pem", Fixtures.SERVER_EC.certificatePem());
        Path derKey = Files.write(directory.resolve("key.der"), key);
        Path derCertificate = Files.write(directory.resolve("cert.der"),
                Fixtures.SERVER_EC.certificate().getEncoded());
        for (Path file : List.of(pem, certificate, derKey, derCertificate)) {
            assertEquals(pin, PublicKeyPin.pinOfFile(file), file.toString());
        }

        Path privateKey = Fixtures.write(directory, "private.pem", Fixtures.SERVER_EC.keys().pkcs8Pem());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublicKeyPin.pinOfFile(privateKey))
                .getMessage().contains("neither a PEM PUBLIC KEY nor a CERTIFICATE"));
        Path garbage = Files.write(directory.resolve("garbage.der"), new byte[] {1, 2, 3});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublicKeyPin.pinOfFile(garbage))
                .getMessage().contains("holds no public key"));
    }

    @Test
    void hostPatternsMatchAsOkHttpsDo() {
        PublicKeyPin exact = PublicKeyPin.of("Api.Example.com", "sha256/" + ZEROS);
        assertTrue(exact.matches("api.example.com"));
        assertTrue(exact.matches("API.EXAMPLE.COM."), "case and a final dot do not matter");
        assertFalse(exact.matches("www.api.example.com"));

        PublicKeyPin oneLabel = PublicKeyPin.of("*.example.com", "sha256/" + ZEROS);
        assertTrue(oneLabel.matches("api.example.com"));
        assertFalse(oneLabel.matches("example.com"));
        assertFalse(oneLabel.matches("a.b.example.com"));
        assertFalse(oneLabel.matches("api.example.com.evil"));
        assertFalse(oneLabel.matches("notexample.com"));

        PublicKeyPin anyLabels = PublicKeyPin.of("**.example.com", "sha256/" + ZEROS);
        assertTrue(anyLabels.matches("example.com"));
        assertTrue(anyLabels.matches("api.example.com"));
        assertTrue(anyLabels.matches("a.b.example.com"));
        assertFalse(anyLabels.matches("notexample.com"));

        PublicKeyPin every = PublicKeyPin.of("*", "sha256/" + ZEROS);
        assertTrue(every.matches("192.0.2.1"));
        assertTrue(every.matches("anything.example"));

        assertTrue(PublicKeyPin.of("192.0.2.1", "sha256/" + ZEROS).matches("192.0.2.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*.", "**.", "a.*.com", "*.*.com", ".example.com", "example..com", "exa mple.com",
            "ex\u00e4mple.com", "example.com."})
    void refusesMalformedHostPatterns(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeyPin.of(pattern, "sha256/" + ZEROS));
        assertTrue(e.getMessage().contains("not a host pattern"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha1/" + "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "AAAA", "sha256/not base64!", "sha256/AAAA",
            "sha256//"})
    void refusesMalformedPins(String pin) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeyPin.of("example.com", pin));
        assertTrue(e.getMessage().contains(pin), e.getMessage());
    }

    @Test
    void theConfigurationKeepsItsPinsAndRefusesAnEmptyList() {
        TlsConfig config = TlsConfig.builder().pinPublicKeys("example.com", "sha256/" + ZEROS)
                .pinPublicKeys("*.example.org", PublicKeyPin.pinOf(Fixtures.CA.certificate())).build();
        assertEquals(List.of(PublicKeyPin.of("example.com", "sha256/" + ZEROS),
                PublicKeyPin.of("*.example.org", PublicKeyPin.pinOf(Fixtures.CA.certificate()))),
                config.publicKeyPins());
        assertEquals(config.publicKeyPins(), config.toBuilder().build().publicKeyPins());
        assertThrows(IllegalArgumentException.class, () -> TlsConfig.builder().pinPublicKeys("example.com"));
    }
}
