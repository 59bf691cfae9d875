package dev.wisp.server;

/**
 * How many final responses a server has sent since it started, by the class of their status (RFC 9110 §15): over
 * HTTP/1.1 and HTTP/2, those its handlers sent and those it sent for them (a 400 for a malformed request, a 413, a
 * 503 when full, a 101 that switched a connection to WebSocket). Interim responses (100 Continue, 103) are not
 * counted.
 *
 * @param informational 1xx: the 101s of WebSocket upgrades
 * @param successful 2xx
 * @param redirection 3xx
 * @param clientError 4xx
 * @param serverError 5xx
 */
public record ResponseCounts(long informational, long successful, long redirection, long clientError,
        long serverError) {
    /** Every final response counted. */
    public long total() {
        return informational + successful + redirection + clientError + serverError;
    }
}
