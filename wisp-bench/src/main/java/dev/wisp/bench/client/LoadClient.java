package dev.wisp.bench.client;

import java.net.URI;

/**
 * One HTTP client library under test, configured for the client benchmark: keep-alive, a pool of at least
 * {@link ClientLoad#MAX_CONNECTIONS} connections to the one origin, no compression, no cookies, no redirects,
 * timeouts of {@link ClientLoad#TIMEOUT}. {@link ClientLoad} calls {@link #get} from many virtual threads at once.
 */
interface LoadClient extends AutoCloseable {

    /**
     * Sends {@code GET uri} through the library's pool and its usual blocking call, reads the whole body and
     * drops it.
     *
     * @param scratch a buffer owned by the calling thread, for libraries that hand out the body as a stream
     * @return the number of body bytes received
     * @throws java.io.IOException if the call fails or the status is not 200
     */
    long get(URI uri, byte[] scratch) throws Exception;
}
