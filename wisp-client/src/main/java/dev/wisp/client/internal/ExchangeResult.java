package dev.wisp.client.internal;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.ResponseHead;
import java.io.IOException;

/**
 * A response as an exchange delivers it: the final head (decoded, if the body is) and the body stream, whose end
 * or close ends the exchange.
 */
public record ExchangeResult(Exchange exchange, ResponseHead head, BodyInputStream body) {
    /**
     * Ends the exchange of a response that a failure keeps from its caller: the body closes (a decoder's native
     * memory goes back) and, should even that fail, the exchange is {@linkplain Exchange#abandon() abandoned}.
     */
    public void abandon() {
        try {
            body.close();
        } catch (IOException | RuntimeException | Error e) {
            // the failure being handled is the one to report; the exchange ends below all the same
        } finally {
            exchange.abandon();
        }
    }
}
