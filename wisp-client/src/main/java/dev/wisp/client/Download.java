package dev.wisp.client;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpDate;
import dev.wisp.core.Method;
import dev.wisp.core.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs {@link Client#download(Request, Path, DownloadConfig)}: requests until the file is whole, each asking for the
 * rest of what {@link PartialDownload} holds ({@code Range}) of the same version ({@code If-Range}), as
 * esp_https_ota resumes a firmware image over a link that drops. One download, on the caller's thread.
 */
final class Download {
    /** What became of one request. */
    private enum Outcome { COMPLETE, FAILED }

    private final Client client;
    private final Request request;
    private final Path file;
    private final DownloadConfig config;
    private long received;
    /** Why the last request failed, to throw once the retries are used up. */
    private IOException lastFailure;
    /** A {@code Retry-After} the last response asked for, or null. */
    private Duration retryAfter;

    private Download(Client client, Request request, Path file, DownloadConfig config) {
        this.client = client;
        this.request = request;
        this.file = file;
        this.config = config;
    }

    static DownloadResult run(Client client, Request request, Path file, DownloadConfig config) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(config, "config");
        if (!request.method().equals(Method.GET)) {
            throw new IllegalArgumentException("a download is a GET, not " + request.method());
        }
        if (request.body().length() != 0) {
            throw new IllegalArgumentException("a download sends no body");
        }
        if (request.headers().contains(HeaderNames.RANGE) || request.headers().contains(HeaderNames.IF_RANGE)) {
            throw new IllegalArgumentException("a download sends its own Range and If-Range");
        }
        if (request.decompresses()) {
            throw new IllegalArgumentException("a download keeps the bytes as sent: decompress(false)");
        }
        return new Download(client, request, file, config).run();
    }

    private DownloadResult run() throws IOException {
        try (PartialDownload part = PartialDownload.open(file, request.uri())) {
            int requests = 0;
            int failures = 0;
            while (true) {
                requests++;
                long before = part.size();
                if (attempt(part) == Outcome.COMPLETE) {
                    if (!part.complete(config.expectedSha256().orElse(null))) {
                        throw new DownloadFailedException("the file of " + request.uri() + " is not the one expected:"
                                + " its SHA-256 differs from expectedSha256", DownloadFailedException.Reason
                                .DIGEST_MISMATCH, null, null);
                    }
                    return new DownloadResult(file, part.size(), part.kept(), received, requests);
                }
                failures = part.size() > before ? 1 : failures + 1;
                int maxAttempts = config.retryPolicy().maxAttempts();
                if (maxAttempts > 0 && failures >= maxAttempts) {
                    throw lastFailure;
                }
                pause(failures);
            }
        }
    }

    /** One request: the rest of the file, or all of it. */
    private Outcome attempt(PartialDownload part) throws IOException {
        retryAfter = null;
        if (part.size() > 0 && part.validator() == null) {
            part.restart(); // nothing tells whether the server's file is still the one begun: from the start
        }
        Request.Builder builder = request.toBuilder();
        if (!request.headers().contains(HeaderNames.ACCEPT_ENCODING)) {
            builder.setHeader(HeaderNames.ACCEPT_ENCODING, "identity"); // ranges of the bytes as stored
        }
        if (part.size() > 0) {
            builder.setHeader(HeaderNames.RANGE, "bytes=" + part.size() + "-")
                    .setHeader(HeaderNames.IF_RANGE, part.validator());
        }
        Response response;
        try {
            response = client.send(builder.build());
        } catch (IOException e) {
            return failed(e);
        }
        try (response) {
            return receive(part, response);
        }
    }

    private Outcome receive(PartialDownload part, Response response) throws IOException {
        Status status = response.status();
        long declared = response.body().length();
        switch (status.code()) {
            case 200 -> {
                checkSize(part, declared);
                part.begin(validatorOf(response.headers()), declared);
            }
            case 206 -> {
                ContentRange range = ContentRange.parse(response.headers().firstOrNull(HeaderNames.CONTENT_RANGE));
                if (range == null || range.first() != part.size() || range.length() < 0
                        || part.length() >= 0 && range.length() != part.length()
                        || isOtherVersion(part.validator(), response.headers())) {
                    part.restart(); // not the rest asked for: the whole file next time
                    return failed(new ResponseProtocolException("the server sent a range of " + request.uri()
                            + " other than the rest asked for (" + Ascii.escape(String.valueOf(
                            response.headers().firstOrNull(HeaderNames.CONTENT_RANGE))) + ")", null, null));
                }
                long rangeBytes = range.last() - range.first() + 1;
                if (declared >= 0 && declared != rangeBytes) {
                    return failed(new ResponseProtocolException("the server sent " + declared + " bytes of "
                            + request.uri() + " as a range of " + rangeBytes + " (" + Ascii.escape(
                            response.headers().firstOrNull(HeaderNames.CONTENT_RANGE)) + ")", null, null));
                }
                checkSize(part, range.length());
                if (part.size() == 0) {
                    part.begin(validatorOf(response.headers()), range.length()); // a range of its own accord
                } else {
                    part.lengthKnown(range.length());
                }
                return copy(part, response, rangeBytes);
            }
            case 416 -> {
                ContentRange range = ContentRange.parse(response.headers().firstOrNull(HeaderNames.CONTENT_RANGE));
                // Only a part that was whole, as long as the file was when it began: one that is not is of a file
                // since changed (shorter now), and it starts over.
                if (range != null && range.length() == part.size() && part.size() > 0
                        && (part.length() < 0 || part.length() == part.size())) {
                    return Outcome.COMPLETE; // an earlier download held it all, and stopped before its rename
                }
                part.restart();
                return failed(new ResponseProtocolException("the server could not send the rest of " + request.uri()
                        + " (416); asking for the whole file", null, null));
            }
            default -> {
                return refused(part, response);
            }
        }
        return copy(part, response, declared);
    }

    /**
     * Appends the body; a read that fails is a failed attempt, a write that fails ends the download. No more than the
     * bytes the response announced are appended (a range's, or the Content-Length): a byte past them is no byte of
     * the file where the part holds it, and fails the attempt.
     *
     * @param expected the bytes announced, or -1 for a body of unknown length
     */
    private Outcome copy(PartialDownload part, Response response, long expected) throws IOException {
        InputStream body = response.body();
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        while (true) {
            int n;
            try {
                n = body.read(buffer);
            } catch (CallCanceledException e) {
                throw e;
            } catch (IOException e) {
                return failed(e);
            }
            if (n < 0) {
                break;
            }
            if (expected >= 0 && copied + n > expected) {
                part.append(buffer, 0, (int) (expected - copied));
                received += expected - copied;
                return failed(new ResponseProtocolException("the server sent more of " + request.uri() + " than the "
                        + expected + " bytes it announced", null, null));
            }
            copied += n;
            if (part.size() + n > config.maxBytes()) {
                part.restart();
                throw tooLarge("more than");
            }
            part.append(buffer, 0, n);
            received += n;
        }
        if (part.length() >= 0 && part.size() != part.length()) {
            return failed(new ConnectionClosedException("the body of " + request.uri() + " ended at byte "
                    + part.size() + " of " + part.length(), false, null));
        }
        return Outcome.COMPLETE;
    }

    private void checkSize(PartialDownload part, long length) throws IOException {
        if (length > config.maxBytes()) {
            part.restart();
            throw tooLarge(length + " bytes,");
        }
    }

    private DownloadFailedException tooLarge(String size) {
        return new DownloadFailedException("the file of " + request.uri() + " is " + size + " maxBytes ("
                + config.maxBytes() + ")", DownloadFailedException.Reason.TOO_LARGE, null, null);
    }

    /** A status that is no part of a download: tried again if it may pass, else the end. */
    private Outcome refused(PartialDownload part, Response response) throws IOException {
        Status status = response.status();
        DownloadFailedException refusal = new DownloadFailedException("download of " + request.uri() + " refused: "
                + status, DownloadFailedException.Reason.REFUSED, status, response.headers());
        if (!isTransient(status.code())) {
            part.restart(); // the server will not send it: nothing to go on from
            throw refusal;
        }
        retryAfter = retryAfterOf(response.headers());
        return failed(refusal);
    }

    private static boolean isTransient(int code) {
        return code == 408 || code == 429 || code == 500 || code == 502 || code == 503 || code == 504;
    }

    /** Records a failure that another request may get past; throws one that it cannot. */
    private Outcome failed(IOException e) throws IOException {
        if (e instanceof CallCanceledException || e instanceof TlsHandshakeException
                || e instanceof RedirectRefusedException || e instanceof TooManyRedirectsException
                || e instanceof ProxyAuthenticationException || e instanceof RequestTooLargeException) {
            throw e;
        }
        lastFailure = e;
        return Outcome.FAILED;
    }

    private void pause(int failures) throws IOException {
        Duration delay = config.retryPolicy().delay(failures);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download of " + request.uri() + " interrupted");
        }
    }

    /** A {@code Retry-After} in seconds or as a date, up to the policy's longest delay; null for none. */
    private Duration retryAfterOf(Headers headers) {
        String value = headers.firstOrNull(HeaderNames.RETRY_AFTER);
        if (value == null) {
            return null;
        }
        Duration wait;
        if (value.matches("[0-9]{1,9}")) {
            wait = Duration.ofSeconds(Long.parseLong(value));
        } else {
            Optional<Instant> date = HttpDate.parse(value);
            if (date.isEmpty()) {
                return null;
            }
            wait = Duration.between(Instant.now(), date.get());
        }
        Duration longest = config.retryPolicy().maxDelay();
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(longest) > 0 ? longest : wait;
    }

    /**
     * Whether a 206 is of a version other than the part's: for a part begun with a strong entity tag, one that does
     * not name that tag, weak or missing (RFC 9110 §15.3.7: a 206 carries the ETag a 200 would; If-Range compares
     * strongly), else one with another Last-Modified.
     */
    private static boolean isOtherVersion(String held, Headers headers) {
        if (held == null) {
            return false;
        }
        if (held.startsWith("\"")) {
            return !held.equals(headers.firstOrNull(HeaderNames.ETAG));
        }
        String modified = headers.firstOrNull(HeaderNames.LAST_MODIFIED);
        return modified != null && !held.equals(modified);
    }

    /**
     * What tells a later request that the server's file is still this version (RFC 9110 §13.1.5): a strong entity
     * tag, else a Last-Modified that is strong, a second or more before the response's Date (§8.8.2.2); null for
     * neither, and the download then cannot be resumed.
     */
    static String validatorOf(Headers headers) {
        String tag = headers.firstOrNull(HeaderNames.ETAG);
        if (tag != null && tag.startsWith("\"")) {
            return tag;
        }
        String lastModified = headers.firstOrNull(HeaderNames.LAST_MODIFIED);
        String date = headers.firstOrNull(HeaderNames.DATE);
        if (lastModified == null || date == null) {
            return null;
        }
        Optional<Instant> modified = HttpDate.parse(lastModified);
        Optional<Instant> sent = HttpDate.parse(date);
        if (modified.isEmpty() || sent.isEmpty() || !HttpDate.isStrongLastModified(modified.get(), sent.get())) {
            return null;
        }
        return lastModified;
    }
}
