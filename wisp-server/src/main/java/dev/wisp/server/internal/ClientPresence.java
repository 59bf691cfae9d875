package dev.wisp.server.internal;

import dev.wisp.server.ServerRequest;

/** How an exchange's protocol tells that its client has left: {@link ServerRequest#hasClientLeft()}. */
interface ClientPresence {
    /** See {@link ServerRequest#hasClientLeft()}. */
    boolean hasClientLeft();

    /** See {@link ServerRequest#onClientLeft(Runnable)}. */
    void onClientLeft(Runnable action);
}
