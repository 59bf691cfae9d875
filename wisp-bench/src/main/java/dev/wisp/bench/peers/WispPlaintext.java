package dev.wisp.bench.peers;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.sse.EventStream;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Wisp plaintext peer: blocking handler on one virtual thread per connection.
 *
 * <p>Configuration: {@link ServerConfig} defaults, bound to {@code 127.0.0.1}. HTTPS mode: the same, plus
 * {@link TlsConfig} defaults (TLS 1.3 and 1.2, the JDK's cipher suites, session resumption on) with one PEM
 * identity, over Wisp's SSLEngine transport.
 *
 * <p>{@code GET /events} is an event stream ({@link EventStream}) that sends one event and stays open, for the
 * memory of an open stream ({@code IdleConnections --events /events}).
 *
 * <p>With the system property {@code wisp.bench.http2=true} ({@code -Dwisp.bench.http2=true}) the same server
 * also speaks HTTP/2 ({@code ServerConfig.http2(true)}): h2c with prior knowledge in plaintext, h2 by ALPN over
 * HTTPS, HTTP/1.1 as before otherwise; {@code http2.sh} starts it so.
 */
public final class WispPlaintext {

    private WispPlaintext() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("wisp", args, WispPlaintext::start, WispPlaintext::startTls);
    }

    static AutoCloseable start(int port) throws Exception {
        return start(port, ServerConfig.builder());
    }

    static AutoCloseable startTls(int port, PeerLauncher.TlsFiles tls) throws Exception {
        return start(port, ServerConfig.builder().tls(TlsConfig.builder()
                .identity(TlsIdentity.pemFiles(tls.chain(), tls.key()))
                .build()));
    }

    /** {@code -Dwisp.bench.carrierLoops}: a count, or {@code auto} for one per processor the JVM may use; none: 0. */
    private static int carrierLoops() {
        String value = System.getProperty("wisp.bench.carrierLoops", "0");
        return value.equals("auto") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(value);
    }

    private static AutoCloseable start(int port, ServerConfig.Builder config) throws Exception {
        byte[] body = Plaintext.body();
        Router router = Router.builder()
                .get(Plaintext.PATH, (request, response) -> {
                    response.header("Content-Type", Plaintext.CONTENT_TYPE);
                    response.send(body);
                })
                .get("/events", (request, response) -> {
                    try (EventStream events = EventStream.open(request, response)) {
                        events.send("hello");
                        events.awaitClosed();
                    }
                })
                .build();
        Server server = Server.create(config
                .http2(Boolean.getBoolean("wisp.bench.http2"))
                .carrierLoops(carrierLoops())
                .bindAddress(InetAddress.getByName(Plaintext.HOST))
                .port(port)
                .build(), router);
        server.start();
        return () -> server.stop(Duration.ofSeconds(5));
    }
}
