package dev.wisp.client.internal;

import dev.wisp.client.HttpCallException;
import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.Body;
import dev.wisp.core.ResponseHead;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a whole request on an exchange: head, then body, waiting for {@code 100 Continue} first when the request
 * asks for it. RFC 9110 §10.1.1: a client that sends {@code Expect: 100-continue} should not wait forever; after
 * {@code expectContinueTimeout} it sends the body anyway. A final response before the body was sent means the
 * server does not want it: the body stays unsent and the connection closes after the response.
 */
public final class RequestSender {
    private RequestSender() {
    }

    public static void send(Exchange exchange) throws IOException {
        Body body = exchange.request().body();
        exchange.writeHead(body.length());
        if (body.length() == 0) {
            exchange.requestWritten();
            return;
        }
        if (exchange.request().expectsContinue() && !awaitContinue(exchange)) {
            return;
        }
        ExchangeBodyWriter writer = exchange.bodyWriter();
        writer.stopWhenAnswered();
        try {
            body.writeTo(writer);
        } catch (HttpCallException e) {
            throw e;
        } catch (IOException e) {
            if (writer.wasAnsweredEarly()) {
                return; // the write stopped the body's source: the server's answer is read next
            }
            // The body's own source failed (a file, a stream): the connection holds half a request.
            exchange.abort("request body source failed");
            throw e;
        }
        writer.finish(body.trailers());
        exchange.requestWritten();
    }

    /**
     * Waits for 100 Continue or a final head for up to expectContinueTimeout, reading on a virtual thread so the
     * wait can end without closing the connection (the read goes on; the transport lets a read and a write
     * overlap).
     *
     * @return whether to send the body
     */
    private static boolean awaitContinue(Exchange exchange) throws HttpCallException {
        CompletableFuture<ResponseHead> first = new CompletableFuture<>();
        Thread.ofVirtual().name("wisp-expect-continue").start(() -> {
            try {
                first.complete(exchange.readUntilContinue());
            } catch (Throwable e) {
                first.completeExceptionally(e);
            }
        });
        long timeout = exchange.call().config().expectContinueTimeout().toNanos();
        try {
            ResponseHead head = first.get(timeout, TimeUnit.NANOSECONDS);
            if (Exchange.isFinal(head)) {
                exchange.earlyHead(head);
                return false;
            }
            return true;
        } catch (TimeoutException e) {
            exchange.pendingFirstHead(first);
            return true;
        } catch (ExecutionException e) {
            throw exchange.fail(e.getCause() instanceof IOException io ? io : new IOException(e.getCause()),
                    Phase.AWAITING_RESPONSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.abort("interrupted");
            throw exchange.call().canceledException();
        }
    }
}
