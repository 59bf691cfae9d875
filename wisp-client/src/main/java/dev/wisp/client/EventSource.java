package dev.wisp.client;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.core.EventStreamReader;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MediaType;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.ServerSentEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stream of server-sent events read as browsers' {@code EventSource} reads one (WHATWG HTML): a GET with
 * {@code Accept: text/event-stream}, the events handed out one at a time by {@link #next()}, and, when the stream
 * ends or breaks, the request sent again after the reconnection time, with the last event id received in
 * {@code Last-Event-ID} so that the server goes on from there. Made by {@link Client#eventSource}.
 *
 * <pre>{@code
 * try (EventSource events = client.eventSource("https://gateway.local/events")) {
 *     for (Optional<ServerSentEvent> event = events.next(); event.isPresent(); event = events.next()) {
 *         System.out.println(event.get().type() + ": " + event.get().data());
 *     }
 * }
 * }</pre>
 *
 * <p>It ends for good, {@code next()} returning nothing, when {@link #close()} is called, or when the server
 * answers 204 No Content (its way to say "stop"). It fails, throwing from {@code next()} and ending, when the server
 * refuses ({@link EventSourceRefusedException}: a 4xx, or a 200 that is not {@code text/event-stream}), when an
 * event is larger than {@code maxEventBytes}, or when the reconnect policy gives up (the last failure thrown). A
 * 5xx, a connection that fails or breaks, and a read that times out are retried. Unlike a browser's, a 5xx is
 * retried: a gateway's upstream restarting should not end its subscribers.
 *
 * <p>Thread-safe for one reading thread: {@code next()} from one thread at a time; {@code close()} and
 * {@code lastEventId()} from any, {@code close()} ending a {@code next()} that waits.
 */
public final class EventSource implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventSource.class.getName());
    private static final int MAX_REFUSAL_BODY_BYTES = 4096;
    /** The shortest reconnection time a stream's {@code retry} field sets. */
    private static final Duration MIN_RETRY = Duration.ofMillis(100);

    private final Client client;
    private final Request request;
    private final EventSourceConfig config;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Call call;
    private volatile String lastEventId = "";
    /** The reconnection time the stream asked for, null until it asks. */
    private Duration retry;
    private Response response;
    private EventStreamReader reader;
    /**
     * Reconnections in a row since the last event: a stream that opens and ends with none (a server that closes at
     * once) is no success, or a policy's maxAttempts would never end its storm.
     */
    private int failures;

    private EventSource(Client client, Request request, EventSourceConfig config) {
        this.client = client;
        this.request = request;
        this.config = config;
    }

    /** Connects; the first connection must succeed, and its failure is thrown. */
    static EventSource open(Client client, Request request, EventSourceConfig config) throws IOException {
        EventSource source = new EventSource(client, Objects.requireNonNull(request, "request"),
                Objects.requireNonNull(config, "config"));
        source.connect();
        return source;
    }

    /**
     * Waits for the next event and returns it; nothing once the source has ended. Connects again, as often as the
     * reconnect policy allows, whenever the stream ends or breaks.
     *
     * @throws EventSourceRefusedException if the server refuses the stream (the source has ended)
     * @throws dev.wisp.core.MessageTooLargeException if an event crosses {@code maxEventBytes} (the source has ended)
     * @throws HttpCallException the last failure when the reconnect policy gives up (the source has ended)
     */
    public Optional<ServerSentEvent> next() throws IOException {
        while (!closed) {
            if (reader == null) {
                reconnect();
                continue;
            }
            try {
                Optional<ServerSentEvent> event = reader.next();
                keepWhatTheStreamSet();
                if (event.isPresent()) {
                    failures = 0;
                    return event;
                }
                dropStream("the stream ended");
            } catch (MessageTooLargeException e) {
                close();
                throw e;
            } catch (IOException e) {
                keepWhatTheStreamSet();
                dropStream(e.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * The last event id received, empty if none: what the next reconnection sends in {@code Last-Event-ID}, to keep
     * for a later source that should go on from the same place.
     */
    public String lastEventId() {
        return lastEventId;
    }

    /** Ends the source from any thread: a {@code next()} that waits returns nothing. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closing.countDown();
        Call current = call;
        if (current != null) {
            current.cancel();
        }
    }

    private void keepWhatTheStreamSet() {
        lastEventId = reader.lastEventId();
        reader.retry().ifPresent(delay -> retry = delay);
    }

    private void dropStream(String why) {
        LOG.log(DEBUG, () -> "event stream " + request.uri() + " dropped: " + why + "; connecting again");
        Response dropped = response;
        response = null;
        reader = null;
        if (dropped != null) {
            call.cancel();
            dropped.close();
        }
    }

    /** Waits the reconnection time and connects, until a stream opens, the source ends, or the policy gives up. */
    private void reconnect() throws IOException {
        ReconnectPolicy policy = config.reconnectPolicy();
        while (!closed) {
            if (givesUp(policy)) {
                close(); // streams that ended without an event, maxAttempts in a row: nothing was refused
                return;
            }
            failures++;
            try {
                if (closing.await(delay(policy, failures).toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new CallCanceledException("interrupted while waiting to reconnect to " + request.uri());
            }
            try {
                connect();
                return;
            } catch (EventSourceRefusedException e) {
                if (!isRetried(e.status().code()) || givesUp(policy)) {
                    close();
                    throw e;
                }
                LOG.log(DEBUG, () -> "event stream " + request.uri() + ": " + e.getMessage());
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                if (givesUp(policy)) {
                    close();
                    throw e;
                }
                LOG.log(DEBUG, () -> "event stream " + request.uri() + ": reconnecting failed: " + e);
            }
        }
    }

    private boolean givesUp(ReconnectPolicy policy) {
        return policy.maxAttempts() > 0 && failures >= policy.maxAttempts();
    }

    /**
     * The policy's delay, from the stream's own reconnection time if it set one, {@link #MIN_RETRY} at least: a
     * {@code retry: 0} from a stream that ends at once made a thousand connections a second.
     */
    private Duration delay(ReconnectPolicy policy, int attempt) {
        return retry == null ? policy.delay(attempt)
                : policy.delay(attempt, retry.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : retry);
    }

    /** Sends the request and takes the stream it answers with, or ends the source on a 204. */
    private void connect() throws IOException {
        Request.Builder builder = request.toBuilder()
                .setHeader("Accept", "text/event-stream")
                .setHeader("Cache-Control", "no-cache");
        if (!lastEventId.isEmpty()) {
            builder.setHeader("Last-Event-ID", lastEventId);
        }
        Call attempt = client.call(builder.build());
        call = attempt;
        if (closed) {
            attempt.cancel();
        }
        Response answer = attempt.execute();
        int status = answer.statusCode();
        if (status == 204) {
            answer.close();
            close();
            return;
        }
        if (status != 200 || !isEventStream(answer)) {
            byte[] body;
            try (answer) {
                body = answer.body().readNBytes(MAX_REFUSAL_BODY_BYTES);
            } catch (IOException e) {
                body = new byte[0];
            }
            throw new EventSourceRefusedException(request.uri().toString(), answer.status(), answer.headers(), body);
        }
        response = answer;
        reader = new EventStreamReader(answer.body(), config.maxEventBytes(), lastEventId);
    }

    private static boolean isEventStream(Response response) {
        String type = response.headers().firstOrNull("Content-Type");
        try {
            return type != null && MediaType.parse(type).is("text", "event-stream");
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    /** A server error may pass; anything else would be answered the same way again. */
    private static boolean isRetried(int status) {
        return status >= 500;
    }
}
