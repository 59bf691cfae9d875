package dev.wisp.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a call of the client's fuzz tests ended in: the response's status, its whole body and its {@code X-Trailer}
 * trailer, or what the call or the reading of its body threw.
 */
record FuzzOutcome(int status, String body, String trailer, Throwable failure) {
    /** How long a call may take before the test calls it a hang. */
    static final Duration CALL_BOUND = Duration.ofSeconds(5);

    /** Starts the call on a virtual thread of its own, which reads the whole body and closes the response. */
    static CompletableFuture<FuzzOutcome> start(Client client, Request request) {
        return of(client.sendAsync(request));
    }

    /** The outcome of a call started with {@code sendAsync}: its whole body read on a virtual thread of its own. */
    static CompletableFuture<FuzzOutcome> of(CompletableFuture<Response> call) {
        CompletableFuture<FuzzOutcome> outcome = new CompletableFuture<>();
        Thread.ofVirtual().name("fuzz-call").start(() -> {
            try (Response response = call.join()) {
                String body = new String(response.bytes(), ISO_8859_1);
                outcome.complete(new FuzzOutcome(response.statusCode(), body,
                        response.trailers().firstOrNull("X-Trailer"), null));
            } catch (CompletionException e) {
                outcome.complete(new FuzzOutcome(0, null, null, e.getCause()));
            } catch (Throwable e) {
                outcome.complete(new FuzzOutcome(0, null, null, e));
            }
        });
        return outcome;
    }

    /** The outcome of a started call, failing the test if it does not end within {@link #CALL_BOUND}. */
    static FuzzOutcome await(CompletableFuture<FuzzOutcome> call, String what)
            throws InterruptedException, ExecutionException {
        try {
            return call.get(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": the call did not end within " + CALL_BOUND);
        }
    }

    /** Checks that a failure is one of the client's typed ones. */
    void assertTyped(String what) {
        if (failure != null && !(failure instanceof HttpCallException)) {
            throw new AssertionError(what + ": failed with an untyped " + failure, failure);
        }
    }

    /** Checks that the call read this response, as sent. */
    void assertRead(int expectedStatus, String expectedBody, String expectedTrailer, String what) {
        if (failure != null) {
            throw new AssertionError(what + ": a valid response failed with " + failure, failure);
        }
        if (status != expectedStatus || !expectedBody.equals(body) || !Objects.equals(expectedTrailer, trailer)) {
            throw new AssertionError(what + ": read " + this + ", not status " + expectedStatus + ", body '"
                    + expectedBody + "', trailer " + expectedTrailer);
        }
    }
}
