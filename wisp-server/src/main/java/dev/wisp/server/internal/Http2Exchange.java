package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.ResponseFields;
import dev.wisp.server.Handler;
import dev.wisp.server.RouteMatch;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.server.WebSocketRoute;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * One request on an HTTP/2 stream and its response, on a virtual thread of its own: handles {@code Expect}, runs
 * the handler through the filters, turns its failures into a status while nothing is sent, or into a reset of the
 * stream once something is (RFC 9113 §8.1), and finishes the response. It answers as {@link Http1Exchange} does,
 * except that nothing ever closes the connection: an HTTP/2 exchange ends its stream only. An extended CONNECT for a
 * WebSocket route (RFC 8441) opens the WebSocket through the filters ({@link Http2WebSocketUpgrade}), which then
 * runs on this thread until it ends or leaves its wait for the next message to the stream ({@link
 * Http2WebSocketStream}): the exchange then ends when the WebSocket does, on the thread that runs it last.
 */
final class Http2Exchange implements Runnable, ClientPresence {
    private static final System.Logger LOG = System.getLogger(Http2Exchange.class.getName());

    private final ServerContext context;
    private final Http2ServerConnection connection;
    private final Http2ServerStream stream;
    private final RequestHead head;
    /** The {@code :protocol} of an extended CONNECT (RFC 8441 §4), or null. */
    private final String protocol;
    private Http2ServerResponse response;
    /** The WebSocket the request opened, or null. */
    private Http2WebSocketStream webSocket;

    /** @param protocol the {@code :protocol} of an extended CONNECT, or empty */
    Http2Exchange(ServerContext context, Http2ServerConnection connection, Http2ServerStream stream,
            RequestHead head, Optional<String> protocol) {
        this.context = context;
        this.connection = connection;
        this.stream = stream;
        this.head = head;
        this.protocol = protocol.orElse(null);
        if (this.protocol != null) {
            // Made on the reading thread, before any of the stream's DATA: a tunnel, whose content the connection's
            // window must not wait for (ReceiveFlow).
            stream.creditConnectionOnArrival();
        }
    }

    Http2ServerStream stream() {
        return stream;
    }

    @Override
    public void run() {
        boolean ended = true;
        stream.handlerThread(Thread.currentThread());
        try {
            ended = serve();
        } catch (RuntimeException | Error e) {
            LOG.log(ERROR, "[c" + connection.id() + "] HTTP/2 exchange failed on stream " + stream.id(), e);
            connection.output().reset(stream, ErrorCode.INTERNAL_ERROR);
        } finally {
            stream.handlerThread(null);
            if (response != null) {
                response.releaseBuffer();
            }
            if (ended) {
                connection.exchangeEnded(stream);
            }
        }
    }

