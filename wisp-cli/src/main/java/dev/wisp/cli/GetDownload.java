package dev.wisp.cli;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.DownloadConfig;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.ReconnectPolicy;
import dev.wisp.client.Request;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code wisp get -C - -o FILE URL}: the body to a file that a later run goes on with, through
 * {@link Client#download}: the bytes so far in {@code FILE.part}, resumed with {@code Range} and {@code If-Range} (so
 * never from another version of the file), {@code FILE} only once whole.
 */
final class GetDownload {
    /** The options that print or shape a single response, which a download made of several has not. */
    private static final List<String> EXCLUSIVE = List.of("--include", "--head", "--dump-header", "--range",
            "--compressed", "--write-out", "--request", "--data", "--data-binary", "--data-raw", "--json", "--get",
            "--upload-file", "--form", "--data-urlencode");

    /** How long an interrupted download may take to close its part before the command ends without it. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private GetDownload() {
    }

    /**
     * Checks that the options make a download: {@code -C -}, a file, nothing that sends a body or prints a head.
     *
     * @throws UsageException naming what does not fit
     */
    static void check(Arguments parsed, boolean toFile) throws UsageException {
        if (!parsed.value("--continue-at").orElseThrow().equals("-")) {
            throw new UsageException("option --continue-at takes '-' only: it goes on from what an earlier run left");
        }
        if (!toFile) {
            throw new UsageException("option --continue-at needs a file: -o FILE or -O");
        }
        for (String option : EXCLUSIVE) {
            if (parsed.has(option)) {
                throw new UsageException("option --continue-at cannot go with " + option);
            }
        }
    }

    /** Downloads to the file; returns the exit code. */
    static int run(Arguments parsed, Request request, ClientConfig config, Path file, PrintStream err)
            throws UsageException {
        ReconnectPolicy.Builder retries = ReconnectPolicy.builder().initialDelay(Duration.ofSeconds(1));
        retries.maxAttempts(parsed.intValue("--retry", 4, 0, 1000) + 1);
        DownloadConfig download = DownloadConfig.builder().retryPolicy(retries.build()).build();
        Duration limit = ClientFlags.maxTime(parsed);
        boolean silent = parsed.has("--silent") && !parsed.has("--show-error");
        try (Client client = Client.create(config)) {
            if (limit == null) {
                client.download(request, file, download);
            } else {
                downloadWithin(limit, client, request, file, download);
            }
            return ExitCodes.OK;
        } catch (RunTimedOutException e) {
            report(err, silent, e.getMessage() + "; the bytes so far are kept in " + file + ".part");
            return ExitCodes.TIMEOUT;
        } catch (HttpCallException e) {
            report(err, silent, e.getMessage());
            // A body cut short, as curl's 18, when the bytes so far are kept; the next run goes on from them.
            return e instanceof ConnectionClosedException && hasPart(file) ? ExitCodes.PARTIAL_FILE : ExitCodes.of(e);
        } catch (IOException e) {
            report(err, silent, "cannot write " + file + ": " + e.getMessage());
            return ExitCodes.WRITE_ERROR;
        } catch (IllegalStateException e) {
            report(err, silent, e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    /**
     * The download, ended at --max-time: curl's -m limits the whole run, so the requests, the waits between them and
     * the retries all fit in it (each request's own limit, the call timeout, alone would let every retry take it
     * again). It runs on a virtual thread that the deadline interrupts, which closes a socket it is blocked on and
     * ends a wait; the thread is waited for, so the part is closed and unlocked before the command ends.
     */
    private static void downloadWithin(Duration limit, Client client, Request request, Path file,
            DownloadConfig download) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().name("wisp-get-download").start(() -> {
            try {
                client.download(request, file, download);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        try {
            if (!worker.join(limit)) {
                worker.interrupt();
                worker.join(STOP_GRACE);
                if (worker.isAlive() || failure.get() != null) { // it may have ended whole as the time was up
                    throw new RunTimedOutException(limit);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            throw new InterruptedIOException("interrupted");
        }
        switch (failure.get()) {
            case null -> { }
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable e -> throw new IOException(e);
        }
    }

    private static boolean hasPart(Path file) {
        try {
            return Files.size(Path.of(file + ".part")) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** --max-time passed before the download was whole. */
    private static final class RunTimedOutException extends IOException {
        RunTimedOutException(Duration limit) {
            super("the download took longer than --max-time (" + limit.toMillis() / 1000.0 + " s)");
        }
    }

    private static void report(PrintStream err, boolean silent, String message) {
        if (!silent) {
            err.println("wisp get: " + FlagNames.in(message));
        }
    }
}
