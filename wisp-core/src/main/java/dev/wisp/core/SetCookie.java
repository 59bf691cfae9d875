package dev.wisp.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code Set-Cookie} field a server sends (RFC 6265 §4.1, with SameSite and Partitioned from its successors).
 * Built with {@link #builder(String, String)}, checked in {@link Builder#build()}, sent with {@link #toString()}:
 * <pre>{@code
 * SetCookie session = SetCookie.builder("session", token)
 *         .path("/").httpOnly(true).secure(true).sameSite(SetCookie.SameSite.LAX)
 *         .maxAge(Duration.ofHours(8))
 *         .build();                       // session=...; Max-Age=28800; Path=/; Secure; HttpOnly; SameSite=Lax
 * }</pre>
 *
 * <p>Immutable.
 */
public final class SetCookie {
    /** The SameSite attribute: whether browsers send the cookie with requests other sites start. */
    public enum SameSite {
        STRICT("Strict"), LAX("Lax"), NONE("None");

        private final String text;

        SameSite(String text) {
            this.text = text;
        }
    }

    private final String name;
    private final String value;
    private final String domain;
    private final String path;
    private final Duration maxAge;
    private final Instant expires;
    private final boolean secure;
    private final boolean httpOnly;
    private final SameSite sameSite;
    private final boolean partitioned;

    private SetCookie(Builder builder) {
        this.name = builder.name;
        this.value = builder.value;
        this.domain = builder.domain;
        this.path = builder.path;
        this.maxAge = builder.maxAge;
        this.expires = builder.expires;
        this.secure = builder.secure;
        this.httpOnly = builder.httpOnly;
        this.sameSite = builder.sameSite;
        this.partitioned = builder.partitioned;
    }

    /** Starts a cookie; its name and value are checked by {@link Builder#build()}. */
    public static Builder builder(String name, String value) {
        return new Builder(name, value);
    }

    /** A builder holding this cookie's name, value and attributes, to derive a variant. */
    public Builder toBuilder() {
        Builder builder = new Builder(name, value);
        builder.domain = domain;
        builder.path = path;
        builder.maxAge = maxAge;
        builder.expires = expires;
        builder.secure = secure;
        builder.httpOnly = httpOnly;
        builder.sameSite = sameSite;
        builder.partitioned = partitioned;
        return builder;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    public Optional<String> path() {
        return Optional.ofNullable(path);
    }

    public Optional<Duration> maxAge() {
        return Optional.ofNullable(maxAge);
    }

    public Optional<Instant> expires() {
        return Optional.ofNullable(expires);
    }

    public boolean isSecure() {
        return secure;
    }

    public boolean isHttpOnly() {
        return httpOnly;
    }

    public Optional<SameSite> sameSite() {
        return Optional.ofNullable(sameSite);
    }

    public boolean isPartitioned() {
        return partitioned;
    }

    /** The field value to send, e.g. {@code id=a3fWa; Max-Age=2592000; Path=/; Secure; HttpOnly; SameSite=Lax}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name).append('=').append(value);
        if (expires != null) {
            out.append("; Expires=").append(HttpDate.format(expires));
        }
        if (maxAge != null) {
            out.append("; Max-Age=").append(maxAge.toSeconds());
        }
        if (domain != null) {
            out.append("; Domain=").append(domain);
        }
        if (path != null) {
            out.append("; Path=").append(path);
        }
        if (secure) {
            out.append("; Secure");
        }
        if (httpOnly) {
            out.append("; HttpOnly");
        }
        if (sameSite != null) {
            out.append("; SameSite=").append(sameSite.text);
        }
        if (partitioned) {
            out.append("; Partitioned");
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SetCookie cookie && cookie.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Collects a cookie's attributes; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final String value;
        private String domain;
        private String path;
        private Duration maxAge;
        private Instant expires;
        private boolean secure;
        private boolean httpOnly;
        private SameSite sameSite;
        private boolean partitioned;

        private Builder(String name, String value) {
            this.name = Objects.requireNonNull(name, "name");
            this.value = Objects.requireNonNull(value, "value");
        }

        /** The hosts the cookie is sent to besides the one that set it: this domain and its subdomains. */
        public Builder domain(String domain) {
            this.domain = Objects.requireNonNull(domain, "domain");
            return this;
        }

        /** The paths the cookie is sent to: this one and those below it. */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** How long the cookie lives, in whole seconds; {@link Duration#ZERO} removes it at once. */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
            return this;
        }

        /** When the cookie expires, for user agents older than Max-Age; sent as an IMF-fixdate. */
        public Builder expires(Instant expires) {
            this.expires = Objects.requireNonNull(expires, "expires");
            return this;
        }

        /** Whether the cookie is sent over HTTPS only. */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /** Whether the cookie is hidden from scripts in the page. */
        public Builder httpOnly(boolean httpOnly) {
            this.httpOnly = httpOnly;
            return this;
        }

        /** The SameSite attribute; {@link SameSite#NONE} needs {@link #secure(boolean)}. */
        public Builder sameSite(SameSite sameSite) {
            this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
            return this;
        }

        /** Whether the cookie is kept per top-level site (CHIPS); needs {@link #secure(boolean)}. */
        public Builder partitioned(boolean partitioned) {
            this.partitioned = partitioned;
            return this;
        }

        /**
         * Checks the cookie and builds it.
         *
         * @throws IllegalArgumentException naming what breaks RFC 6265's syntax, or a rule browsers enforce:
         *         SameSite=None and Partitioned need Secure, a {@code __Secure-} name needs Secure, a {@code __Host-}
         *         name needs Secure, Path=/ and no Domain
         */
        public SetCookie build() {
            // RFC 6265 §4.1.1: cookie-name is a token; cookie-value is cookie-octets, optionally in double quotes.
            if (!HeaderValidation.isToken(name)) {
                throw new IllegalArgumentException("cookie name is not a token: '" + Ascii.escape(name) + "'");
            }
            if (!isCookieValue(value)) {
                throw new IllegalArgumentException("cookie value has a character outside cookie-octet (no space, '\"',"
                        + " ',', ';' or '\\\\'): '" + Ascii.escape(value) + "'");
            }
            if (domain != null && !domain.matches("\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                    + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
                throw new IllegalArgumentException("cookie domain is not a host name: '" + Ascii.escape(domain) + "'");
            }
            if (path != null && !isAttributeValue(path)) {
                throw new IllegalArgumentException("cookie path holds ';' or a control: '" + Ascii.escape(path) + "'");
            }
            if (maxAge != null && maxAge.isNegative()) {
                throw new IllegalArgumentException("cookie maxAge is negative: " + maxAge);
            }
            if (!secure && (sameSite == SameSite.NONE || partitioned || name.startsWith("__Secure-")
                    || name.startsWith("__Host-"))) {
                throw new IllegalArgumentException("cookie '" + name + "' needs secure(true): browsers drop it"
                        + " without (SameSite=None, Partitioned, __Secure- and __Host- names)");
            }
            if (name.startsWith("__Host-") && (domain != null || !"/".equals(path))) {
                throw new IllegalArgumentException("cookie '" + name + "' needs path(\"/\") and no domain");
            }
            return new SetCookie(this);
        }

        private static boolean isCookieValue(String value) {
            String octets = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                    ? value.substring(1, value.length() - 1) : value;
            for (int i = 0; i < octets.length(); i++) {
                char c = octets.charAt(i);
                // cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
                if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') {
                    return false;
                }
            }
            return true;
        }

        /** RFC 6265 §4.1.1 av-octet: any CHAR except controls and ';'. */
        private static boolean isAttributeValue(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c >= 0x7f || c == ';') {
                    return false;
                }
            }
            return true;
        }
    }
}
