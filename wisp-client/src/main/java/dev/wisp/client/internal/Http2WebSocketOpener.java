package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.Request;
import dev.wisp.client.ResponseProtocolException;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.client.WebSocketRefusedException;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import dev.wisp.http2.RequestFields;
import dev.wisp.http2.hpack.HpackField;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.Agreement;
import dev.wisp.websocket.internal.ClientHandshake;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.List;

/**
 * Opens a WebSocket as a stream of an HTTP/2 connection the client's pool holds to its origin already, as Chrome
 * does (RFC 8441): when the server announced SETTINGS_ENABLE_CONNECT_PROTOCOL and a concurrent-stream place is
 * free. The request is an extended CONNECT ({@code :method CONNECT}, {@code :protocol websocket}, {@code :scheme},
 * {@code :authority}, {@code :path}) with the fields an HTTP/1.1 upgrade carries, less those of the upgrade itself
 * ({@link ClientHandshake#overHttp2}); a 2xx opens the session over the stream ({@link Http2WebSocketChannel}), with
 * the same agreement checks as a 101, and another status is refused as over HTTP/1.1.
 *
 * <p>Where no such connection has a free place, the WebSocket takes a connection of its own over HTTP/1.1 rather than
 * wait for one, and so does one whose stream the server refused unprocessed (REFUSED_STREAM, GOAWAY).
 *
 * <p>Runs on the caller's thread.
 */
public final class Http2WebSocketOpener {
    private static final System.Logger LOG = System.getLogger(Http2WebSocketOpener.class.getName());

    private Http2WebSocketOpener() {
    }

    /**
     * Opens the WebSocket on a stream of a pooled HTTP/2 connection to its origin if one takes it now.
     *
     * @return the session, or null if the WebSocket is to go over HTTP/1.1 (no such connection, no free place, or
     *     the server did not process the CONNECT)
     * @throws WebSocketRefusedException if the server answered with another status than 2xx
     * @throws WebSocketHandshakeException if the 2xx agrees to a subprotocol or extension not offered
     */
    public static WebSocketSession tryOpen(ConnectionPool pool, Request request, WebSocketConfig config,
            WebSocketListener listener, CallContext call, FollowUpState state) throws IOException {
        Http2ClientConnection connection = pool.reserveWebSocketStream(request.origin());
        if (connection == null) {
            return null;
        }
        return open(connection, request, config, listener, call, state);
    }

    /**
     * Opens the WebSocket on a stream reserved on the connection, whose server takes extended CONNECT. The answer's
     * cookies go in the jar, as a 101's do ({@link WebSocketUpgrader#answered}).
     *
     * @return the session, or null if the server did not process the CONNECT (the place is given back)
     * @throws WebSocketRefusedException if the server answered with another status than 2xx
     * @throws WebSocketHandshakeException if the 2xx agrees to a subprotocol or extension not offered
     */
    static WebSocketSession open(Http2ClientConnection connection, Request request, WebSocketConfig config,
            WebSocketListener listener, CallContext call, FollowUpState state) throws IOException {
        WebSocketConfig offered = WebSocketUpgrader.withRequestSubprotocols(request, config);
        ClientHandshake handshake = ClientHandshake.overHttp2(offered);
        Http2ClientStream stream = null;
        try {
            RequestHead get = WebSocketUpgrader.head(request, call.config(), handshake);
            List<HpackField> fields = fields(get, request);
            try {
                stream = connection.open(Method.CONNECT, fields, false);
            } catch (Http2HeadUnwrittenException e) {
                throw connection.unprocessedPerGoAway(e, call.config().readTimeout().toNanos());
            }
            RequestHead sent = new RequestHead(Method.CONNECT, get.target(), Version.HTTP_2,
                    Http2Exchange.regularFields(fields));
            Events.fire(call.config().eventListener(), events -> events.requestHeadersSent(request, sent));
            ResponseHead response = finalHead(stream, call);
            WebSocketUpgrader.answered(call, state, request, response);
            if (!response.status().isSuccess()) {
                throw new WebSocketRefusedException(WebSocketUpgrader.webSocketUrl(request), Version.HTTP_2,
                        response.status(), response.headers(), refusalBody(connection, stream, call));
            }
            Agreement agreement = handshake.check(response);
            return start(connection, stream, offered, agreement, listener, response.headers());
        } catch (Http2StreamEndedException e) {
            connection.release(stream);
            if (e.wasRefusedUnprocessed()) {
                LOG.log(DEBUG, () -> "[" + connection + "] WebSocket CONNECT not processed, over HTTP/1.1: " + e);
                return null;
            }
            throw new ConnectionClosedException(e.getMessage() + " (opening a WebSocket)", false, e);
        } catch (Http2ReadTimeoutException | SocketTimeoutException e) { // the head's wait, or the refusal's body's
            connection.release(stream);
            connection.readTimedOut();
            throw new TimeoutExceededException(Timeout.READ, "WebSocket CONNECT of " + request,
                    call.config().readTimeout());
        } catch (HttpProtocolException e) { // a head that breaks HTTP/2's rules, a 101 among them (RFC 9113 §8.6)
            connection.release(stream);
            throw new ResponseProtocolException("invalid answer from " + request.origin() + " to a WebSocket"
                    + " CONNECT: " + e.getMessage(), null, e);
        } catch (IOException | RuntimeException e) {
            connection.release(stream);
            throw e;
        }
    }

