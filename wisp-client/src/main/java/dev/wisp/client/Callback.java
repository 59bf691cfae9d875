package dev.wisp.client;

import java.io.IOException;

/**
 * Receives the outcome of an asynchronous call, on the call's own virtual thread. The response is closed when
 * {@link #onResponse(Response)} returns, so read its body there.
 */
public interface Callback {
    /** The response arrived; read its body here. An exception thrown here is logged. */
    void onResponse(Response response) throws IOException;

    /** The call failed: an {@link HttpCallException} for what the client reports, or the body source's own failure. */
    void onFailure(IOException failure);
}
