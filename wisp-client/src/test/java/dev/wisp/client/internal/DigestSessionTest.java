package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Credentials;
import dev.wisp.client.Request;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code Authorization} values of RFC 7616 §3.9.1's example (user "Mufasa", password "Circle of Life", its nonce
 * and client nonce). The RFC gives the qop=auth responses for MD5 and SHA-256; the auth-int and userhash values
 * were computed apart from this code, with Python's hashlib, from the same inputs.
 */
class DigestSessionTest {
    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private static final String OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
    private static final Credentials MUFASA = Credentials.digest("Mufasa", "Circle of Life");
    private static final String URI = "http://www.example.org/dir/index.html";

    private static DigestSession session(String algorithm, String qop, String extra) {
        String field = "Digest realm=\"http-auth@example.org\", qop=\"" + qop + "\", algorithm=" + algorithm
                + ", nonce=\"" + NONCE + "\", opaque=\"" + OPAQUE + "\"" + extra;
        AuthChallenge challenge = AuthChallengeParser.parse(List.of(field)).getFirst();
        return new DigestSession(challenge, DigestSession.Algorithm.of(algorithm), CNONCE);
    }

    private static String expected(String username, String algorithm, String response, String qop, String nc) {
        return "Digest " + username + ", realm=\"http-auth@example.org\", nonce=\"" + NONCE
                + "\", uri=\"/dir/index.html\", algorithm=" + algorithm + ", response=\"" + response + "\", qop=" + qop
                + ", nc=" + nc + ", cnonce=\"" + CNONCE + "\", opaque=\"" + OPAQUE + "\"";
    }

    private static Request get() {
        return Request.builder(URI).build();
    }

    @Test
    void answersTheRfcExampleWithSha256AndMd5PreferringAuthOverAuthInt() throws IOException {
        assertEquals(expected("username=\"Mufasa\"", "SHA-256",
                        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", "auth", "00000001"),
                session("SHA-256", "auth, auth-int", "").authorization(MUFASA, get()));
        assertEquals(expected("username=\"Mufasa\"", "MD5", "8ca523f5e9506fed4657c9700eebdbec", "auth", "00000001"),
                session("MD5", "auth-int, auth", "").authorization(MUFASA, get()));
    }

    @Test
    void hashesAnEmptyBodyForAuthIntAlone() throws IOException {
        assertEquals(expected("username=\"Mufasa\"", "SHA-256",
                        "8bdf6f15638e260831e905028de5450562816d093c9bfc5c13d3a46adcdde940", "auth-int", "00000001"),
                session("SHA-256", "auth-int", "").authorization(MUFASA, get()));
        assertEquals(expected("username=\"Mufasa\"", "MD5", "8804a53d3640a40a4f73cea12c5ba451", "auth-int",
                "00000001"), session("MD5", "auth-int", "").authorization(MUFASA, get()));
    }

    @Test
    void hashesABytesOrFileBodyForAuthIntWithTheNextNonceCount(@TempDir Path dir) throws IOException {
        byte[] form = "name=Mufasa&pride=rock".getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("form"), form);
        DigestSession sha256 = session("SHA-256", "auth-int", "");
        sha256.authorization(MUFASA, get());
        assertEquals(expected("username=\"Mufasa\"", "SHA-256",
                        "bccb4efd51c4cabf29cafe95b81ec779f4f0486560891ff0ea6670f5ec343f7a", "auth-int", "00000002"),
                sha256.authorization(MUFASA, Request.builder(URI).method("POST").body(form).build()));
        DigestSession md5 = session("MD5", "auth-int", "");
        md5.authorization(MUFASA, get());
        assertEquals(expected("username=\"Mufasa\"", "MD5", "80e9091dd8179a9867ebaa97e4162512", "auth-int",
                "00000002"), md5.authorization(MUFASA, Request.builder(URI).method("POST").body(file).build()));
    }

    @Test
    void usesAuthForAStreamBodyAndNothingWhenOnlyAuthIntIsOffered() throws IOException {
        Request stream = Request.builder(URI).method("POST")
                .body(new ByteArrayInputStream(new byte[] {1, 2}), 2).build();
        assertNull(session("SHA-256", "auth-int", "").authorization(MUFASA, stream));
        String header = session("SHA-256", "auth-int, auth", "").authorization(MUFASA, stream);
        assertTrue(header.contains(", qop=auth, nc=00000001,"), header);
    }

    @Test
    void sendsTheHashedUserNameWhenTheChallengeAsksForUserhash() throws IOException {
        assertEquals(expected("username=\"a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee12b5b6\"",
                        "SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", "auth",
                        "00000001") + ", userhash=true",
                session("SHA-256", "auth", ", userhash=true").authorization(MUFASA, get()));
        assertEquals(expected("username=\"4238f3a16167373febb9bc4d43db9cc4\"", "MD5",
                        "8ca523f5e9506fed4657c9700eebdbec", "auth", "00000001") + ", userhash=true",
                session("MD5", "auth", ", userhash=\"TRUE\"").authorization(MUFASA, get()));
    }

    @Test
    void sendsANonAsciiUserNameAsUsernameStarUnlessItIsHashed() throws IOException {
        // RFC 7616 §3.9.2's user name, and its username* value.
        Credentials jason = Credentials.digest("J\u00e4s\u00f8n Doe", "Secret, or not?");
        String plain = session("SHA-256", "auth", "").authorization(jason, get());
        assertTrue(plain.startsWith("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="), plain);
        String hashed = session("SHA-256", "auth", ", userhash=true").authorization(jason, get());
        assertFalse(hashed.contains("username*"), hashed);
    }

    @Test
    void choosesNoChallengeWhoseQopsAreAllUnknown() {
        assertNull(DigestSession.choose(AuthChallengeParser.parse(List.of(
                "Digest realm=\"r\", nonce=\"n\", qop=\"auth-conf\""))));
    }
}
