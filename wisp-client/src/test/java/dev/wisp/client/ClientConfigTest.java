package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsVersion;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientConfigTest {
    @Test
    void hasSecureAndBoundedDefaults() throws Exception {
        ClientConfig config = ClientConfig.defaults();
        assertEquals(Duration.ofSeconds(10), config.connectTimeout());
        assertEquals(Optional.empty(), config.callTimeout());
        assertEquals(Duration.ofSeconds(10), config.pongTimeout());
        assertEquals(8, config.maxConnectionsPerOrigin());
        assertEquals(64, config.maxConnections());
        assertTrue(config.webSocketsOverHttp2(), "WebSockets share a pooled HTTP/2 connection, as browsers'");
        TlsConfig tls = config.tls();
        assertEquals(List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2), tls.protocols());
        assertEquals(List.of(), tls.trustedCertificates(), "empty: the JDK's trust store");
        assertFalse(tls.skipsHostnameVerification());
        assertFalse(tls.trustsAll() || tls.allowsSelfSigned() || tls.allowsExpired());
        assertSame(config.tlsContext(), config.tlsContext(), "one context, one session cache");
    }

    @Test
    void keepsTheTlsConfigurationInVariants() {
        TlsConfig tls = TlsConfig.builder().serverName("device.example").build();
        ClientConfig variant = ClientConfig.builder().tls(tls).build().toBuilder().maxHeaderCount(9).build();
        assertSame(tls, variant.tls());
        assertSame(tls, variant.tlsContext().config());
    }

    @Test
    void derivesAVariantWithToBuilder() {
        ClientConfig config = ClientConfig.builder().callTimeout(Duration.ofSeconds(3)).maxHeaderCount(7)
                .pongTimeout(Duration.ofSeconds(2)).webSocketsOverHttp2(false).build();
        ClientConfig variant = config.toBuilder().maxConnections(100).build();
        assertFalse(variant.webSocketsOverHttp2());
        assertEquals(Optional.of(Duration.ofSeconds(3)), variant.callTimeout());
        assertEquals(Duration.ofSeconds(2), variant.pongTimeout());
        assertEquals(7, variant.maxHeaderCount());
        assertEquals(100, variant.maxConnections());
    }

    @Test
    void refusesAUserAgentThatWouldBreakTheHead() {
        assertEquals("value of header User-Agent has forbidden characters: 'x\\r\\nX-Evil: 1'",
                assertThrows(IllegalArgumentException.class,
                        () -> ClientConfig.builder().userAgent("x\r\nX-Evil: 1")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().userAgent(" wisp"));
        assertEquals("", ClientConfig.builder().userAgent("").build().userAgent(), "empty: none is sent");
        String latin1 = "probe/1.0 (\u00e9t\u00e9)";
        assertEquals(latin1, ClientConfig.builder().userAgent(latin1).build().userAgent());
    }

    @Test
    void namesTheOptionOutOfRange() {
        assertEquals("maxConnections must be at least 8: 4", assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.builder().maxConnections(4).build()).getMessage());
        assertEquals("readTimeout must be positive: PT0S", assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.builder().readTimeout(Duration.ZERO).build()).getMessage());
        assertEquals("pongTimeout must be positive: PT0S", assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.builder().pongTimeout(Duration.ZERO).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder()
                .callTimeout(Duration.ofSeconds(-1)).build()).getMessage().startsWith("callTimeout"));
    }
}
