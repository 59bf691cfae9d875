package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;

import dev.wisp.core.Ascii;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.core.WireOutput;
import dev.wisp.http1.ChunkedBodyInputStream;
import dev.wisp.http1.EmptyBodyInputStream;
import dev.wisp.http1.FixedLengthBodyInputStream;
import dev.wisp.http1.Http1Framing;
import dev.wisp.http1.Http1HeadWriter;
import dev.wisp.server.Handler;
import dev.wisp.server.RouteMatch;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.server.WebSocketRoute;
import dev.wisp.transport.IdleInput;
import java.io.IOException;
import java.util.Map;

/**
 * One HTTP/1.1 request and its response: decides the body framing, handles {@code Expect}, runs the handler,
 * turns its failures into a status, finishes the response, and drains what the handler left of the body so the
 * connection can carry the next request. This is the one place that decides what an exception in an exchange
 * means.
 *
 * <p>Runs on the connection's thread; one instance per exchange.
 */
final class Http1Exchange implements ClientPresence {
    private static final System.Logger LOG = System.getLogger(Http1Exchange.class.getName());
    private static final byte[] CONTINUE_LINE = Ascii.bytes("HTTP/1.1 100 Continue\r\n\r\n");

    private final ServerContext context;
    private final Http1ServerConnection connection;
    /** Set once the request is accepted, before the handler runs. */
    private Http1ServerResponse response;
    /** The connection's bytes written before the final response began: more means some of it is on the wire. */
    private long writtenBeforeResponse;
    /** The request body once its framing is known; null before, or if the framing was refused. */
    private BodyInputStream body;
    /** The connection that takes over after a 101, or null. */
    private ServerConnection switchedTo;
    /** What runs when a look finds the client gone; null for nothing. Changed under this object's monitor. */
    private volatile Runnable whenClientLeft;

    Http1Exchange(ServerContext context, Http1ServerConnection connection) {
        this.context = context;
        this.connection = connection;
    }

    /**
     * Runs the exchange.
     *
     * @return whether the connection may carry another request
     */
    boolean run(RequestHead head) throws IOException {
        writtenBeforeResponse = connection.bytesWritten();
        WireOutput out = connection.output();
        try {
            body = openBody(head);
        } catch (HttpProtocolException e) {
            return refuse(head, e);
        }
        HttpProtocolException unmetExpectation = Refusals.unmetExpectation(head);
        if (unmetExpectation != null) {
            return refuse(head, unmetExpectation);
        }
        boolean expect = head.headers().contains(HeaderNames.EXPECT);
        ContinueBodyInputStream continuing = expect && head.version() == Version.HTTP_1_1
                && !body.isFinished() ? new ContinueBodyInputStream(body, this::sendContinue) : null;
        response = new Http1ServerResponse(out, connection.transport, head.method(), head.version(),
                isKeepAliveRequested(head) && !connection.isDraining(), () -> mayKeepAlive(body, continuing),
                connection.input(), body, context.counters());
        RouteMatch match = connection.http1().router().resolve(head.method(), head.target());
        ExchangeRequest request = new ExchangeRequest(head, continuing != null ? continuing : body,
                match.pathParameters(), connection, this, context.config().maxRequestBodyBytes());
        try {
            return runHandler(head, match, request, continuing);
        } finally {
            if (whenClientLeft != null) {
                whenClientLeft = null; // the exchange has ended: nothing runs from now on
            }
            request.closeResources();
        }
    }

