package dev.wisp.client;

import dev.wisp.core.Body;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@code application/x-www-form-urlencoded} body (libwebsockets' {@code LCCSCF_HTTP_X_WWW_FORM_URLENCODED}):
 * name and value pairs in order, UTF-8, encoded as the WHATWG URL standard's urlencoded serializer does (space as
 * '+', letters, digits and {@code *-._} kept, every other byte as {@code %XX}). Send it with
 * {@link Request.Builder#body(FormBody)}, which sets Content-Type.
 *
 * <p>Immutable; the body can be sent any number of times.
 */
public final class FormBody {
    /** The media type of the body. */
    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";

    private final byte[] encoded;

    private FormBody(byte[] encoded) {
        this.encoded = encoded;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The body to send. */
    public Body body() {
        return Body.of(encoded.clone());
    }

    /** The encoded form, e.g. {@code name=J%C3%BCrgen+K&x=1}. */
    public String encoded() {
        return new String(encoded, StandardCharsets.US_ASCII);
    }

    /** Encodes one name or value: UTF-8, space as '+', {@code *-._} and alphanumerics kept. */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "*-._".indexOf(c) >= 0) {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return CONTENT_TYPE + " (" + encoded.length + " bytes)";
    }

    /** Builds a {@link FormBody}; not thread-safe. */
    public static final class Builder {
        private final List<String> pairs = new ArrayList<>();

        private Builder() {
        }

        /** Adds a field, keeping others of the same name. */
        public Builder add(String name, String value) {
            pairs.add(encode(Objects.requireNonNull(name, "name")) + "="
                    + encode(Objects.requireNonNull(value, "value")));
            return this;
        }

        /** Adds a field whose name and value are encoded already (as curl's {@code -d} takes them). */
        public Builder addEncoded(String pair) {
            pairs.add(Objects.requireNonNull(pair, "pair"));
            return this;
        }

        public FormBody build() {
            return new FormBody(String.join("&", pairs).getBytes(StandardCharsets.UTF_8));
        }
    }
}
