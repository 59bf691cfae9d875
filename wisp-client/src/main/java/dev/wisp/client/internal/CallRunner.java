package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.Request;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.ResponseHead;
import java.io.IOException;

/**
 * Runs a call on a {@link ConnectionSource}: takes a connection, sends the request, reads the response head. A
 * reused connection that turns out closed before any byte of the response arrived (the server dropped it while
 * it was idle, after the stale check) gets one retry on a fresh connection when the request is idempotent
 * (RFC 9110 §9.2.2) and its body can be sent again; a request that is not is never sent twice, unless the server
 * said it did not process it: an HTTP/2 server that refused the stream, or left it out of its GOAWAY (RFC 9113
 * §8.7), gets any request with a repeatable body again on another connection, up to ten times.
 */
public final class CallRunner {
    private static final System.Logger LOG = System.getLogger(CallRunner.class.getName());
    /**
     * How many times a request the server declared unprocessed goes again, safe whatever its method, after refusals
     * by connections that served nothing: bounded against a server that refuses everything. A refusal by a GOAWAY
     * that says the connection served streams does not count. Servers that end connections after a number of
     * requests (nginx's keepalive_requests) refuse the rest of the calls in flight on each, and a call goes again
     * first in line: with more calls than a connection serves, the last ones meet many GOAWAYs before their turn
     * comes (128 calls to nginx ending connections after 5 requests lost 40 after 10 retries, when they counted),
     * and each round serves the first calls in line, so every call's turn comes.
     */
    private static final int MAX_UNPROCESSED_RETRIES = 10;
    /**
     * How many times an idempotent request with a repeatable body goes again when a reused connection ended before
     * answering: each time on the next connection the pool gives, which may have been ended too (a server restarted
     * under several idle connections; HTTP/2 connections each ended after a number of requests, whose GOAWAY a reset
     * took with it). A connection opened for the call that fails so is not one of these: that failure stands.
     */
    private static final int MAX_STALE_RETRIES = 3;

    private CallRunner() {
    }

    /** Sends the request and returns the response head and body; the failed event fires for any failure. */
    public static ExchangeResult execute(ConnectionSource source, CallContext call) throws IOException {
        try {
            return attempt(source, call);
        } catch (IOException e) {
            failed(call, e);
            throw e;
        }
    }

    /** Ends the call's clock and reports the failure. */
    static void failed(CallContext call, IOException e) {
        call.clock().end();
        Events.fire(call.config().eventListener(), listener -> listener.failed(call.request(), e));
    }

    private static ExchangeResult attempt(ConnectionSource source, CallContext call) throws IOException {
        Request request = call.request();
        int staleRetries = 0;
        int refusals = 0;
        int sent = 0;
        while (true) {
            Exchange exchange = source.startExchange(call);
            try {
                RequestSender.send(exchange);
                return response(exchange);
            } catch (RuntimeException | Error e) {
                exchange.abandon();
                throw e;
            } catch (ConnectionClosedException e) {
                Http2ClientConnection refusing = exchange.refusingConnection();
                boolean servedOthers = refusing != null && refusing.processedStreamsBeforeGoAway();
                if (exchange.wasRefusedUnprocessed() && request.isBodyRepeatable()
                        && (servedOthers || refusals < MAX_UNPROCESSED_RETRIES)) {
                    if (!servedOthers) {
                        refusals++;
                    }
                    int attempt = ++sent;
                    call.goAgain(refusing);
                    LOG.log(DEBUG, () -> request + ": not processed by the server, sent again (" + attempt + "): "
                            + e.getMessage());
                    continue;
                }
                if (sent > 0 && exchange.wasRefusedUnprocessed()) {
                    throw new ConnectionClosedException(e.getMessage() + " (sent " + (sent + 1) + " times)",
                            true, e.isEmptyReply(), e);
                }
                if (!exchange.isReused() || exchange.hasResponseStarted() || staleRetries == MAX_STALE_RETRIES) {
                    // Still an empty reply when the retry met one: curl's 52, not 56.
                    throw staleRetries > 0 ? new ConnectionClosedException(e.getMessage() + " (after " + staleRetries
                            + (staleRetries == 1 ? " retry)" : " retries)"), true, e.isEmptyReply(), e) : e;
                }
                if (!request.method().isIdempotent() || !request.isBodyRepeatable()) {
                    // The cause says who ended it: the server, or this client on finding it dead (HTTP/2's PING).
                    throw new ConnectionClosedException("the reused connection to " + request.origin()
                            + " ended before answering (" + e.getMessage() + "); " + request.method()
                            + " was not retried " + (request.method().isIdempotent() ? "(its body cannot be sent again)"
                            : "(not idempotent): it may or may not have been processed"), false, e);
                }
                int retry = ++staleRetries;
                LOG.log(DEBUG, () -> request + ": stale connection, retrying (" + retry + "): " + e.getMessage());
            }
        }
    }

    /**
     * Starts a call whose body the caller writes: the head goes out now, the body through
     * {@link Exchange#bodyWriter()}. Never retried: the body is the caller's, and cannot be sent again.
     *
     * @param bodyLength the body's length, or -1 for one of unknown length
     */
    public static Exchange open(ConnectionSource source, CallContext call, long bodyLength) throws IOException {
        try {
            Exchange exchange = source.startExchange(call);
            try {
                exchange.writeHead(bodyLength);
            } catch (RuntimeException | Error e) {
                exchange.abandon();
                throw e;
            }
            return exchange;
        } catch (IOException e) {
            call.clock().end();
            Events.fire(call.config().eventListener(), listener -> listener.failed(call.request(), e));
            throw e;
        }
    }

    /**
     * Reads the response of an exchange whose request was sent, decoding the body when the request asked. A response
     * without a body (to HEAD, a 204 or 304) keeps its head as it came: its Content-Encoding and Content-Length
     * describe the representation the server would send, and there is nothing to decode.
     */
    public static ExchangeResult response(Exchange exchange) throws IOException {
        ResponseHead head = exchange.readResponseHead();
        BodyInputStream body = exchange.openBody(head);
        if (exchange.request().decompresses() && ContentDecoding.isDecodable(head) && !body.isFinished()) {
            return new ExchangeResult(exchange, ContentDecoding.decodedHead(head), ContentDecoding.decode(head, body));
        }
        return new ExchangeResult(exchange, head, body);
    }
}
