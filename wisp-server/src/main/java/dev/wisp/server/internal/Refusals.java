package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.server.HttpService;
import java.io.IOException;

/**
 * What every protocol's exchange does the same way with a request refused before any handler: which expectations
 * it refuses, and how the refusal is answered, through the filters so that they see it.
 */
final class Refusals {
    private static final System.Logger LOG = System.getLogger(Refusals.class.getName());

    private Refusals() {
    }

    /** The refusal of the request's {@code Expect} field, or null if it has none we cannot meet. */
    static HttpProtocolException unmetExpectation(RequestHead head) {
        String expect = head.headers().firstOrNull(HeaderNames.EXPECT);
        if (expect == null || expect.equalsIgnoreCase("100-continue")) {
            return null;
        }
        // RFC 9110 §10.1.1: an expectation we cannot meet gets 417.
        return new HttpProtocolException(Status.EXPECTATION_FAILED, "unsupported expectation: " + expect);
    }

    /**
     * Answers the refusal through the service's filters, as if a handler had thrown it, and finishes the response;
     * if the filters fail, {@code fallback} answers instead. The request's resources close at the end.
     */
    static void answer(HttpService service, ExchangeRequest request, ExchangeResponse response,
            HttpProtocolException refusal, Runnable fallback) {
        try {
            service.filtered((unused, refused) -> {
                throw refusal;
            }).handle(request, response);
            response.finish();
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(DEBUG, () -> "[c" + request.connectionId() + "] filters failed on a refused request: " + e);
            fallback.run();
        } finally {
            request.closeResources();
        }
    }
}