    /** Runs the route's handler through the filters, finishes the response and drains the body. */
    private boolean runHandler(RequestHead head, RouteMatch match, ExchangeRequest request,
            ContinueBodyInputStream continuing) throws IOException {
        Handler handler = match.handler();
        if (handler instanceof WebSocketRoute route) {
            handler = (filteredRequest, filteredResponse) -> upgradeOrRefuse(route, filteredRequest, filteredResponse);
        }
        try {
            connection.http1().service().filtered(handler).handle(request, response);
            if (switchedTo != null) {
                return false;
            }
        } catch (HttpProtocolException e) {
            return fail(response, e.status(), e.getMessage(), null);
        } catch (IOException e) {
            HttpProtocolException answer = Http1RequestBody.clientCaused(e, connection);
            if (answer != null) {
                return fail(response, answer.status(), answer.getMessage(), null);
            }
            LOG.log(DEBUG, () -> "[c" + connection.id() + "] handler I/O failed: " + e);
            return fail(response, Status.INTERNAL_SERVER_ERROR, "internal server error", e);
        } catch (RuntimeException | Error e) {
            LOG.log(ERROR, "[c" + connection.id() + "] handler failed for " + head.method() + " "
                    + head.target().path(), e);
            return fail(response, Status.INTERNAL_SERVER_ERROR, "internal server error", null);
        }
        try {
            response.finish();
        } catch (IllegalStateException e) {
            LOG.log(ERROR, "[c" + connection.id() + "] handler left a broken response", e);
            return false;
        }
        return response.isKeepAlive() && drain(body, continuing);
    }

    /** Switches to WebSocket if the request is an acceptable upgrade; else the route answers why not. */
    private void upgradeOrRefuse(WebSocketRoute route, ServerRequest request, ServerResponse filteredResponse)
            throws IOException {
        switchedTo = WebSocketUpgrade.upgrade(connection, request, route, response);
        if (switchedTo == null) {
            route.handle(request, filteredResponse);
        }
    }

    /** The connection of another protocol that takes this one over after a 101, or null if none does. */
    ServerConnection switchedTo() {
        return switchedTo;
    }

    /**
     * Answers a request refused before any handler, through the filters, so they see the refusal; the connection
     * then closes.
     */
    private boolean refuse(RequestHead head, HttpProtocolException refusal) {
        response = new Http1ServerResponse(connection.output(), connection.transport, head.method(), head.version(),
                false, () -> false, null, null, context.counters());
        ExchangeRequest request = new ExchangeRequest(head, EmptyBodyInputStream.INSTANCE, Map.of(), connection,
                this, context.config().maxRequestBodyBytes());
        Refusals.answer(connection.http1().service(), request, response, refusal,
                () -> fail(response, refusal.status(), refusal.getMessage(), null));
        return false;
    }

    /**
     * Looks at the connection's input without blocking, once the body is read and nothing after it is buffered: the
     * end of the stream says the client left; a byte that arrived stays for the next read. A failed look (a reset,
     * the connection closed) says so too.
     */
    @Override
    public boolean hasClientLeft() {
        boolean left = lookForClientLeft();
        if (left && whenClientLeft != null) {
            Runnable actions;
            synchronized (this) {
                actions = whenClientLeft;
                whenClientLeft = null;
            }
            ClientLeftActions.start(actions);
        }
        return left;
    }

    private boolean lookForClientLeft() {
        if (connection.hasInputEnded()) {
            return true;
        }
        if (body == null || !body.isFinished() || connection.input().buffered() > 0) {
            return false;
        }
        try {
            return connection.transport.pollInput() == IdleInput.ENDED;
        } catch (IOException e) {
            return true;
        }
    }

    /** Over HTTP/1.1, the action runs when a look ({@link #hasClientLeft()}) finds the client gone. */
    @Override
    public synchronized void onClientLeft(Runnable action) {
        whenClientLeft = ClientLeftActions.then(whenClientLeft, action);
    }

    /**
     * Whether the request may have body bytes still unread, or on their way: its framing was refused (a 413 for a
     * declared length, say), or the exchange ended before the body did.
     */
    boolean hasUnreadBody() {
        return body == null || !body.isFinished();
    }

