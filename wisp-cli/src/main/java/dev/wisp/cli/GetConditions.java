package dev.wisp.cli;

import dev.wisp.client.Request;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.HttpDate;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * curl's conditional downloads, for scripts that fetch a file again only when it changed: {@code -z} (a time, or a
 * file's modification time, sent as {@code If-Modified-Since}; {@code -TIME} as {@code If-Unmodified-Since}),
 * {@code --etag-compare FILE} ({@code If-None-Match} with the ETag a run's {@code --etag-save FILE} wrote), and
 * {@code -R} (the output file takes the response's {@code Last-Modified}, so that the next {@code -z FILE} asks from
 * there). As curl does, a 304 leaves the output file as it was, and a server that ignores {@code -z} and sends a body
 * whose {@code Last-Modified} does not meet the condition has it dropped, reported as 304.
 *
 * <p>Immutable.
 */
final class GetConditions {
    static final List<Option> OPTIONS = List.of(
            new Option("--time-cond", "-z", "TIME|FILE", "ask for the body only if it changed after TIME (a date, or"
                    + " FILE's modification time; -TIME: only if it did not); a body sent anyway that is not newer"
                    + " is dropped, as a 304"),
            new Option("--etag-compare", null, "FILE", "ask for the body only if its ETag is not the one FILE holds"
                    + " (If-None-Match)"),
            new Option("--etag-save", null, "FILE", "write the response's ETag to FILE (empty if it has none), for"
                    + " --etag-compare"),
            new Option("--remote-time", "-R", null, "give the -o or -O file the response's Last-Modified time"));

    /** The time of -z, or null for none. */
    private final Instant time;
    /** Whether -z asks for a body newer than the time (If-Modified-Since), else one not newer. */
    private final boolean newer;
    /** The ETag of --etag-compare, or null for none. */
    private final String etag;

    private GetConditions(Instant time, boolean newer, String etag) {
        this.time = time;
        this.newer = newer;
        this.etag = etag;
    }

    /** --etag-compare's file could not be read: curl's exit 26. */
    static final class EtagFileException extends IOException {
        EtagFileException(String message) {
            super(message);
        }
    }

    /**
     * The conditions the options ask for. A -z value that is neither a date nor an existing file is warned of and
     * left out, as curl does: {@code -z file -o file} must fetch the first time, when the file is not there yet.
     *
     * @throws UsageException for a condition with {@code -C -}, which resumes one version by its own condition
     * @throws EtagFileException if --etag-compare's file cannot be read
     */
    static GetConditions of(Arguments parsed, PrintStream err, boolean silent)
            throws UsageException, EtagFileException {
        if (parsed.has("--continue-at")) {
            for (String option : List.of("--time-cond", "--etag-compare", "--etag-save", "--remote-time")) {
                if (parsed.has(option)) {
                    throw new UsageException(option + " and -C - cannot be combined: -C - resumes the version it"
                            + " started with");
                }
            }
        }
        Instant time = null;
        boolean newer = true;
        Optional<String> condition = parsed.value("--time-cond");
        if (condition.isPresent()) {
            String text = condition.get();
            newer = !text.startsWith("-");
            time = timeOf(newer ? text : text.substring(1));
            if (time == null && !silent) {
                err.println("wisp get: warning: -z " + text + " is neither a date nor a file: no time condition");
            }
        }
        return new GetConditions(time, newer, etagToCompare(parsed));
    }

    /** A file's modification time, or a date, or null for neither. */
    private static Instant timeOf(String text) {
        try {
            Path file = Path.of(text);
            if (!text.isEmpty() && Files.isRegularFile(file)) {
                return Files.getLastModifiedTime(file).toInstant();
            }
        } catch (InvalidPathException | IOException e) {
            // not a file: a date, perhaps
        }
        return ConditionDates.parse(text).orElse(null);
    }

    /**
     * The first line of --etag-compare's file, or null for no option. An empty file is an empty ETag ({@code ""}),
     * and so is a missing one when --etag-save is given too (as curl takes it: the first run of {@code --etag-compare
     * F --etag-save F} fetches and saves); a missing one alone is an error.
     */
    private static String etagToCompare(Arguments parsed) throws EtagFileException {
        Optional<String> name = parsed.value("--etag-compare");
        if (name.isEmpty()) {
            return null;
        }
        try {
            if (parsed.has("--etag-save") && !Files.exists(Path.of(name.get()))) {
                return "\"\"";
            }
            String line = Files.readString(Path.of(name.get()), StandardCharsets.UTF_8).lines().findFirst()
                    .orElse("").strip();
            return line.isEmpty() ? "\"\"" : line;
        } catch (NoSuchFileException e) {
            throw new EtagFileException("cannot read the ETag file " + name.get() + ": no such file");
        } catch (IOException | InvalidPathException | java.io.UncheckedIOException e) {
            throw new EtagFileException("cannot read the ETag file " + name.get() + ": " + e.getMessage());
        }
    }

    /** Adds the conditional fields, each unless a --header option gives or removes one of its name. */
    void addTo(Request.Builder request, Arguments parsed) throws UsageException {
        try {
            if (time != null) {
                String name = newer ? HeaderNames.IF_MODIFIED_SINCE : HeaderNames.IF_UNMODIFIED_SINCE;
                if (!GetRequests.headerGiven(parsed, name)) {
                    request.header(name, HttpDate.format(time));
                }
            }
            if (etag != null && !GetRequests.headerGiven(parsed, HeaderNames.IF_NONE_MATCH)) {
                request.header(HeaderNames.IF_NONE_MATCH, etag);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --etag-compare: " + e.getMessage());
        }
    }

    /**
     * Whether a 200 answers a -z the server did not honour: its {@code Last-Modified} is not newer than the time (or,
     * for {@code -TIME}, is newer). Its body is then dropped, as curl drops it.
     */
    boolean isUnmetBy(ResponseHead head) {
        if (time == null || head.status() != Status.OK) {
            return false;
        }
        Optional<Instant> modified = head.headers().first(HeaderNames.LAST_MODIFIED).flatMap(HttpDate::parse);
        return modified.isPresent() && (newer ? !modified.get().isAfter(time) : modified.get().isAfter(time));
    }

    /** --etag-save: the response's ETag and a newline, or nothing (an empty file) when it has none. */
    static void saveEtag(Arguments parsed, ResponseHead head) throws GetCommand.OutputException {
        Optional<String> name = parsed.value("--etag-save");
        if (name.isEmpty()) {
            return;
        }
        String value = head.headers().first(HeaderNames.ETAG).map(tag -> tag + "\n").orElse("");
        try {
            Files.writeString(Path.of(name.get()), value, StandardCharsets.UTF_8);
        } catch (IOException | InvalidPathException e) {
            throw new GetCommand.OutputException("cannot write the ETag file " + name.get() + ": " + e.getMessage());
        }
    }

    /** -R: gives the file the response's {@code Last-Modified}, if it has one. */
    static void setRemoteTime(Arguments parsed, Path file, ResponseHead head) throws GetCommand.OutputException {
        if (!parsed.has("--remote-time")) {
            return;
        }
        Optional<Instant> modified = head.headers().first(HeaderNames.LAST_MODIFIED).flatMap(HttpDate::parse);
        if (modified.isPresent()) {
            try {
                Files.setLastModifiedTime(file, FileTime.from(modified.get()));
            } catch (IOException e) {
                throw new GetCommand.OutputException("cannot set the time of " + file + ": " + e.getMessage());
            }
        }
    }
}
