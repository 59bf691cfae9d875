package dev.wisp.bench.peers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * JDK {@code com.sun.net.httpserver} plaintext peer with a virtual-thread-per-task executor.
 *
 * <p>Configuration: the server's selector ("dispatcher") thread reads request heads and hands each exchange to
 * a new virtual thread. Two system properties are set before the server class loads, so the JVM flags stay
 * the same as for every other peer:
 * <ul>
 *   <li>{@code sun.net.httpserver.nodelay=true}: the JDK server writes the head and the body in separate
 *       writes; without {@code TCP_NODELAY} Nagle's algorithm and delayed ACKs stall keep-alive exchanges.
 *       Every other peer runs with {@code TCP_NODELAY} on.</li>
 *   <li>{@code sun.net.httpserver.maxIdleConnections=100000}: the default (200) closes idle keep-alive
 *       connections beyond that count, which the idle-connection memory test would otherwise not measure.</li>
 * </ul>
 */
public final class JdkHttpServerPlaintext {

    private JdkHttpServerPlaintext() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("jdk", args, JdkHttpServerPlaintext::start);
    }

    static AutoCloseable start(int port) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
        byte[] body = Plaintext.body();
        List<String> contentType = List.of(Plaintext.CONTENT_TYPE);
        HttpServer server = HttpServer.create(new InetSocketAddress(Plaintext.HOST, port), 1024);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(Plaintext.PATH, exchange -> {
            try (exchange) {
                answer(exchange, body, contentType);
            }
        });
        server.start();
        return () -> {
            server.stop(0);
            executor.close();
        };
    }

    private static void answer(HttpExchange exchange, byte[] body, List<String> contentType) throws IOException {
        // createContext matches by prefix; only the exact path and GET are the plaintext exchange.
        if (!"GET".equals(exchange.getRequestMethod())
                || !Plaintext.PATH.equals(exchange.getRequestURI().getRawPath())) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.getResponseHeaders().put("Content-Type", contentType);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
