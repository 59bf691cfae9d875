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
        assertTrue(proxy.bypasses("10.1.2.3"), "a CIDR range");
        assertFalse(PROXY.withBypass("0.0.1").bypasses("127.0.0.1"), "nor under a part of one");
        assertTrue(PROXY.withBypass("*").bypasses("anything.example"));
        assertTrue(PROXY.withBypass(" * ").bypasses("anything.example"));
        assertFalse(PROXY.withBypass("other.test,*").bypasses("anything.example"), "curl's * stands alone");
        assertFalse(PROXY.withBypass("").bypasses("anything.example"));
        assertFalse(PROXY.bypasses("localhost"), "no list, no bypass");
    }

    @Test
    void cidrRangesMatchTheAddressesInThemAsCurlReadsThem() {
        ProxyConfig proxy = PROXY.withBypass("192.168.0.0/16, 10.1.2.128/25 fd00::/8,::1/128, 2001:db8::/33");
        for (String inside : new String[] {"192.168.0.1", "192.168.255.255", "10.1.2.128", "10.1.2.255", "fd12::1",
            "[fdff:ffff::]", "::1", "0:0:0:0:0:0:0:1", "2001:db8:7fff::1"}) {
            assertTrue(proxy.bypasses(inside), inside);
        }
        for (String outside : new String[] {"192.169.0.1", "10.1.2.127", "10.1.3.128", "fe00::1", "::2",
            "2001:db8:8000::1", "localhost", "192.168.example"}) {
            assertFalse(proxy.bypasses(outside), outside);
        }
        // A name is not resolved for a range, as in curl.
        assertFalse(PROXY.withBypass("127.0.0.0/8").bypasses("localhost"));
        // As curl reads a prefix: none or 0 is the address alone, one too long matches nothing, digits end it.
        assertTrue(PROXY.withBypass("127.0.0.1/0").bypasses("127.0.0.1"));
        assertFalse(PROXY.withBypass("0.0.0.0/0").bypasses("127.0.0.1"));
        assertFalse(PROXY.withBypass("::/0").bypasses("::1"));
        assertFalse(PROXY.withBypass("127.0.0.1/33").bypasses("127.0.0.1"));
        assertFalse(PROXY.withBypass("::1/129").bypasses("::1"));
        assertTrue(PROXY.withBypass("127.0.0.0/8x").bypasses("127.9.9.9"));
        assertFalse(PROXY.withBypass("127.0.0.0/").bypasses("127.0.0.1"));
        assertTrue(PROXY.withBypass("127.0.0.0/1").bypasses("1.2.3.4"));
        assertFalse(PROXY.withBypass("127.0.0.0/1").bypasses("128.0.0.0"));
        // IPv4 and IPv6 entries each match their own family; an IPv4-mapped IPv6 host is IPv6.
        assertFalse(PROXY.withBypass("127.0.0.0/8").bypasses("::ffff:127.0.0.1"));
        assertTrue(PROXY.withBypass("::ffff:0:0/96").bypasses("::ffff:127.0.0.1"));
        assertFalse(PROXY.withBypass("::ffff:0:0/96").bypasses("127.0.0.1"));
        // Leading zeros are no dotted decimal (inet_pton): such a host is a name, such an entry matches nothing.
        assertFalse(PROXY.withBypass("127.000.0.1").bypasses("127.0.0.1"));
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
