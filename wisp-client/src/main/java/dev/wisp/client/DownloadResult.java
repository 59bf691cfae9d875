package dev.wisp.client;

import java.nio.file.Path;

/**
 * A download that ended whole.
 *
 * @param file the file, under its own name now
 * @param size its length in bytes
 * @param resumedFrom the bytes already there from an earlier download that stopped, kept and not fetched again
 *     (0 for a download from the start)
 * @param bytesReceived the body bytes this download received, over all its requests
 * @param requests the requests it took: 1 without a failure
 */
public record DownloadResult(Path file, long size, long resumedFrom, long bytesReceived, int requests) {
}
