package dev.wisp.tls;

/**
 * The TLS protocol versions Wisp allows: TLS 1.3 and TLS 1.2. Older versions (SSLv3, TLS 1.0, 1.1) are broken or
 * deprecated (RFC 8996) and cannot be configured.
 */
public enum TlsVersion {
    /** TLS 1.3 (RFC 8446). */
    TLS_1_3("TLSv1.3"),
    /** TLS 1.2 (RFC 5246). */
    TLS_1_2("TLSv1.2");

    private final String javaName;

    TlsVersion(String javaName) {
        this.javaName = javaName;
    }

    /** The name JSSE uses, such as {@code "TLSv1.3"}. */
    public String javaName() {
        return javaName;
    }

    /**
     * The version with the given JSSE name ({@code "TLSv1.3"}, {@code "TLSv1.2"}).
     *
     * @throws TlsConfigException for any other name, saying which versions are allowed
     */
    public static TlsVersion of(String javaName) {
        for (TlsVersion version : values()) {
            if (version.javaName.equals(javaName)) {
                return version;
            }
        }
        throw new TlsConfigException("protocol '" + javaName + "' is not allowed: only TLSv1.3 and TLSv1.2");
    }
}
