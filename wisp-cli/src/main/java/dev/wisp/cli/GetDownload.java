package dev.wisp.cli;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.DownloadConfig;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.ReconnectPolicy;
import dev.wisp.client.Request;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        boolean silent = parsed.has("--silent") && !parsed.has("--show-error");
        try (Client client = Client.create(config)) {
            client.download(request, file, download);
            return ExitCodes.OK;
        } catch (HttpCallException e) {
            report(err, silent, e.getMessage());
            return ExitCodes.of(e);
        } catch (IOException e) {
            report(err, silent, "cannot write " + file + ": " + e.getMessage());
            return ExitCodes.WRITE_ERROR;
        } catch (IllegalStateException e) {
            report(err, silent, e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private static void report(PrintStream err, boolean silent, String message) {
        if (!silent) {
            err.println("wisp get: " + message);
        }
    }
}
