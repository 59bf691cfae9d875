package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.Request;
import dev.wisp.client.ResponseProtocolException;
import dev.wisp.client.WebSocketRefusedException;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Version;
import dev.wisp.http1.ChunkedBodyInputStream;
import dev.wisp.http1.EmptyBodyInputStream;
import dev.wisp.http1.FixedLengthBodyInputStream;
import dev.wisp.http1.Http1Framing;
import dev.wisp.http1.Http1HeadWriter;
import dev.wisp.http1.Http1Limits;
import dev.wisp.http1.Http1ResponseReader;
import dev.wisp.http1.UntilCloseBodyInputStream;
import dev.wisp.transport.BusyThreads;
import dev.wisp.transport.InputWatcher;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.Agreement;
import dev.wisp.websocket.internal.ClientHandshake;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The client's side of the switch to WebSocket on an HTTP/1.1 connection, fresh or carrying requests already
 * (Micrium's {@code HTTPc_WebSockUpgrade}): sends the upgrade request, checks the 101 (RFC 6455 §4.1), and runs a
 * {@link WebSocketSession} over the connection's transport and the bytes read past the response head.
 *
 * <p>The library owns {@code Connection}, {@code Upgrade}, {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Accept},
 * {@code Sec-WebSocket-Version} and {@code Sec-WebSocket-Extensions} (set through
 * {@link WebSocketConfig#permessageDeflate()}); a request that sets one of them is refused. A request's
 * {@code Sec-WebSocket-Protocol} is offered along with the config's subprotocols.
 *
 * <p>Runs on the caller's thread; the connection must be the caller's alone.
 */
public final class WebSocketUpgrader {
    private static final System.Logger LOG = System.getLogger(WebSocketUpgrader.class.getName());
    private static final Set<String> OWNED = Set.of("connection", "upgrade", "sec-websocket-key",
            "sec-websocket-accept", "sec-websocket-version", "sec-websocket-extensions");

    private WebSocketUpgrader() {
    }

    /**
     * Checks that a request can be sent as an upgrade.
     *
     * @throws IllegalArgumentException naming the header the library owns, or a method other than GET, or a body
     */
    public static void checkRequest(Request request) {
        if (!request.method().equals(Method.GET)) {
            throw new IllegalArgumentException("a WebSocket upgrade is a GET, not " + request.method());
        }
        if (request.body().length() != 0) {
            throw new IllegalArgumentException("a WebSocket upgrade request has no body");
        }
        for (int i = 0; i < request.headers().size(); i++) {
            String name = request.headers().name(i);
            if (OWNED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("the WebSocket upgrade sets " + name + " itself; remove it from"
                        + " the request" + (name.equalsIgnoreCase("Sec-WebSocket-Extensions")
                        ? " and use WebSocketConfig.permessageDeflate" : ""));
            }
        }
    }

    /**
     * Upgrades the connection: on success, it speaks WebSocket from now on, and a listener's callbacks run on a
     * virtual thread of their own. On failure the connection is closed. The answer's cookies go in the jar
     * ({@link #answered}).
     *
     * @param listener where events go, or null for a WebSocket read with {@code receive()}
     * @param state the client's cookie jar, through which the answer's {@code Set-Cookie} fields are kept
     * @throws WebSocketRefusedException if the server answered with another status than 101
     * @throws dev.wisp.client.TimeoutExceededException if the answer did not come within readTimeout
     * @throws ResponseProtocolException if the answer is not an HTTP response head
     * @throws HttpCallException for the client's other failures (a closed connection, a failed TLS handshake)
     * @throws WebSocketHandshakeException if the 101 is wrong (accept value, an extension or subprotocol not offered)
     */
    public static WebSocketSession upgrade(Http1ClientConnection connection, Request request, WebSocketConfig config,
            WebSocketListener listener, CallContext call, FollowUpState state) throws IOException {
        checkRequest(request);
        ClientConfig clientConfig = call.config();
        WebSocketConfig offered = withRequestSubprotocols(request, config);
        ClientHandshake handshake = ClientHandshake.start(offered);
        connection.doNotReuse();
        connection.beginExchange(call.deadlineNanos(), clientConfig.readTimeout().toNanos());
        Agreement agreement;
        Headers answer;
        Failures.Phase phase = Failures.Phase.SENDING;
        try {
            RequestHead head = head(request, clientConfig, handshake);
            Http1HeadWriter.writeRequestHead(connection.output(), head);
            connection.output().flush();
            phase = Failures.Phase.AWAITING_RESPONSE;
            Events.fire(clientConfig.eventListener(), events -> events.requestHeadersSent(request, head));
            Http1Limits limits = new Http1Limits(clientConfig.maxStatusLineBytes(), clientConfig.maxHeaderBytes(),
                    clientConfig.maxHeaderCount(), clientConfig.maxChunkLineBytes());
            ResponseHead response = finalHead(new Http1ResponseReader(limits), connection, request, clientConfig);
            answered(call, state, request, response);
            if (response.status().code() != 101) {
                throw new WebSocketRefusedException(webSocketUrl(request), response.version(), response.status(),
                        response.headers(), refusalBody(connection, response, limits));
            }
            agreement = handshake.check(response);
            answer = response.headers();
        } catch (WebSocketHandshakeException | RuntimeException e) {
            connection.close("WebSocket upgrade failed: " + e.getMessage());
            throw e;
        } catch (IOException e) {
            // As any call's: the timeout that expired, a broken head, a failed TLS handshake (TLS 1.3: our
            // certificate refused at the first read) or a closed connection, typed, rather than the bare read
            // failure a timeout leaves once the sweeper has closed the socket.
            HttpCallException failure = Failures.map(e, call, connection, phase);
            connection.close("WebSocket upgrade failed: " + failure.getMessage());
            throw failure;
        } finally {
            connection.endExchange();
        }
        LOG.log(DEBUG, () -> "[" + connection + "] switched to websocket");
        WebSocketSession session = new ClientWebSocketSession(connection.id(), connection.transport(),
                connection.input(), connection.buffers(), offered, agreement, listener, answer);
        WebSocketReading reading = new WebSocketReading(session);
        Swept swept = new Swept(session, connection, reading);
        ClientSweeper.instance().watch(swept);
        reading.start(listener, connection.id(), swept);
        return session;
    }

    /**
     * The first head that is not interim: a 101 or a refusal. A 100 or 103 before it is skipped, as any client
     * must parse and skip one it did not expect (RFC 9110 §15.2), and told to the listener.
     */
    private static ResponseHead finalHead(Http1ResponseReader reader, Http1ClientConnection connection,
            Request request, ClientConfig config) throws IOException {
        ResponseHead response = reader.readHead(connection.input());
        for (int interim = 1; !Exchange.isFinal(response); interim++) {
            ResponseHead told = response;
            Events.fire(config.eventListener(), events -> events.interimResponse(request, told));
            if (interim == Exchange.MAX_INTERIM_RESPONSES) {
                throw Exchange.tooManyInterimResponses();
            }
            response = reader.readHead(connection.input());
        }
        return response;
    }

    /**
     * Takes in the answer to an opening handshake as soon as its head is read, over either protocol and whatever it
     * says (a 101, a 2xx over HTTP/2, a refusal, an answer the checks then fail): the event, and its
     * {@code Set-Cookie} fields to the jar, as a browser's WebSocket keeps them (the Fetch standard stores a
     * response's cookies as its headers arrive, before the WebSocket checks it).
     */
    static void answered(CallContext call, FollowUpState state, Request request, ResponseHead response) {
        Events.fire(call.config().eventListener(), events -> events.responseHeaders(request, response));
        state.received(request, response);
    }

    /** The config with the subprotocols of the request's Sec-WebSocket-Protocol offered first. */
    static WebSocketConfig withRequestSubprotocols(Request request, WebSocketConfig config) {
        List<String> subprotocols = request.headers().elements("Sec-WebSocket-Protocol");
        if (subprotocols.isEmpty() && !request.headers().contains("Sec-WebSocket-Protocol")) {
            return config;
        }
        subprotocols.addAll(config.subprotocols());
        return config.toBuilder().subprotocols(subprotocols.stream().distinct().toList()).build();
    }

    /** The upgrade's GET: Host, the request's headers (less Sec-WebSocket-Protocol), User-Agent, the handshake's. */
    static RequestHead head(Request request, ClientConfig config, ClientHandshake handshake) {
        Headers.Builder fields = Headers.builder();
        if (!request.headers().contains(HeaderNames.HOST)) {
            fields.add(HeaderNames.HOST, request.origin().hostField());
        }
        for (int i = 0; i < request.headers().size(); i++) {
            if (!request.headers().name(i).equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                fields.add(request.headers().name(i), request.headers().value(i));
            }
        }
        RequestHeads.addUserAgent(fields, config);
        fields.addAll(handshake.requestHeaders());
        return new RequestHead(Method.GET, RequestTarget.origin(request.target()), Version.HTTP_1_1, fields.build());
    }

    /** The request's URL with a WebSocket's scheme (RFC 6455 §3), as callers write it: ws for http, wss for https. */
    static String webSocketUrl(Request request) {
        String url = request.uri().toString();
        if (url.startsWith("https:")) {
            return "wss:" + url.substring("https:".length());
        }
        return url.startsWith("http:") ? "ws:" + url.substring("http:".length()) : url;
    }

    /** Reads at most 64 KiB of a refusal's body, so the caller sees the server's reason. */
    private static byte[] refusalBody(Http1ClientConnection connection, ResponseHead response, Http1Limits limits)
            throws IOException {
        BodyInputStream body = switch (Http1Framing.ofResponse(Method.GET, response.status(), response.headers())) {
            case Http1Framing.None none -> EmptyBodyInputStream.INSTANCE;
            case Http1Framing.FixedLength fixed -> new FixedLengthBodyInputStream(connection.input(), fixed.length());
            case Http1Framing.Chunked chunked -> ChunkedBodyInputStream.ofResponse(connection.input(), limits);
            case Http1Framing.UntilClose untilClose -> new UntilCloseBodyInputStream(connection.input());
        };
        return body.readNBytes(WebSocketRefusedException.MAX_BODY_BYTES);
    }

    /**
     * Runs the session's timers on the client's sweeper until its connection has closed, and its reading thread has
     * ended and the listener heard of the end ({@link WebSocketReading}); and hands an idle wait for a frame to the
     * client's input watcher, so that an idle WebSocket parks no thread ({@link ClientInputWatcher}). It is itself
     * the task the watcher runs once the wait is over: an object made for each wait would be held by every idle one.
     */
    private record Swept(WebSocketSession session, Http1ClientConnection connection, WebSocketReading reading)
            implements ClientSweeper.Sweepable, ClientIdleHandOff, Runnable {
        @Override
        public boolean waitElsewhere() {
            InputWatcher watcher = ClientInputWatcher.instance().watcher();
            return watcher != null && watcher.watch(connection.transport(), this);
        }

        /** Goes on reading once the watcher's wait is over, on the fresh thread it started. */
        @Override
        public void run() {
            reading.read(this);
        }

        @Override
        public void messageArrived() {
            BusyThreads.exchangeEnded(); // on a busy client's carrier, for the threads waiting behind it
        }

        @Override
        public void sweep(long nowNanos) {
            reading.tellIfUntold();
            if (!connection.transport().isOpen()) {
                connection.close("websocket ended");
                reading.connectionClosed(nowNanos);
                if (!reading.isUnfinished()) {
                    ClientSweeper.instance().unwatch(this);
                }
                return;
            }
            session.sweep(nowNanos);
        }
    }
}