    /** @return whether the exchange ended; false if its WebSocket goes on on a thread of its own, which ends it */
    private boolean serve() {
        long maxBody = context.config().maxRequestBodyBytes();
        BodyInputStream body = new Http2RequestBody(connection, stream, maxBody,
                context.config().readTimeout().toNanos());
        response = new Http2ServerResponse(connection.output(), connection.transport, stream, head.method(),
                context.buffers(), context.counters());
        if (stream.declaredLength() > maxBody) {
            refuse(body, new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "request body of "
                    + stream.declaredLength() + " bytes exceeds " + maxBody + " bytes (maxRequestBodyBytes)",
                    "maxRequestBodyBytes", maxBody));
            return true;
        }
        HttpProtocolException unmetExpectation = Refusals.unmetExpectation(head);
        if (unmetExpectation != null) {
            refuse(body, unmetExpectation);
            return true;
        }
        if (head.headers().contains(HeaderNames.EXPECT) && !body.isFinished()) {
            body = new ContinueBodyInputStream(body, this::sendContinue);
        }
        RouteMatch match = Http2WebSocketUpgrade.route(connection.http2().router(), head, protocol);
        ExchangeRequest request = new ExchangeRequest(head, body, match.pathParameters(), connection, this, maxBody);
        Handler handler = match.handler();
        if (protocol != null && handler instanceof WebSocketRoute route) {
            handler = (filteredRequest, filteredResponse) -> openOrRefuse(route, filteredRequest, filteredResponse);
        }
        try {
            connection.http2().service().filtered(handler).handle(request, response);
            response.finish();
            if (webSocket != null) {
                // The WebSocket writes through its own buffers; the response's is not needed for its life.
                response.releaseBuffer();
                return webSocket.start();
            }
        } catch (HttpProtocolException e) {
            fail(e.status(), e.getMessage());
        } catch (Http2StreamResetException e) {
            LOG.log(DEBUG, () -> "[c" + connection.id() + "] " + e.getMessage());
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[c" + connection.id() + "] handler I/O failed on stream " + stream.id() + ": " + e);
            fail(Status.INTERNAL_SERVER_ERROR, "internal server error");
        } catch (IllegalStateException e) {
            LOG.log(ERROR, "[c" + connection.id() + "] handler left a broken response", e);
            connection.output().reset(stream, ErrorCode.INTERNAL_ERROR);
        } catch (RuntimeException | Error e) {
            LOG.log(ERROR, "[c" + connection.id() + "] handler failed for " + head.method() + " "
                    + head.target().path(), e);
            fail(Status.INTERNAL_SERVER_ERROR, "internal server error");
        } finally {
            stream.exchangeEnded();
            request.closeResources();
        }
        return true;
    }

    /** The client reset the stream, or the connection ended (which resets every stream): nothing more can reach it. */
    @Override
    public boolean hasClientLeft() {
        return stream.isReset();
    }

    @Override
    public void onClientLeft(Runnable action) {
        stream.onClientLeft(action);
    }

    /** Opens a WebSocket if the request is an acceptable extended CONNECT; else the route answers why not. */
    private void openOrRefuse(WebSocketRoute route, ServerRequest request, ServerResponse filteredResponse)
            throws IOException {
        if (stream.isRemoteEnded()) {
            // The client's side of the stream ended with its request: a WebSocket over it could never hear from the
            // client, so refuse it in words rather than accept it and reset the stream.
            throw new MalformedMessageException("extended CONNECT ended its stream: a WebSocket needs the "
                    + "client's side of the stream open (RFC 8441 §4)");
        }
        webSocket = Http2WebSocketUpgrade.open(connection, stream, request, route, response);
        if (webSocket == null) {
            route.handle(request, filteredResponse);
        }
    }

    /** Answers a request refused before any handler, through the filters, so they see the refusal. */
    private void refuse(BodyInputStream unread, HttpProtocolException refusal) {
        ExchangeRequest request = new ExchangeRequest(head, unread, Map.of(), connection, this,
                context.config().maxRequestBodyBytes());
        Refusals.answer(connection.http2().service(), request, response, refusal,
                () -> fail(refusal.status(), refusal.getMessage()));
        stream.exchangeEnded();
    }

    /** Sends the interim 100 (Continue) before the first read of a body that waits for it, unless committed. */
    private void sendContinue() throws IOException {
        if (!response.isCommitted()) {
            connection.output().writeHeaders(stream, ResponseFields.encode(Status.CONTINUE, Headers.empty()),
                    false, true);
        }
    }

    /**
     * Answers a failed exchange with a status if its response is not committed, in a short text; else resets the
     * stream, since the client cannot tell a cut response from a whole one otherwise.
     */
    private void fail(Status status, String message) {
        if (stream.isReset()) {
            return;
        }
        if (response.isCommitted()) {
            LOG.log(DEBUG, () -> "[c" + connection.id() + "] stream " + stream.id() + " reset after commit: "
                    + message);
            connection.output().reset(stream, ErrorCode.INTERNAL_ERROR);
            return;
        }
        try {
            Http2ServerResponse answer = new Http2ServerResponse(connection.output(), connection.transport, stream,
                    head.method(), context.buffers(), context.counters());
            try {
                answer.status(status).send(message + "\n");
            } finally {
                answer.releaseBuffer();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(DEBUG, () -> "[c" + connection.id() + "] error answer failed on stream " + stream.id() + ": "
                    + e);
            connection.output().reset(stream, ErrorCode.INTERNAL_ERROR);
        }
    }
}
