package dev.wisp.server.internal;

import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;

/**
 * Thrown to a handler whose read of the request body waited longer than the read timeout: a 408, which the filters
 * see as the answer (an access log its status) since the handler's read throws it, as it would a 413.
 */
final class RequestBodyTimeoutException extends HttpProtocolException {
    RequestBodyTimeoutException() {
        super(Status.REQUEST_TIMEOUT, "request body not received in time");
    }
}