    /**
     * The extended CONNECT's fields (RFC 8441 §4): the upgrade's GET as HTTP/2 encodes it, with CONNECT for its
     * method and {@code :protocol} among the pseudo-header fields.
     */
    private static List<HpackField> fields(RequestHead get, Request request) {
        RequestHead connect = new RequestHead(Method.CONNECT, get.target(), get.version(), get.headers());
        List<HpackField> fields = RequestFields.encode(connect, request.origin().scheme());
        fields.add(1, new HpackField(":protocol", "websocket"));
        return fields;
    }

    /** The final response head, past any interim ones, each waited for at most readTimeout. */
    private static ResponseHead finalHead(Http2ClientStream stream, CallContext call) throws IOException {
        long timeout = call.config().readTimeout().toNanos();
        ResponseHead head;
        do {
            head = stream.awaitHead(timeout, true);
        } while (head.status().isInformational());
        return head;
    }

    private static WebSocketSession start(Http2ClientConnection connection, Http2ClientStream stream,
            WebSocketConfig offered, Agreement agreement, WebSocketListener listener, Headers answer) {
        Http2WebSocketChannel channel = new Http2WebSocketChannel(connection, stream);
        long id = connection.socket().id();
        WebSocketSession session = new ClientWebSocketSession(id, channel,
                WireInput.of(channel.input(), connection.socket().buffers()), connection.socket().buffers(),
                offered, agreement, listener, answer);
        WebSocketReading reading = new WebSocketReading(session);
        channel.watch(session, reading);
        LOG.log(DEBUG, () -> "[" + connection + "] stream " + stream.id() + " opened a websocket");
        reading.start(listener, id, channel);
        return session;
    }

    /** Reads at most 64 KiB of a refusal's content, so the caller sees the server's reason. */
    private static byte[] refusalBody(Http2ClientConnection connection, Http2ClientStream stream, CallContext call)
            throws IOException {
        Http2WebSocketChannel channel = new Http2WebSocketChannel(connection, stream);
        channel.readDeadline(System.nanoTime() + call.config().readTimeout().toNanos());
        InputStream content = channel.input();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int most = WebSocketRefusedException.MAX_BODY_BYTES;
        for (int n; body.size() < most
                && (n = content.read(chunk, 0, Math.min(chunk.length, most - body.size()))) >= 0; ) {
            body.write(chunk, 0, n);
        }
        return body.toByteArray();
    }
}
