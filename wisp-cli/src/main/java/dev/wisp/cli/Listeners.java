package dev.wisp.cli;

import dev.wisp.client.EventListener;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;

/** The client takes one {@link EventListener}; the options that each want the call's events share it through this. */
final class Listeners {
    private Listeners() {
    }

    /** One listener that hands every event to each of these, in order. */
    static EventListener all(List<EventListener> listeners) {
        if (listeners.size() == 1) {
            return listeners.getFirst();
        }
        return (EventListener) Proxy.newProxyInstance(EventListener.class.getClassLoader(),
                new Class<?>[] {EventListener.class}, (proxy, method, arguments) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == arguments[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "the listeners " + listeners;
                        };
                    }
                    for (EventListener listener : listeners) {
                        try {
                            method.invoke(listener, arguments);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                    return null;
                });
    }
}
