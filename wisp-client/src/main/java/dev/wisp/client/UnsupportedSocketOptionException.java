package dev.wisp.client;

/**
 * A socket option the platform cannot honour: the JDK has no way to set it, or the kernel refused the value. Thrown
 * when the option is set (the JDK cannot) or when a socket is opened with it (the kernel kept another value), never
 * ignored silently.
 */
public final class UnsupportedSocketOptionException extends UnsupportedOperationException {
    private final String option;

    public UnsupportedSocketOptionException(String option, String message) {
        super(message);
        this.option = option;
    }

    /** The option's name, such as {@code SO_PRIORITY} or {@code IP_TOS}. */
    public String option() {
        return option;
    }
}
