package dev.wisp.client.internal;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.ResponseHead;

/**
 * A response as an exchange delivers it: the final head (decoded, if the body is) and the body stream, whose end
 * or close ends the exchange.
 */
public record ExchangeResult(Exchange exchange, ResponseHead head, BodyInputStream body) {
}
