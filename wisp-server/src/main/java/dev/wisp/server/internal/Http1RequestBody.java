package dev.wisp.server.internal;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Status;
import dev.wisp.transport.HeapPressure;
import dev.wisp.transport.LoadShedException;
import java.io.IOException;

/**
 * The body of a request on an HTTP/1.1 connection, as the handler reads it: the codec's stream, whose failures the
 * client caused are told as what the server answers them with, so that the handler's read throws that answer and
 * the filters see it (an access log its status): a read refused or ended to shed load, the heap nearly full, is a
 * 503; a read the read timeout ended a 408 ({@link RequestBodyTimeoutException}); a request that ended before its
 * body did a 400 (RFC 9112 §8). Other failures pass as they are.
 *
 * <p>Used by the exchange's thread only.
 */
final class Http1RequestBody extends ForwardingBodyInputStream {
    private final Http1ServerConnection connection;

    Http1RequestBody(BodyInputStream body, Http1ServerConnection connection) {
        super(body);
        this.connection = connection;
        connection.bodyBegan();
    }

    @Override
    public int read() throws IOException {
        try {
            return body.read();
        } catch (HttpProtocolException e) {
            throw e;
        } catch (IOException e) {
            throw answered(e);
        }
    }

    @Override
    public int read(byte[] destination, int offset, int length) throws IOException {
        try {
            return body.read(destination, offset, length);
        } catch (HttpProtocolException e) {
            throw e;
        } catch (IOException e) {
            throw answered(e);
        }
    }

    private IOException answered(IOException failure) {
        HttpProtocolException answer = clientCaused(failure, connection);
        return answer != null ? answer : failure;
    }

    /**
     * What the server answers a read of the connection that failed for the client's doing, or the load's: 503 shed,
     * 408 timed out, 400 ended early; null for another failure. Also for the exchange, which a failed read can reach
     * other than through this stream.
     */
    static HttpProtocolException clientCaused(IOException failure, Http1ServerConnection connection) {
        HttpProtocolException answer;
        if (failure instanceof LoadShedException || connection.isShed()) {
            answer = new HttpProtocolException(Status.SERVICE_UNAVAILABLE, HeapPressure.REFUSAL);
        } else if (connection.isTimedOut()) {
            answer = new RequestBodyTimeoutException();
        } else if (connection.hasInputEnded()) {
            // RFC 9112 §8: an incomplete request; the client's doing, not a server error.
            answer = new MalformedMessageException("request ended before its body did");
        } else {
            return null;
        }
        answer.initCause(failure);
        return answer;
    }
}
