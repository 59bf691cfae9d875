package dev.wisp.proxy;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.Status;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * {@code Max-Forwards} on TRACE and OPTIONS (RFC 9110 §7.6.2), which a client uses to ask each proxy on the way in
 * turn: the proxy forwards the request with the count less one, and at zero answers it itself, as its final
 * recipient. On other methods the field passes on as it came.
 */
final class MaxForwards {
    static final String FIELD = "Max-Forwards";
    /** The most this proxy forwards: a larger count goes on as this, as §7.6.2 allows. */
    private static final long MOST = Integer.MAX_VALUE;
    /** What this proxy forwards, told in its own answer to an OPTIONS with no forwards left. */
    private static final String ALLOWED = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE";
    /** Fields a TRACE's echo leaves out, as §9.3.8 asks of fields likely to hold secrets. */
    private static final Set<String> SECRET = Set.of("authorization", "proxy-authorization", "cookie");

    private MaxForwards() {
    }

    /**
     * The count the request came with, if it asks this proxy to count it: a TRACE or OPTIONS with the field.
     *
     * @return the count, at most {@value #MOST}; -1 for a request that does not ask
     * @throws MalformedMessageException for a value that is not one count (a 400)
     */
    static long received(ServerRequest request) throws MalformedMessageException {
        Method method = request.method();
        if (!method.equals(Method.TRACE) && !method.equals(Method.OPTIONS)) {
            return -1;
        }
        List<String> values = request.headers().all(FIELD);
        if (values.isEmpty()) {
            return -1;
        }
        String value = values.getFirst().strip();
        if (values.size() > 1 || value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MalformedMessageException("Max-Forwards must be one count of hops (RFC 9110 §7.6.2), not "
                    + String.join(", ", values));
        }
        return value.length() > 10 ? MOST : Math.min(Long.parseLong(value), MOST);
    }

    /** The request's fields to forward, with the count less one in place of the received one. */
    static Headers forwarded(Headers fields, long received) {
        return fields.toBuilder().set(FIELD, Long.toString(received - 1)).build();
    }

    /**
     * Answers a request that has no forwards left, as its final recipient: an OPTIONS with what this proxy forwards,
     * a TRACE with the request as it came (its secrets left out).
     */
    static void answerHere(ServerRequest request, ServerResponse response) throws IOException {
        if (request.method().equals(Method.OPTIONS)) {
            response.status(Status.OK).header(HeaderNames.ALLOW, ALLOWED).send(); // with Content-Length: 0
            return;
        }
        StringBuilder echo = new StringBuilder();
        echo.append(request.method().name()).append(' ').append(request.target().raw()).append(' ')
                .append(request.protocol().text()).append("\r\n");
        Headers headers = request.headers();
        for (int i = 0; i < headers.size(); i++) {
            if (!SECRET.contains(Ascii.toLowerCase(headers.name(i)))) {
                echo.append(headers.name(i)).append(": ").append(headers.value(i)).append("\r\n");
            }
        }
        echo.append("\r\n");
        response.status(Status.OK).header(HeaderNames.CONTENT_TYPE, "message/http").send(echo.toString());
    }
}