    private BodyInputStream openBody(RequestHead head) throws HttpProtocolException {
        long maxBody = context.config().maxRequestBodyBytes();
        return switch (Http1Framing.ofRequest(head)) {
            case Http1Framing.None none -> EmptyBodyInputStream.INSTANCE;
            case Http1Framing.FixedLength fixed -> {
                if (fixed.length() > maxBody) {
                    throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "request body of "
                            + fixed.length() + " bytes exceeds " + maxBody + " bytes (maxRequestBodyBytes)",
                            "maxRequestBodyBytes", maxBody);
                }
                yield new Http1RequestBody(new FixedLengthBodyInputStream(connection.input(), fixed.length()),
                        connection);
            }
            case Http1Framing.Chunked chunked -> new Http1RequestBody(
                    new ChunkedBodyInputStream(connection.input(), connection.http1().limits(), maxBody), connection);
            case Http1Framing.UntilClose untilClose ->
                    throw new IllegalStateException("a request body is never delimited by close");
        };
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless asked to keep it. */
    private static boolean isKeepAliveRequested(RequestHead head) {
        Headers headers = head.headers();
        if (head.version() == Version.HTTP_1_1) {
            return !headers.containsToken(HeaderNames.CONNECTION, "close");
        }
        return headers.containsToken(HeaderNames.CONNECTION, "keep-alive");
    }

    /**
     * Whether the connection can carry another request after this exchange; asked when the response head is
     * written, so its Connection header tells what will happen (RFC 9112 §9.6). Not when the server began to stop
     * while the handler ran. Nor when a body we never invited with 100 Continue may be held back by the client, or
     * one left unread is longer than maxDrainBytes and will not be drained.
     */
    private boolean mayKeepAlive(BodyInputStream body, ContinueBodyInputStream continuing) {
        if (connection.isDraining()) {
            return false;
        }
        if (body.isFinished()) {
            return true;
        }
        if (continuing != null && !continuing.isContinueSent()) {
            return false;
        }
        return body.length() <= context.config().maxDrainBytes();
    }

    private void sendContinue() throws IOException {
        if (response.isCommittedUnsent()) {
            // A handler that took its output stream before reading has a final head in the buffer: the 100 goes
            // ahead of it (a client waits for it before sending the body, and for the head only after).
            connection.output().writeAhead(CONTINUE_LINE);
            response.interimWrittenAhead();
            writtenBeforeResponse = connection.bytesWritten();
            return;
        }
        if (response.isCommitted()) {
            // RFC 9110 §15.2: interim responses come before the final one. Once the final head is out, the client
            // may send the body without waiting, and it is read if it comes.
            return;
        }
        WireOutput out = connection.output();
        Http1HeadWriter.writeStatusLine(out, Status.CONTINUE);
        out.write('\r');
        out.write('\n');
        out.flush();
        writtenBeforeResponse = connection.bytesWritten();
    }

    /**
     * Answers a failed handler with a status if nothing of its response reached the wire yet: a committed head
     * still in the output buffer is dropped. Otherwise the response is cut short. The connection then closes.
     */
    private boolean fail(Http1ServerResponse response, Status status, String message, IOException cause) {
        if (!response.isCommitted() || connection.bytesWritten() == writtenBeforeResponse) {
            if (response.isCommitted()) {
                response.uncount(); // its head is dropped with the output's buffer
            }
            Http1ErrorResponses.send(connection.output(), status, message,
                    response.requestMethod.equals(Method.HEAD), context.counters());
        } else {
            LOG.log(DEBUG, () -> "[c" + connection.id() + "] response cut short after commit: " + message
                    + (cause == null ? "" : " (" + cause + ")"));
            connection.output().release();
        }
        return false;
    }

    /**
     * Reads and drops what the handler left of the request body, so the next request can be read; a body larger
     * than maxDrainBytes, or one the client was never invited to send, closes the connection instead.
     */
    private boolean drain(BodyInputStream body, ContinueBodyInputStream continuing) throws IOException {
        if (body.isFinished()) {
            return true;
        }
        if (continuing != null && !continuing.isContinueSent()) {
            return false;
        }
        long limit = context.config().maxDrainBytes();
        if (body.length() > limit) {
            return false;
        }
        byte[] scratch = new byte[512];
        long drained = 0;
        try {
            int n;
            while ((n = body.read(scratch, 0, scratch.length)) >= 0) {
                drained += n;
                if (drained > limit) {
                    return false;
                }
            }
        } catch (HttpProtocolException e) {
            return false;
        }
        return true;
    }
}
