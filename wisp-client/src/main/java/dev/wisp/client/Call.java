package dev.wisp.client;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.client.internal.CallContext;
import dev.wisp.client.internal.CallChain;
import dev.wisp.client.internal.ConnectionSource;
import dev.wisp.client.internal.ExchangeResult;
import dev.wisp.client.internal.FollowUpState;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request, ready to run once: synchronously ({@link #execute()}), or on a virtual thread of its own
 * ({@link #executeAsync()}, {@link #executeAsync(Callback)}). {@link #cancel()} may be called from any thread at
 * any time: it closes the call's connection at once, and whatever the call is blocked on fails with
 * {@link CallCanceledException}; the connection's pool slot is free again right away. The call follows redirects
 * and answers authentication challenges as its configuration says; {@link Response#request()} is the last hop's.
 */
public final class Call {
    private static final System.Logger LOG = System.getLogger(Call.class.getName());

    private final ConnectionSource source;
    private final CallContext context;
    private final FollowUpState state;
    private final AtomicBoolean started = new AtomicBoolean();

    Call(ConnectionSource source, Request request, ClientConfig config, FollowUpState state) {
        this.source = source;
        this.state = state;
        this.context = new CallContext(Objects.requireNonNull(request, "request"), config);
    }

    public Request request() {
        return context.request();
    }

    /**
     * Sends the request and waits for the response head. The body is then read from the response.
     *
     * @throws HttpCallException saying what failed
     * @throws IllegalStateException if the call was run before
     */
    public Response execute() throws IOException {
        begin(false);
        return run();
    }

    /**
     * Runs the call on a new virtual thread. Canceling the future cancels the call; a response that arrives after
     * the future was completed otherwise is closed. The call takes its place in line now, in this thread, so calls
     * made one after another take their turns in that order, on an explicit connection and on the client's pool.
     */
    public CompletableFuture<Response> executeAsync() {
        CompletableFuture<Response> future = new CompletableFuture<>();
        try {
            begin(true);
        } catch (IllegalStateException e) {
            future.completeExceptionally(e);
            return future;
        }
        future.whenComplete((response, failure) -> {
            if (future.isCancelled()) {
                cancel();
            }
        });
        startThread(() -> {
            try {
                Response response = run();
                if (!future.complete(response)) {
                    response.close();
                }
            } catch (IOException | RuntimeException e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /**
     * Runs the call on a new virtual thread and hands the outcome to the callback, on that thread. The call takes its
     * place in line now, in this thread, as {@link #executeAsync()} does.
     *
     * @throws IllegalStateException if the call was run before
     */
    public void executeAsync(Callback callback) {
        Objects.requireNonNull(callback, "callback");
        begin(true);
        startThread(() -> {
            Response response;
            try {
                response = run();
            } catch (IOException e) {
                callback.onFailure(e);
                return;
            }
            try (response) {
                callback.onResponse(response);
            } catch (IOException | RuntimeException e) {
                LOG.log(WARNING, "callback for " + context.request() + " threw", e);
            }
        });
    }

    /**
     * Marks the call as run and takes its place in line, in the caller's thread.
     *
     * @param async whether the call runs on a thread of its own, which may run after those of calls made later
     */
    private void begin(boolean async) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("call already ran: " + context.request());
        }
        if (async) {
            source.reserveAsyncTurn(context);
        } else {
            source.reserveTurn(context);
        }
    }

    private Response run() throws IOException {
        try {
            ExchangeResult result = CallChain.execute(source, context, state);
            try {
                return new Response(context.request(), result, context.clock(),
                        context.config().maxBufferedBodyBytes());
            } catch (RuntimeException | Error e) {
                result.abandon();
                throw e;
            }
        } finally {
            // A call that failed before its turn gives its place up, so the calls behind it do not wait for it.
            context.abandonTicket();
        }
    }

    private void startThread(Runnable task) {
        try {
            Thread.ofVirtual().name("wisp-call").start(task);
        } catch (RuntimeException | Error e) {
            context.abandonTicket();
            throw e;
        }
    }

    /** Cancels the call from any thread; idempotent. */
    public void cancel() {
        context.cancel();
    }

    public boolean isCanceled() {
        return context.isCanceled();
    }
}
