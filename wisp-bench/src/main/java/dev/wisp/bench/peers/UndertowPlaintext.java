package dev.wisp.bench.peers;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;

/**
 * Undertow plaintext peer: a non-blocking {@link HttpHandler} that answers on the IO thread.
 *
 * <p>Configuration: one IO thread (it accepts and serves), one worker thread (never used, since the handler
 * does not dispatch; XNIO needs at least one), default direct buffers, no access log. Undertow adds a Date
 * header and, by default, {@code Connection: keep-alive}; both stay as they default.
 */
public final class UndertowPlaintext {

    private UndertowPlaintext() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("undertow", args, UndertowPlaintext::start);
    }

    static AutoCloseable start(int port) {
        Undertow server = Undertow.builder()
                .addHttpListener(port, Plaintext.HOST)
                .setIoThreads(1)
                .setWorkerThreads(1)
                .setHandler(new PlaintextHandler())
                .build();
        server.start();
        return server::stop;
    }

    private static final class PlaintextHandler implements HttpHandler {
        private final ByteBuffer body = ByteBuffer.allocateDirect(13).put(Plaintext.body()).flip()
                .asReadOnlyBuffer();

        @Override
        public void handleRequest(HttpServerExchange exchange) {
            if (!exchange.getRequestMethod().equals(Methods.GET) || !Plaintext.PATH.equals(exchange.getRequestPath())) {
                exchange.setStatusCode(StatusCodes.NOT_FOUND);
                exchange.endExchange();
                return;
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, Plaintext.CONTENT_TYPE);
            exchange.setResponseContentLength(body.remaining());
            exchange.getResponseSender().send(body.duplicate());
        }
    }
}
