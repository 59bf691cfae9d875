package dev.wisp.tls;

import dev.wisp.tls.internal.CipherSuites;
import dev.wisp.tls.internal.Source;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS configuration of a server or a client: key material, trust, protocols, cipher suites, ALPN, SNI, client
 * authentication, session resumption and the client's explicit relaxations. Instances are immutable and
 * thread-safe; use {@link #builder()} or {@link #toBuilder()}. {@link Builder#build()} reads and checks all key
 * material, so bad material fails there, never at the first handshake. {@link TlsContext#create(TlsConfig)} turns a
 * configuration into the {@code SSLContext} and engines a transport uses.
 *
 * <pre>{@code
 * TlsConfig server = TlsConfig.builder()
 *         .identity(TlsIdentity.pemFiles(Path.of("cert.pem"), Path.of("key.pem")))
 *         .alpnProtocols("h2", "http/1.1")
 *         .build();                               // TlsConfigException says what is wrong
 * TlsConfig client = TlsConfig.builder()
 *         .trustedCertificates(Path.of("ca.pem"))  // default: the JDK's trust store
 *         .build();
 * }</pre>
 *
 * <table>
 * <caption>Options and their defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code identity}</td><td>none</td><td>certificate chain and key; a server needs one. Several: the
 *     server chooses by the SNI name against each certificate's DNS names (wildcards match one label); the first
 *     is the default for an unknown or absent name</td></tr>
 * <tr><td>{@code trustedCertificates}</td><td>the JDK's trust store</td><td>CA certificates that verify the
 *     peer: the server's on a client, the clients' on a server with client authentication</td></tr>
 * <tr><td>{@code protocols}</td><td>TLSv1.3, TLSv1.2</td><td>nothing older can be set</td></tr>
 * <tr><td>{@code cipherSuites}</td><td>the JDK's enabled TLS 1.3 suites and ECDHE AEAD TLS 1.2 suites</td>
 *     <td>other suites are refused</td></tr>
 * <tr><td>{@code alpnProtocols}</td><td>none</td><td>ALPN names in preference order</td></tr>
 * <tr><td>{@code serverName}</td><td>the host connected to</td><td>client: SNI name to send and verify</td></tr>
 * <tr><td>{@code clientAuth}</td><td>{@code NONE}</td><td>server: ask for client certificates</td></tr>
 * <tr><td>{@code sessionResumption}</td><td>on</td><td>session tickets and session cache</td></tr>
 * <tr><td>{@code sessionCacheSize}</td><td>{@value #DEFAULT_SESSION_CACHE_SIZE}</td><td>sessions cached</td></tr>
 * <tr><td>{@code sessionTimeout}</td><td>24 h</td><td>resumable for; 1 s to 7 days (the ticket limit)</td></tr>
 * <tr><td>{@code handshakeTimeout}</td><td>10 s</td><td>for the transport: the whole handshake within it</td></tr>
 * <tr><td>{@code pinPublicKeys}</td><td>none</td><td>client: public keys required of some hosts' servers</td></tr>
 * <tr><td>{@code allowSelfSigned}, {@code skipHostnameVerification}, {@code allowExpired},
 *     {@code insecureTrustAll}</td><td>off</td><td>client relaxations, each logged at WARNING at build</td></tr>
 * </table>
 */
public final class TlsConfig {
    /** The default protocols: TLS 1.3 and TLS 1.2. */
    public static final List<TlsVersion> DEFAULT_PROTOCOLS = List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
    /** The default number of cached sessions (the JDK's own default). */
    public static final int DEFAULT_SESSION_CACHE_SIZE = 20_480;
    /** The default session lifetime for resumption. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(24);
    /** The default handshake timeout. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    final List<TlsIdentity> identities;
    final List<Source> trustedPems;
    final List<X509Certificate> trustedObjects;
    final List<TlsVersion> protocols;
    final List<String> cipherSuites;
    final List<String> alpnProtocols;
    final String serverName;
    final ClientAuth clientAuth;
    final boolean sessionResumption;
    final int sessionCacheSize;
    final Duration sessionTimeout;
    final Duration handshakeTimeout;
    final boolean allowSelfSigned;
    final boolean skipHostnameVerification;
    final boolean allowExpired;
    final boolean insecureTrustAll;
    final List<PublicKeyPin> publicKeyPins;
    final TlsMaterial material;

    private TlsConfig(Builder builder) {
        identities = List.copyOf(builder.identities);
        trustedPems = List.copyOf(builder.trustedPems);
        trustedObjects = List.copyOf(builder.trustedObjects);
        protocols = List.copyOf(new LinkedHashSet<>(builder.protocols));
        cipherSuites = List.copyOf(new LinkedHashSet<>(builder.cipherSuites));
        alpnProtocols = List.copyOf(builder.alpnProtocols);
        serverName = builder.serverName;
        clientAuth = builder.clientAuth;
        sessionResumption = builder.sessionResumption;
        sessionCacheSize = builder.sessionCacheSize;
        sessionTimeout = builder.sessionTimeout;
        handshakeTimeout = builder.handshakeTimeout;
        allowSelfSigned = builder.allowSelfSigned;
        skipHostnameVerification = builder.skipHostnameVerification;
        allowExpired = builder.allowExpired;
        insecureTrustAll = builder.insecureTrustAll;
        publicKeyPins = List.copyOf(builder.publicKeyPins);
        TlsConfigChecks.check(this);
        material = TlsMaterial.load(this);
        TlsConfigChecks.warnRelaxations(this);
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's options, to derive a variant. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The public keys a client requires of the servers of some hosts; empty when none are pinned. */
    public List<PublicKeyPin> publicKeyPins() {
        return publicKeyPins;
    }

    /** The identities, the first being the default; empty when none is set (a client without a certificate). */
    public List<TlsIdentity> identities() {
        return identities;
    }

    /** The trusted CA certificates as read at build; empty means the JDK's default trust store. */
    public List<X509Certificate> trustedCertificates() {
        return material.trusted();
    }

    /** The allowed protocol versions, in preference order. */
    public List<TlsVersion> protocols() {
        return protocols;
    }

    /** The enabled cipher suites, JDK names, in preference order. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** The ALPN protocol names, in preference order; empty when ALPN is not used. */
    public List<String> alpnProtocols() {
        return alpnProtocols;
    }

    /** The SNI name a client sends and verifies instead of the host it connects to. */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    /** Whether a server asks for client certificates. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** Whether sessions may be resumed (tickets and cache). */
    public boolean isSessionResumptionEnabled() {
        return sessionResumption;
    }

    /** The number of sessions cached. */
    public int sessionCacheSize() {
        return sessionCacheSize;
    }

    /** How long a session can be resumed. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** The time the transport allows for a whole handshake. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** Whether a client accepts a server certificate that signs itself. */
    public boolean allowsSelfSigned() {
        return allowSelfSigned;
    }

    /** Whether a client skips checking that the server certificate names the host. */
    public boolean skipsHostnameVerification() {
        return skipHostnameVerification || insecureTrustAll;
    }

    /** Whether a client accepts an expired or not yet valid server certificate. */
    public boolean allowsExpired() {
        return allowExpired;
    }

    /** Whether a client accepts any server certificate at all. */
    public boolean trustsAll() {
        return insecureTrustAll;
    }

    /** Every file the key material and trusted certificates are read from: what {@link TlsContext} can watch. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        identities.forEach(identity -> files.addAll(identity.files()));
        trustedPems.forEach(source -> source.path().ifPresent(files::add));
        return List.copyOf(new LinkedHashSet<>(files));
    }

    @Override
    public String toString() {
        return "TlsConfig[identities=" + identities + ", protocols=" + protocols + ", alpn=" + alpnProtocols
                + ", clientAuth=" + clientAuth + ", sessionResumption=" + sessionResumption + "]";
    }

    /** Builds a {@link TlsConfig}. Not thread-safe. Setters return the builder; collection setters copy. */
    public static final class Builder {
        private final List<TlsIdentity> identities = new ArrayList<>();
        private final List<Source> trustedPems = new ArrayList<>();
        private final List<X509Certificate> trustedObjects = new ArrayList<>();
        private List<TlsVersion> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites;
        private List<String> alpnProtocols = List.of();
        private String serverName;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private boolean sessionResumption = true;
        private int sessionCacheSize = DEFAULT_SESSION_CACHE_SIZE;
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private boolean allowSelfSigned;
        private boolean skipHostnameVerification;
        private boolean allowExpired;
        private boolean insecureTrustAll;
        private final List<PublicKeyPin> publicKeyPins = new ArrayList<>();

        private Builder() {
            cipherSuites = CipherSuites.recommended();
        }

        private Builder(TlsConfig config) {
            identities.addAll(config.identities);
            trustedPems.addAll(config.trustedPems);
            trustedObjects.addAll(config.trustedObjects);
            protocols = config.protocols;
            cipherSuites = config.cipherSuites;
            alpnProtocols = config.alpnProtocols;
            serverName = config.serverName;
            clientAuth = config.clientAuth;
            sessionResumption = config.sessionResumption;
            sessionCacheSize = config.sessionCacheSize;
            sessionTimeout = config.sessionTimeout;
            handshakeTimeout = config.handshakeTimeout;
            allowSelfSigned = config.allowSelfSigned;
            skipHostnameVerification = config.skipHostnameVerification;
            allowExpired = config.allowExpired;
            insecureTrustAll = config.insecureTrustAll;
            publicKeyPins.addAll(config.publicKeyPins);
        }

        /** Adds an identity; the first added is the default. */
        public Builder identity(TlsIdentity identity) {
            identities.add(Objects.requireNonNull(identity, "identity"));
            return this;
        }

        /** Replaces all identities. */
        public Builder identities(List<TlsIdentity> identities) {
            List<TlsIdentity> copy = List.copyOf(identities);
            this.identities.clear();
            this.identities.addAll(copy);
            return this;
        }

        /** Adds every certificate of a PEM file (a CA bundle) to the trusted certificates. */
        public Builder trustedCertificates(Path pemFile) {
            trustedPems.add(Source.file(Objects.requireNonNull(pemFile, "pemFile")));
            return this;
        }

        /** Adds every certificate of PEM text (a CA bundle) to the trusted certificates. */
        public Builder trustedCertificatesPem(String pem) {
            Objects.requireNonNull(pem, "pem");
            trustedPems.add(Source.memory("(trusted certificates in memory)",
                    pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return this;
        }

        /** Adds certificates to the trusted certificates. */
        public Builder trustedCertificates(Collection<X509Certificate> certificates) {
            trustedObjects.addAll(List.copyOf(certificates));
            return this;
        }

        /** Forgets the trusted certificates set so far: the JDK's default trust store is used. */
        public Builder defaultTrust() {
            trustedPems.clear();
            trustedObjects.clear();
            return this;
        }

        /** The allowed versions, in preference order. */
        public Builder protocols(TlsVersion... versions) {
            protocols = List.of(versions);
            return this;
        }

        /**
         * The allowed versions by JSSE name ({@code "TLSv1.3"}, {@code "TLSv1.2"}).
         *
         * @throws TlsConfigException for any other name
         */
        public Builder protocols(String... javaNames) {
            List<TlsVersion> versions = new ArrayList<>();
            for (String name : javaNames) {
                versions.add(TlsVersion.of(name));
            }
            protocols = List.copyOf(versions);
            return this;
        }

        /** The cipher suites by JDK name, in preference order; checked at build. */
        public Builder cipherSuites(String... suites) {
            cipherSuites = List.of(suites);
            return this;
        }

        /** The ALPN protocol names ({@code "h2"}, {@code "http/1.1"}), in preference order. */
        public Builder alpnProtocols(String... protocols) {
            alpnProtocols = List.of(protocols);
            return this;
        }

        /** Client: the SNI name to send and verify, instead of the host connected to. */
        public Builder serverName(String serverName) {
            this.serverName = Objects.requireNonNull(serverName, "serverName");
            return this;
        }

        /** Server: whether to ask clients for a certificate; other than NONE needs trusted certificates. */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /** Whether sessions may be resumed, by tickets and by the session cache. */
        public Builder sessionResumption(boolean enabled) {
            sessionResumption = enabled;
            return this;
        }

        /** The number of sessions the context caches (at least 1). */
        public Builder sessionCacheSize(int count) {
            sessionCacheSize = count;
            return this;
        }

        /** How long a session can be resumed: 1 second to 7 days. */
        public Builder sessionTimeout(Duration timeout) {
            sessionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The time the transport allows for a whole handshake (positive). */
        public Builder handshakeTimeout(Duration timeout) {
            handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Client relaxation: accept a server certificate that signs itself. Logged at WARNING. */
        public Builder allowSelfSigned() {
            allowSelfSigned = true;
            return this;
        }

        /** Client relaxation: do not check that the server certificate names the host. Logged at WARNING. */
        public Builder skipHostnameVerification() {
            skipHostnameVerification = true;
            return this;
        }

        /** Client relaxation: accept an expired or not yet valid server certificate. Logged at WARNING. */
        public Builder allowExpired() {
            allowExpired = true;
            return this;
        }

        /** Client relaxation: accept any server certificate for any host. Logged at WARNING. Never in production. */
        public Builder insecureTrustAll() {
            insecureTrustAll = true;
            return this;
        }

        /**
         * Client: requires, of the servers of the hosts the pattern matches, a chain that holds one of these public
         * keys ({@link PublicKeyPin}: {@code "sha256/"} and the hash of the key in base64, as OkHttp pins, or
         * {@code "sha256//"} and the hash, as curl does). Checked after the handshake, on top of the usual checks,
         * which still apply; no relaxation lifts it. Pins of several patterns that match a host all count.
         *
         * @throws IllegalArgumentException if the pattern or a pin is malformed, or no pin is given
         */
        public Builder pinPublicKeys(String hostPattern, String... pins) {
            if (pins.length == 0) {
                throw new IllegalArgumentException("no public key pinned for " + hostPattern);
            }
            List<PublicKeyPin> parsed = new ArrayList<>();
            for (String pin : pins) {
                parsed.add(PublicKeyPin.of(hostPattern, pin));
            }
            publicKeyPins.addAll(parsed);
            return this;
        }

        /**
         * Checks the options, reads all key material and checks it.
         *
         * @throws TlsConfigException naming the bad option or material
         */
        public TlsConfig build() {
            return new TlsConfig(this);
        }
    }
}
