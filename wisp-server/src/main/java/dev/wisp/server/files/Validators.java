package dev.wisp.server.files;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpDate;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The validators of one file (a strong ETag from its size and modification time, and Last-Modified) and the
 * evaluation of a request's preconditions against them, in the order of RFC 9110 §13.2.2.
 *
 * @param etag the strong entity tag, quoted
 * @param lastModified the modification time, truncated to seconds as HTTP dates are
 * @param now the server's time when they were taken, the latest date an If-Modified-Since may hold
 */
record Validators(String etag, Instant lastModified, Instant now) {
    /** What the preconditions of a GET or HEAD request decide. */
    enum Outcome {
        /** Serve the file (a Range may still apply). */
        PROCEED,
        /** 304: the client's copy is current. */
        NOT_MODIFIED,
        /** 412: an If-Match or If-Unmodified-Since condition is false. */
        PRECONDITION_FAILED
    }

    /**
     * The validators of a file as it is now. A modification time later than {@code now} (a clock that was ahead, an
     * archive made on one) is sent as {@code now}, as RFC 9110 §8.8.2.1 requires, so Last-Modified is never after
     * Date; held as If-Modified-Since, such a date would make any later change look not modified.
     */
    static Validators of(BasicFileAttributes attributes, Instant now) {
        return of(attributes, now, null);
    }

    /**
     * The validators of a stored coded copy of a file, whose entity tag names the coding too ({@code "5-1a-br"}), so
     * that no copy can share a tag with the file or another copy whatever their sizes and times (RFC 9110 §8.8.3: a
     * strong tag stands for one representation's bytes).
     *
     * @param coding the copy's content coding, or null for the file itself
     */
    static Validators of(BasicFileAttributes attributes, Instant now, String coding) {
        long modifiedMicros = attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS);
        String etag = "\"" + Long.toHexString(attributes.size()) + "-" + Long.toHexString(modifiedMicros)
                + (coding == null ? "" : "-" + coding) + "\"";
        Instant modified = attributes.lastModifiedTime().toInstant();
        return new Validators(etag, (modified.isAfter(now) ? now : modified).truncatedTo(ChronoUnit.SECONDS), now);
    }

    /** Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since for a GET or HEAD request. */
    Outcome evaluate(Headers headers) {
        if (!unchangedConditionsHold(headers)) {
            return Outcome.PRECONDITION_FAILED;
        }
        List<String> ifNoneMatch = headers.all(HeaderNames.IF_NONE_MATCH);
        if (!ifNoneMatch.isEmpty()) {
            // §13.1.2: weak comparison; when present, If-Modified-Since is ignored (§13.1.3).
            boolean match = EntityTags.isAny(ifNoneMatch) || EntityTags.matches(ifNoneMatch, etag, true);
            return match ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
        }
        // §13.1.3: the date is read on the server's clock. One later than now was never a Last-Modified of ours (it is
        // never after Date) and held as valid it would hide every change made until then, so it is invalid and
        // ignored, as RFC 2616 §14.25 said in so many words and Apache httpd does.
        Optional<Instant> since = date(headers, HeaderNames.IF_MODIFIED_SINCE).filter(date -> !date.isAfter(now));
        if (since.isPresent() && !lastModified.isAfter(since.get())) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    /**
     * Evaluates the preconditions of a PUT or DELETE against the file as it is, or against no file ({@code current}
     * null): RFC 9110 §13.2.2 for a method other than GET and HEAD, where a false condition is always a 412 and
     * If-Modified-Since does not apply. If-Match names a current file ({@code *}) or its tag, by strong comparison;
     * If-None-Match ({@code *}: "only if there is none", the lost-update check of a create) by weak comparison.
     *
     * @return whether the write may go ahead
     */
    static boolean writeMayProceed(Validators current, Headers headers) {
        // With no file, any If-Match is false (§13.1.1), and If-Unmodified-Since does not apply.
        boolean unchanged = current == null ? headers.all(HeaderNames.IF_MATCH).isEmpty()
                : current.unchangedConditionsHold(headers);
        if (!unchanged) {
            return false;
        }
        List<String> ifNoneMatch = headers.all(HeaderNames.IF_NONE_MATCH);
        return ifNoneMatch.isEmpty() || current == null
                || (!EntityTags.isAny(ifNoneMatch) && !EntityTags.matches(ifNoneMatch, current.etag, true));
    }

    /**
     * Whether If-Match (strong comparison, {@code *}) holds, or without it If-Unmodified-Since: the first two steps of
     * RFC 9110 §13.2.2, whose falsehood is a 412 for every method.
     */
    private boolean unchangedConditionsHold(Headers headers) {
        List<String> ifMatch = headers.all(HeaderNames.IF_MATCH);
        if (!ifMatch.isEmpty()) {
            return EntityTags.isAny(ifMatch) || EntityTags.matches(ifMatch, etag, false);
        }
        Optional<Instant> since = date(headers, HeaderNames.IF_UNMODIFIED_SINCE);
        return since.isEmpty() || !lastModified.isAfter(since.get());
    }

    /**
     * Whether an If-Range value still describes the file (RFC 9110 §13.1.5): an entity tag by strong comparison,
     * or a date that is a strong validator and equal to Last-Modified. Anything else means the Range is ignored and
     * the whole file is sent.
     */
    boolean ifRangeMatches(String value) {
        String trimmed = value.strip();
        if (trimmed.startsWith("\"") || trimmed.startsWith("W/")) {
            return EntityTags.matches(List.of(trimmed), etag, false);
        }
        return HttpDate.parse(trimmed).map(date -> date.equals(lastModified) && isLastModifiedStrong()).orElse(false);
    }

    /**
     * Whether Last-Modified is a strong validator ({@link HttpDate#isStrongLastModified}, the Date of this response not
     * being before {@code now}). Until it is, §13.1.5 makes an If-Range holding the date false.
     */
    private boolean isLastModifiedStrong() {
        return HttpDate.isStrongLastModified(lastModified, now);
    }

    /** A date header, if present once and valid; §13.1.3 and §13.1.4 say to ignore it otherwise. */
    private static Optional<Instant> date(Headers headers, String name) {
        List<String> values = headers.all(name);
        return values.size() == 1 ? HttpDate.parse(values.get(0).strip()) : Optional.empty();
    }
}
