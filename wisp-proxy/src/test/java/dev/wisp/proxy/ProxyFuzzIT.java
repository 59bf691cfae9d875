package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.FuzzBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mutated requests sent to the proxy (seed {@code wisp.fuzz.seed}, {@code wisp.fuzz.socketIterations} cases): each
 * connection ends with answers and no hang, the proxy never answers 500 or blames a healthy upstream (502, 504), and
 * the upstream never receives more requests than the client got answers for, so no mutation smuggles one past the
 * proxy.
 */
class ProxyFuzzIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");
    private static final List<String> SEEDS = List.of(
            "GET /api/echo/a?x=1&y=%20 HTTP/1.1\r\nHost: proxy\r\nAccept: */*\r\nConnection: close\r\n\r\n",
            "POST /api/echo/b HTTP/1.1\r\nHost: proxy\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
                    + "Connection: close\r\n\r\nhello world",
            "POST /api/echo/c HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n",
            "HEAD /api/echo/d HTTP/1.1\r\nHost: proxy\r\nCookie: a=1\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\n\r\n",
            "GET /api/echo/e HTTP/1.0\r\nHost: proxy\r\nX-Forwarded-For: 6.6.6.6\r\nVia: 1.1 other\r\n\r\n");

    private final AtomicInteger upstreamRequests = new AtomicInteger();
    private Server upstream;
    private Server proxyServer;
    private ReverseProxy proxy;

    @BeforeEach
    void start() {
        upstream = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(), Router.builder()
                .any("/*", (request, response) -> {
                    upstreamRequests.incrementAndGet();
                    response.send(request.method() + " " + request.target().raw() + " " + request.bodyBytes().length
                            + "\n");
                })
                .build()).start();
        proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port() + "/v1").stripPrefix("/api").build();
        proxyServer = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0)
                .headerTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2)).build(),
                Router.builder().any("/api/*", proxy).build()).start();
    }

    @AfterEach
    void stop() {
        proxyServer.stop(Duration.ZERO);
        proxy.close();
        upstream.stop(Duration.ZERO);
    }

    @Test
    void mutatedRequestsAreAnsweredAndNeverSmuggledPastTheProxy() {
        assertTimeoutPreemptively(FuzzBytes.RUN_BOUND, () -> {
            Random random = new Random(FuzzBytes.SEED);
            for (int i = 0; i < FuzzBytes.ITERATIONS; i++) {
                byte[] seed = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1);
                byte[] sent = FuzzBytes.mutate(seed, random);
                int before = upstreamRequests.get();
                String answer = exchange(sent);
                String what = "case " + i + ": " + FuzzBytes.escape(sent) + "\nanswered: "
                        + answer.substring(0, Math.min(answer.length(), 300));
                int answers = 0;
                int forwardable = 0;
                Matcher status = STATUS.matcher(answer);
                while (status.find()) {
                    int code = Integer.parseInt(status.group(1));
                    if (code < 200) {
                        continue; // interim: the final answer follows
                    }
                    answers++;
                    assertTrue(code != 500 && code != 502 && code != 504, what);
                    if (code < 400) {
                        forwardable++;
                    }
                }
                // The upstream's count settles once the proxy has answered; give a late one a moment.
                Thread.sleep(answers > 0 ? 0 : 50);
                int forwarded = upstreamRequests.get() - before;
                assertTrue(forwarded <= answers, forwarded + " requests reached the upstream for " + answers
                        + " answers, " + what);
                assertTrue(forwarded >= forwardable, what);
            }
        });
    }

    /** Sends the bytes, ends the output, and reads what comes back until the proxy closes (5 s at most). */
    private String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, proxyServer.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request);
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no end within 5 s: " + FuzzBytes.escape(request) + "\nso far: "
                        + answer.toString(StandardCharsets.ISO_8859_1), e);
            } catch (IOException e) {
                // reset after an answer: what came is what counts
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
