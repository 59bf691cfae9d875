/**
 * Wisp TLS: the one immutable TLS configuration that server and client share ({@code TlsConfig}), the loading
 * of PEM and PKCS#12 key material with strict parsers of its own, and the {@code TlsContext} that builds the
 * {@code SSLContext} once and hands out configured {@code SSLEngine}s. Requires nothing but {@code java.base}.
 */
module dev.wisp.tls {
    exports dev.wisp.tls;
    exports dev.wisp.tls.internal to dev.wisp.cli;
}
