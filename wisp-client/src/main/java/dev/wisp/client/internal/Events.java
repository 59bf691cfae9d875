package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.client.EventListener;
import java.util.function.Consumer;

/** Calls a user's {@link EventListener}, so that a listener that throws cannot break a call. */
public final class Events {
    private static final System.Logger LOG = System.getLogger(Events.class.getName());

    private Events() {
    }

    /** Runs one listener method; a RuntimeException it throws is logged and dropped. */
    public static void fire(EventListener listener, Consumer<EventListener> event) {
        if (listener == EventListener.NONE) {
            return;
        }
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "event listener " + listener.getClass().getName() + " threw; ignored", e);
        }
    }
}
