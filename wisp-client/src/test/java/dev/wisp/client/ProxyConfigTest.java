package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proxy URLs as curl's -x takes them, and the bypass list's rules, as curl's --noproxy and NO_PROXY have them. */
class ProxyConfigTest {
    private static final ProxyConfig PROXY = ProxyConfig.http("proxy.local", 3128);

    @Test
    void aNameMatchesItselfAndTheNamesUnderItWithOrWithoutALeadingDot() {
        for (String list : new String[] {"example.com", ".example.com", " other.test , EXAMPLE.com.",
            "other.test EXAMPLE.com"}) {
            ProxyConfig proxy = PROXY.withBypass(list);
            assertTrue(proxy.bypasses("example.com"), list);
            assertTrue(proxy.bypasses("www.Example.COM"), list);
            assertTrue(proxy.bypasses("a.b.example.com."), list);
            assertFalse(proxy.bypasses("badexample.com"), list);
            assertFalse(proxy.bypasses("example.com.evil.test"), list);
        }
    }

    @Test
    void addressesMatchExactlyAndAStarMatchesEverything() {
        ProxyConfig proxy = PROXY.withBypass("127.0.0.1,[::1],10.0.0.0/8");
        assertTrue(proxy.bypasses("127.0.0.1"));
        assertTrue(proxy.bypasses("::1"));
        assertTrue(proxy.bypasses("[::1]"));
        assertFalse(proxy.bypasses("127.0.0.2"));
        assertFalse(proxy.bypasses("10.1.2.3"), "CIDR ranges are not understood");
        assertFalse(PROXY.withBypass("0.0.1").bypasses("127.0.0.1"), "nor under a part of one");
        assertTrue(PROXY.withBypass("*").bypasses("anything.example"));
        assertTrue(PROXY.withBypass(" * ").bypasses("anything.example"));
        assertFalse(PROXY.withBypass("other.test,*").bypasses("anything.example"), "curl's * stands alone");
        assertFalse(PROXY.withBypass("").bypasses("anything.example"));
        assertFalse(PROXY.bypasses("localhost"), "no list, no bypass");
    }

    @Test
    void readsSocks5UrlsWithTheirTypeCredentialsAndCurlsDefaultPort() {
        ProxyConfig socks = ProxyConfig.of("socks5://Proxy.local");
        assertEquals(ProxyConfig.Type.SOCKS5, socks.type());
        assertEquals(1080, socks.port());
        assertFalse(socks.hasCredentials());
        ProxyConfig named = ProxyConfig.of("SOCKS5H://us%65r:p%40ss@proxy.local:9050");
        assertEquals(ProxyConfig.Type.SOCKS5_HOSTNAME, named.type());
        assertEquals("user", named.credentials().orElseThrow().user());
        assertEquals("p@ss", named.credentials().orElseThrow().secret());
        assertTrue(named.authorization().isEmpty(), "no Proxy-Authorization field for SOCKS");
        assertEquals("socks5h proxy proxy.local:9050 (with credentials)", named.toString());
        assertEquals(ProxyConfig.Type.HTTP, ProxyConfig.of("proxy.local:3128").type());
    }

    @Test
    void refusesOtherSchemesAndSocksCredentialsRfc1929CannotCarry() {
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.of("socks4://proxy.local"));
        assertEquals("proxy URL must be http://, https://, socks5:// or socks5h://host[:port]: socks4://proxy.local",
                scheme.getMessage());
        ProxyConfig socks = ProxyConfig.socks5("proxy.local", 1080, false);
        assertThrows(IllegalArgumentException.class, () -> socks.withCredentials("", "secret"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> socks.withCredentials("user", "x".repeat(256)));
        assertEquals("SOCKS5 user and password must each be 1..255 bytes of UTF-8 (RFC 1929), not 256",
                tooLong.getMessage());
        assertTrue(ProxyConfig.http("proxy.local", 3128).withCredentials("", "").hasCredentials());
    }

    @Test
    void readsHttpsUrlsWithCurlsDefaultPortAndTheDefaultTrustAndKeepsTheirTlsThroughEveryChange() {
        ProxyConfig https = ProxyConfig.of("HTTPS://user:secret@Proxy.local");
        assertEquals(ProxyConfig.Type.HTTPS, https.type());
        assertEquals(443, https.port(), "curl's default port for an https:// proxy");
        assertTrue(https.isTls());
        assertFalse(https.isSocks());
        assertEquals("Basic dXNlcjpzZWNyZXQ=", https.authorization().orElseThrow());
        TlsConfig tls = https.tls().orElseThrow();
        assertTrue(tls.trustedCertificates().isEmpty(), "the JDK's trust store");
        assertFalse(tls.skipsHostnameVerification() || tls.trustsAll() || tls.allowsSelfSigned());
        assertEquals(List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2), tls.protocols());
        TlsConfig insecure = TlsConfig.builder().insecureTrustAll().build();
        ProxyConfig changed = https.withTls(insecure).withBypass("a.test").withChallengesReturned()
                .withCredentials("u", "p");
        assertSame(insecure, changed.tls().orElseThrow());
        assertSame(changed.tlsContext(), changed.tlsContext(), "one context, one session cache");
        assertEquals("https proxy proxy.local:443 (with credentials) bypassed for a.test", changed.toString());
        assertTrue(ProxyConfig.http("proxy.local", 3128).tls().isEmpty());
        IllegalStateException notTls = assertThrows(IllegalStateException.class,
                () -> ProxyConfig.http("proxy.local", 3128).withTls(insecure));
        assertEquals("only an https:// proxy has a TLS configuration, not http proxy proxy.local:3128",
                notTls.getMessage());
    }

    @Test
    void onlyAnHttpOrHttpsProxyForwardsRequestsAndOnlyForAnHttpOrigin() {
        Origin http = Origin.plaintext("origin.test", 80);
        Origin https = Origin.tls("origin.test", 443);
        assertTrue(PROXY.forwardsRequests(http));
        assertFalse(PROXY.forwardsRequests(https), "an https origin is reached through a CONNECT tunnel");
        assertTrue(ProxyConfig.https("proxy.local", 443).forwardsRequests(http));
        assertFalse(ProxyConfig.https("proxy.local", 443).forwardsRequests(https));
        for (String url : new String[] {"socks5://proxy.local", "socks5h://proxy.local"}) {
            assertFalse(ProxyConfig.of(url).forwardsRequests(http), url);
            assertFalse(ProxyConfig.of(url).forwardsRequests(https), url);
        }
    }
}
