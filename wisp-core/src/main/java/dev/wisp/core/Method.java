package dev.wisp.core;

import java.util.Objects;

/**
 * An HTTP request method (RFC 9110 §9). Methods are an open set of tokens, so this is a value class rather than
 * an enum; the standard methods are constants and {@link #of(String)} returns them for their names, so they can
 * be compared with {@code ==} or {@code equals}. Method names are case-sensitive.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Method {
    public static final Method GET = new Method("GET", true, true);
    public static final Method HEAD = new Method("HEAD", true, true);
    public static final Method POST = new Method("POST", false, false);
    public static final Method PUT = new Method("PUT", false, true);
    public static final Method DELETE = new Method("DELETE", false, true);
    public static final Method CONNECT = new Method("CONNECT", false, false);
    public static final Method OPTIONS = new Method("OPTIONS", true, true);
    public static final Method TRACE = new Method("TRACE", true, true);
    public static final Method PATCH = new Method("PATCH", false, false);

    private final String name;
    private final boolean safe;
    private final boolean idempotent;

    private Method(String name, boolean safe, boolean idempotent) {
        this.name = name;
        this.safe = safe;
        this.idempotent = idempotent;
    }

    /**
     * Returns the method with this name: a constant for the standard methods, otherwise a new extension method.
     *
     * @throws IllegalArgumentException if the name is not an RFC 9110 token
     */
    public static Method of(String name) {
        Objects.requireNonNull(name, "name");
        Method standard = standard(name);
        if (standard != null) {
            return standard;
        }
        if (!HeaderValidation.isToken(name)) {
            throw new IllegalArgumentException("method is not a token: '" + Ascii.escape(name) + "'");
        }
        return new Method(name, false, false);
    }

    /** Returns the standard method with this exact name, or {@code null}. Used by parsers to avoid allocation. */
    static Method standard(String name) {
        return switch (name) {
            case "GET" -> GET;
            case "HEAD" -> HEAD;
            case "POST" -> POST;
            case "PUT" -> PUT;
            case "DELETE" -> DELETE;
            case "CONNECT" -> CONNECT;
            case "OPTIONS" -> OPTIONS;
            case "TRACE" -> TRACE;
            case "PATCH" -> PATCH;
            default -> null;
        };
    }

    public String name() {
        return name;
    }

    /** Whether the method is safe (RFC 9110 §9.2.1): read-only by definition. */
    public boolean isSafe() {
        return safe;
    }

    /** Whether the method is idempotent (RFC 9110 §9.2.2), so a client may retry it. */
    public boolean isIdempotent() {
        return idempotent;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Method method && method.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
