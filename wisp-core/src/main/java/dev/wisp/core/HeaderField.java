package dev.wisp.core;

/**
 * One header field whose name and value were checked when it was made, as {@link Headers.Builder#add(String,
 * String)} checks them. A field sent on many messages (a content type, {@code Connection: close}, the current
 * {@code Date}) is made once and added with {@link Headers.Builder#add(HeaderField)} or
 * {@link Headers.Builder#set(HeaderField)}, which then have nothing to check; on a small response that check was
 * a good part of the server's work on the head.
 *
 * @param name a token (RFC 9110 §5.1)
 * @param value a field value without controls and without leading or trailing whitespace (RFC 9110 §5.5)
 */
public record HeaderField(String name, String value) {
    /** @throws IllegalArgumentException if the name is not a token or the value has forbidden characters */
    public HeaderField {
        HeaderValidation.requireName(name);
        HeaderValidation.requireValue(name, value);
    }
}
