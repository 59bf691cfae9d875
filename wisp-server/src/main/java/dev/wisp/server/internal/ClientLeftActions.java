package dev.wisp.server.internal;

/**
 * The actions of {@code ServerRequest.onClientLeft}, as the exchanges of each protocol keep them: one field that is
 * null until an action is added, so that an exchange nobody asks costs nothing. These join and start them.
 */
final class ClientLeftActions {
    private ClientLeftActions() {
    }

    /** The actions registered before, then this one; the one alone if none was. */
    static Runnable then(Runnable before, Runnable action) {
        return before == null ? action : () -> {
            before.run();
            action.run();
        };
    }

    /** Runs the actions on a thread of their own, since the caller is a connection's or a handler's; none for null. */
    static void start(Runnable actions) {
        if (actions != null) {
            Thread.ofVirtual().name("wisp-client-left").start(actions);
        }
    }
}
