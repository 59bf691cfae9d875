package dev.wisp.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.ConnectionOptions;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;
import dev.wisp.transport.LogLimit;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The innermost step of an {@link HttpService}: runs the handler and, while nothing of its response reached the
 * client, turns its exception into a response, so the filters around see the status the client gets: a protocol
 * exception (the request body's 408 and 400 among them) into its status, any other failure, an I/O one too (a file
 * that could not be read), into a 500. A response committed but not sent is taken back for it
 * ({@link ServerResponse#reset()}). One partly sent, and an I/O failure once the client left, leave as the
 * exception, for the exchange to cut the response short or close.
 *
 * <p>A handler that ran out of memory is answered 503 with {@code Retry-After}, as a server too busy for now is: the
 * heap frees as the exchanges that filled it end. That is told once a minute, not a stack trace per request: each
 * would take memory when there is none, and a full heap fails many requests at once.
 *
 * <p>The server's own answers to a handler's failure, and every answer to a protocol error, ask to close the
 * connection ({@code Connection: close}): what is left of the request body cannot be trusted. An application's
 * mapper for its own exception keeps the connection.
 */
final class ErrorMapping implements Handler {
    private static final System.Logger LOG = System.getLogger(ErrorMapping.class.getName());
    private static final LogLimit OUT_OF_MEMORY = LogLimit.perMinute("handlers ran out of memory (", "): answered"
            + " 503 with Retry-After; logged again at most once a minute");
    /** How long a client answered 503 for a full heap is asked to wait: its collection takes far less. */
    private static final String RETRY_AFTER_SECONDS = "1";
    /**
     * What describes the content that failed, and so not the answer in its place: its framing and coding, its
     * validators, how long it may be cached (a 500 with the content's max-age would be stored, RFC 9111 §3) and
     * how to present it (a 500 with {@code Content-Disposition: attachment} would be saved as the file).
     */
    private static final List<String> CONTENT_HEADERS = List.of(HeaderNames.CONTENT_TYPE, HeaderNames.CONTENT_LENGTH,
            HeaderNames.CONTENT_ENCODING, HeaderNames.CONTENT_RANGE, HeaderNames.ETAG, HeaderNames.LAST_MODIFIED,
            HeaderNames.CACHE_CONTROL, "Expires", "Content-Disposition", "Content-Language", "Content-Location");

    /** What frames a message or manages a connection: a refusal's own are not sent, the server frames its answer. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "upgrade", "te", "trailer");

    private final Handler handler;
    private final Map<Class<? extends Throwable>, ExceptionMapper<?>> mappers;

    ErrorMapping(Handler handler, Map<Class<? extends Throwable>, ExceptionMapper<?>> mappers) {
        this.handler = handler;
        this.mappers = mappers;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        try {
            handler.handle(request, response);
        } catch (HttpProtocolException e) {
            if (!isOpen(response)) {
                throw e;
            }
            LOG.log(DEBUG, () -> "answered " + e.status().code() + ": " + e.getMessage());
            answer(e, request, response, e.status(), e.getMessage(), true);
        } catch (IOException e) {
            boolean mapped = mapperFor(e.getClass()) != null;
            if (!mapped && request.hasClientLeft() || !isOpen(response)) {
                throw e; // no one is there to read it, or nothing more can be answered
            }
            if (!mapped) {
                LOG.log(WARNING, "handler failed for " + request.method() + " " + request.path(), e);
            }
            answer(e, request, response, Status.INTERNAL_SERVER_ERROR, "internal server error", !mapped);
        } catch (RuntimeException | Error e) {
            if (!isOpen(response)) {
                throw e;
            }
            boolean mapped = mapperFor(e.getClass()) != null;
            if (!mapped && e instanceof OutOfMemoryError) {
                OUT_OF_MEMORY.warn(LOG, e);
                response.setHeader(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
                answer(e, request, response, Status.SERVICE_UNAVAILABLE, "out of memory; try again", true);
                return;
            }
            if (!mapped) {
                LOG.log(ERROR, "handler failed for " + request.method() + " " + request.path(), e);
            }
            answer(e, request, response, Status.INTERNAL_SERVER_ERROR, "internal server error", !mapped);
        }
    }

    /**
     * Answers with the mapper for the exception, or with the status and message; a mapper that fails leaves the
     * server's own answer.
     *
     * @param message the server's own body
     */
    private <T extends Throwable> void answer(T exception, ServerRequest request, ServerResponse response,
            Status status, String message, boolean close) throws IOException {
        @SuppressWarnings("unchecked")
        ExceptionMapper<? super T> mapper = (ExceptionMapper<? super T>) mapperFor(exception.getClass());
        CONTENT_HEADERS.forEach(response::removeHeader);
        response.status(status);
        if (close) {
            response.setHeader(HeaderNames.CONNECTION, "close");
        }
        if (mapper != null) {
            try {
                mapper.handle(exception, request, response);
                return;
            } catch (IOException | RuntimeException | Error e) {
                if (!isOpen(response)) {
                    throw e;
                }
                LOG.log(ERROR, "exception mapper failed for " + exception.getClass().getName(), e);
                CONTENT_HEADERS.forEach(response::removeHeader);
                response.status(Status.INTERNAL_SERVER_ERROR).setHeader(HeaderNames.CONNECTION, "close");
                message = "internal server error";
            }
        }
        if (exception instanceof HttpRefusalException refusal && refusal.status().equals(status)) {
            answerWhole(refusal, response);
            return;
        }
        response.setHeader(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.send(message + "\n");
    }

    /** Answers with the refusal's fields, less those that frame it or manage the connection, and its content. */
    private static void answerWhole(HttpRefusalException refusal, ServerResponse response) throws IOException {
        ConnectionOptions.removeWithNamed(refusal.headers(), FRAMING).forEach(response::header);
        response.send(refusal.body());
    }

    /** Whether the response can still be answered: not committed, or committed and taken back unsent. */
    private static boolean isOpen(ServerResponse response) {
        return !response.isCommitted() || response.reset();
    }

    private ExceptionMapper<?> mapperFor(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            ExceptionMapper<?> mapper = mappers.get(c);
            if (mapper != null) {
                return mapper;
            }
        }
        return null;
    }
}
