package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The option objects of {@link ClientConfig}: defaults, carried by toBuilder, and their checks. */
class ClientOptionsTest {
    @Test
    void defaultsToFollowingRedirectsAndNothingElse() {
        ClientConfig config = ClientConfig.defaults();
        assertTrue(config.redirectPolicy().follows());
        assertEquals(10, config.redirectPolicy().maxRedirects());
        assertFalse(config.redirectPolicy().allowsTlsDowngrade());
        assertEquals(Optional.empty(), config.cookieJar());
        assertEquals(0, config.retryPolicy().maxRetries());
        assertEquals(Optional.empty(), config.proxy());
        assertFalse(config.socketOptions().binds());
        assertEquals(Optional.empty(), config.socketOptions().unixSocket());
    }

    @Test
    void carriesEveryOptionThroughToBuilder() {
        CookieJar jar = CookieJar.create();
        ClientConfig config = ClientConfig.builder().redirectPolicy(RedirectPolicy.none()).cookieJar(jar)
                .retryPolicy(RetryPolicy.exponential(2, Duration.ofMillis(1), Duration.ofMillis(2)))
                .socketOptions(SocketOptions.builder().unixSocket(Path.of("/run/x.sock")).build())
                .proxy(ProxyConfig.http("proxy", 3128)).build();
        ClientConfig variant = config.toBuilder().userAgent("other").build();
        assertFalse(variant.redirectPolicy().follows());
        assertEquals(Optional.of(jar), variant.cookieJar());
        assertEquals(2, variant.retryPolicy().maxRetries());
        assertEquals(Optional.of(Path.of("/run/x.sock")), variant.socketOptions().unixSocket());
        assertEquals("http proxy proxy:3128", variant.proxy().orElseThrow().toString());
    }

    @Test
    void aSchemesProxyStandsInForTheOneForEveryConnection() {
        ProxyConfig all = ProxyConfig.http("all", 3128);
        ProxyConfig tls = ProxyConfig.http("tls", 3128).withBypass("direct.test");
        ClientConfig config = ClientConfig.builder().proxy(all).proxy("https", tls).build().toBuilder().build();
        assertEquals(Optional.of(all), config.proxyFor(Origin.plaintext("a.test", 80)));
        assertEquals(Optional.of(tls), config.proxyFor(Origin.tls("a.test", 443)));
        assertEquals(Optional.empty(), config.proxyFor(Origin.tls("direct.test", 443)), "the scheme's own bypass list");
        ClientConfig httpOnly = ClientConfig.builder().proxy("http", all).build();
        assertEquals(Optional.of(all), httpOnly.proxyFor(Origin.plaintext("a.test", 80)));
        assertEquals(Optional.empty(), httpOnly.proxyFor(Origin.tls("a.test", 443)));
        assertEquals("scheme must be http or https: ftp", assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.builder().proxy("ftp", all)).getMessage());
    }

    @Test
    void readsProxyUrlsAsCurlDoes() {
        ProxyConfig proxy = ProxyConfig.of("us%40r:p%3Ass@Proxy.Local");
        assertEquals("proxy.local", proxy.host());
        assertEquals(1080, proxy.port());
        assertEquals(Optional.of(Credentials.basic("us@r", "p:ss").basicAuthorization()), proxy.authorization());
        assertEquals("http proxy proxy.local:1080 (with credentials)", proxy.toString());
        assertThrows(IllegalArgumentException.class, () -> ProxyConfig.of("socks4://proxy:1080"));
    }

    @Test
    void refusesOptionsThatCannotWork() throws Exception {
        assertEquals("a Unix domain socket takes no local address or port", assertThrows(
                IllegalArgumentException.class, () -> SocketOptions.builder().unixSocket(Path.of("/x"))
                        .localAddress(InetAddress.getLoopbackAddress()).build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedirectPolicy.follow().withMaxRedirects(-1));
        assertThrows(IllegalArgumentException.class,
                () -> RetryPolicy.exponential(1, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertEquals("user must not contain ':' (RFC 7617 §2)", assertThrows(IllegalArgumentException.class,
                () -> Credentials.basic("a:b", "c")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Credentials.bearer("has space"));
        assertEquals("Bearer (token hidden)", Credentials.bearer("abc").toString());
        assertEquals("BASIC for u (password hidden)", Credentials.basic("u", "secret").toString());
    }
}
