package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorityTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "example.com:8080", "localhost:0", "x:65535", "x:", "127.0.0.1:443",
        "999.1.1.1", "a-b_c~d.e", "%41b", "sub!$&'()*+,;=", "[::1]", "[::1]:8443", "[::]", "[1::]", "[::ffff:1.2.3.4]",
        "[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:1.2.3.4]", "[1::8]", "[fe80::1:2]:80", "[v1.a:b]", "[V1F.x]"})
    void acceptsHostAndPort(String authority) {
        assertTrue(Authority.isValid(authority), authority);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x:abc", "::1", "[::1", "::1]", "x:1:2", "[zz]", "[]", "a b", "u@x", "x/y", "x?", "x#",
        "x:65536", "x:123456", "%4", "%zz", "é", "[::1]x", "[::1]:x", "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7]",
        "[1::2::3]", "[:1]", "[1:]", "[12345::]", "[::1.2.3]", "[::1.2.3.256]", "[::01.2.3.4]", "[1.2.3.4]",
        "[::1%25eth0]", "[v.x]", "[v1.]", "[v1]", "x\\y", "[1:2:3:4:5:6:7:1.2.3.4]"})
    void refusesWhatIsNotHostAndPort(String authority) {
        assertFalse(Authority.isValid(authority), authority);
    }

    /** What a URI's host and port are where java.net.URI, reading RFC 2396, finds no host (RFC 3986 reads one). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://my_svc:22001/a.txt       | my_svc                | 22001",
        "ws://user@My_Ws/echo            | my_ws                 | -1",
        "http://b\u00fccher.example:81/ | xn--bcher-kva.example | 81",
        "http://b%C3%BCcher.example/     | xn--bcher-kva.example | -1",
        "http://Example.com:8080/        | example.com           | 8080",
        "http://[::1]:8443/              | ::1                   | 8443",
        "http://my_svc:/                 | my_svc                | -1"})
    void readsTheHostURIFindsNoneIn(String uri, String host, int port) {
        URI parsed = URI.create(uri);
        assertEquals(host, Authority.hostOf(parsed), uri);
        assertEquals(port, Authority.portOf(parsed), uri);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "http://a:b@my_svc:1/  | a:b",
        "http://u%40x@b_c@d/   | u%40x@b_c",
        "http://a:b@host:1/    | a:b",
        "http://my_svc:1/      | null",
        "http://host/          | null"})
    void readsTheUserInfoURIFindsNoneInToo(String uri, String userInfo) {
        assertEquals(userInfo, Authority.rawUserInfoOf(URI.create(uri)), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://my_svc:abc/", "http://a%20b/", "http://a%FFb/", "mailto:x@y", "file:///etc"})
    void findsNoHostInWhatIsNoAuthority(String uri) {
        assertNull(Authority.hostOf(URI.create(uri)), uri);
        assertEquals(-1, Authority.portOf(URI.create(uri)), uri);
    }
}
