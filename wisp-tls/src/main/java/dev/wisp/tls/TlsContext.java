package dev.wisp.tls;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * What a transport uses of a {@link TlsConfig}: the {@link SSLContext}, built once, and new {@link SSLEngine}s
 * with the configuration's {@link SSLParameters} applied (protocols, cipher suites, ALPN, SNI, client
 * authentication, hostname verification).
 *
 * <p>Thread-safe. The life of one connection:
 * <ol>
 * <li>{@link #newServerEngine()} or {@link #newClientEngine(String, int)};</li>
 * <li>the transport runs the handshake within {@link TlsConfig#handshakeTimeout()};</li>
 * <li>{@link #handshakeCompleted(SSLEngine, Instant)} returns the session's facts;</li>
 * <li>{@link #connectionClosed(SSLSession)} when the connection closes (when resumption is off, that makes sure
 *     the session is never resumed).</li>
 * </ol>
 * {@link #reload()} (or a {@link #watchFiles(Duration)} watcher) reads the key material again for new
 * connections; connections already open keep theirs. A reload is all or nothing: one that fails, for whatever
 * reason, keeps the material in use, identities and trusted certificates both.
 */
public final class TlsContext {
    private static final System.Logger LOG = System.getLogger(TlsContext.class.getName());
    /** One second above the seven days a TLS 1.3 ticket may live: the JDK then issues no tickets at all. */
    private static final int NO_TICKETS_TIMEOUT_SECONDS = (int) TlsConfigChecks.MAX_SESSION_TIMEOUT.toSeconds() + 1;

    private final TlsConfig config;
    private final SSLContext sslContext;
    private final ReentrantLock reloadLock = new ReentrantLock();
    /** What new handshakes use; replaced whole by a reload. */
    private volatile InUse inUse;
    /** The failure of the last reload, as thrown; null once a reload succeeds. */
    private volatile Throwable lastReloadFailure;

    /**
     * The key material of one reading and what was built from it for the handshakes: the JDK's trust manager over
     * its trusted certificates and the identities the key manager presents. Immutable; a reload builds a whole new
     * one before it writes it, so that a failure at any step leaves the one in use as it was.
     */
    private record InUse(TlsMaterial material, X509TrustManager trust, SniKeyManager.Generations identities) {
        static InUse first(TlsMaterial material, boolean trustsAll) {
            return new InUse(material, PeerTrustManager.delegateFor(material.trusted(), trustsAll),
                    SniKeyManager.Generations.of(material.identities()));
        }

        /** The material of a new reading, following this one. */
        InUse next(TlsMaterial loaded, boolean trustsAll) {
            return new InUse(loaded, PeerTrustManager.delegateFor(loaded.trusted(), trustsAll),
                    identities.next(loaded.identities()));
        }
    }

    private TlsContext(TlsConfig config) {
        this.config = config;
        this.inUse = InUse.first(config.material, config.insecureTrustAll);
        SniKeyManager keyManager = new SniKeyManager(() -> inUse.identities());
        PeerTrustManager trustManager = new PeerTrustManager(config, () -> inUse.trust());
        try {
            sslContext = SSLContext.getInstance("TLS");
            sslContext.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot create the TLS context: " + e.getMessage(), e);
        }
        configureSessions(sslContext.getServerSessionContext());
        configureSessions(sslContext.getClientSessionContext());
    }

    /**
     * Builds the context of a configuration; the {@code SSLContext} is created here, once.
     *
     * @throws TlsConfigException when the JDK cannot create it
     */
    public static TlsContext create(TlsConfig config) {
        return new TlsContext(Objects.requireNonNull(config, "config"));
    }

    /** The configuration this context was built from. */
    public TlsConfig config() {
        return config;
    }

    /** The JDK context, for a transport that uses {@code SSLSocket}s; apply {@link #serverParameters()} to them. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * A new server-side engine with the server parameters applied.
     *
     * @throws IllegalStateException when the configuration has no identity to present
     */
    public SSLEngine newServerEngine() {
        SSLEngine engine = sslContext.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(serverParameters());
        return engine;
    }

    /**
     * A new client-side engine for a connection to {@code host:port}, which keys session resumption; SNI carries
     * {@code host} (or the configured {@link TlsConfig#serverName()}) unless it is an IP address.
     */
    public SSLEngine newClientEngine(String host, int port) {
        Objects.requireNonNull(host, "host");
        SSLEngine engine = sslContext.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        engine.setSSLParameters(clientParameters(host));
        return engine;
    }

    /**
     * The parameters of the server side: protocols, suites, ALPN, client authentication.
     *
     * @throws IllegalStateException when the configuration has no identity to present
     */
    public SSLParameters serverParameters() {
        if (config.identities.isEmpty()) {
            throw new IllegalStateException("a TLS server needs an identity (TlsConfig.Builder.identity)");
        }
        SSLParameters parameters = common();
        parameters.setNeedClientAuth(config.clientAuth == ClientAuth.REQUIRED);
        if (config.clientAuth == ClientAuth.OPTIONAL) {
            parameters.setWantClientAuth(true);
        }
        return parameters;
    }

    /** The parameters of the client side for a connection to {@code host}: those of the server plus SNI and
     * endpoint identification ({@code "HTTPS"}, unless a relaxation turns it off). */
    public SSLParameters clientParameters(String host) {
        SSLParameters parameters = common();
        String name = config.serverName != null ? config.serverName : host;
        if (isHostName(name)) {
            try {
                parameters.setServerNames(List.<SNIServerName>of(new SNIHostName(name)));
            } catch (IllegalArgumentException e) {
                // A name SNI cannot carry (RFC 6066 takes letters, digits and hyphens: not a container's my_api).
            }
        }
        if (!config.skipsHostnameVerification()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return parameters;
    }

    /**
     * Checks the server's chain, and the trusted certificate that issued it, against the public keys pinned for the
     * host ({@link TlsConfig#publicKeyPins()}), after a client's handshake: the host as the connection was made to it,
     * or the configured server name in its place, as for the host name's check.
     *
     * @throws PublicKeyPinException if pins apply to the host and none of the chain's keys is pinned
     */
    public void checkPublicKeyPins(String host, SSLSession session) throws PublicKeyPinException {
        PublicKeyPins.check(config.publicKeyPins, config.serverName != null ? config.serverName : host, session,
                () -> inUse.trust().getAcceptedIssuers());
    }

    /**
     * Tells the context that an engine's handshake is complete and returns the session's facts.
     *
     * @param handshakeStarted when the transport began the handshake, to tell a resumed session from a new one
     */
    public TlsSessionInfo handshakeCompleted(SSLEngine engine, Instant handshakeStarted) {
        return TlsSessionInfo.of(engine, handshakeStarted);
    }

    /**
     * Tells the context that the connection of a session has closed. When session resumption is off, the session
     * is invalidated here, so no later connection resumes it. Not earlier: the JDK's engine answers a session
     * invalidated while its connection is open with a renegotiation, which TLS 1.2 peers refuse.
     */
    public void connectionClosed(SSLSession session) {
        if (!config.sessionResumption) {
            session.invalidate();
        }
    }

    /**
     * Reads all key material and trusted certificates again, checks them as {@link TlsConfig.Builder#build()}
     * does and uses them for new connections. All or nothing: everything is read and built first, then swapped in
     * with one write, so that a failure at any step leaves the identities and the trusted certificates in use as
     * they were. Every failure is kept for {@link #lastReloadFailure()}; bad material is also logged at WARNING,
     * while any other failure is left to the caller to log (a {@link TlsFileWatcher} logs the first of a run).
     *
     * @throws TlsConfigException when the new material is bad
     * @throws RuntimeException or {@link Error} as a key store's provider or the JDK threw it (a
     *     {@code ProviderException} once a token is gone, an {@code OutOfMemoryError}), after it is kept
     */
    public void reload() {
        reloadLock.lock();
        try {
            InUse next;
            try {
                next = inUse.next(TlsMaterial.load(config), config.insecureTrustAll);
            } catch (RuntimeException | Error e) {
                lastReloadFailure = e; // first, as it needs no memory: kept even when the heap is full
                if (e instanceof TlsConfigException) {
                    LOG.log(System.Logger.Level.WARNING, "TLS key material not reloaded, keeping the current one: "
                            + e.getMessage());
                }
                throw e;
            }
            inUse = next; // the one write: identities, trusted certificates and material change together
            lastReloadFailure = null;
        } finally {
            reloadLock.unlock();
        }
        LOG.log(System.Logger.Level.INFO, "TLS key material reloaded");
    }

    /**
     * The failure of the last reload, if it failed; cleared by a successful one. A failure other than bad material
     * (a key store provider's {@code RuntimeException}, an {@code Error}) is given as the cause of a
     * {@link TlsConfigException} made for each call.
     */
    public Optional<TlsConfigException> lastReloadFailure() {
        Throwable failure = lastReloadFailure;
        if (failure == null) {
            return Optional.empty();
        }
        return Optional.of(failure instanceof TlsConfigException bad ? bad
                : new TlsConfigException("reloading the TLS key material failed: " + failure, failure));
    }

    /** When the key material in use was read. */
    public Instant loadedAt() {
        return inUse.material().loadedAt();
    }

    /** The certificate chains in use, one per identity, leaf first; empty without identities. */
    public List<List<X509Certificate>> certificateChains() {
        List<List<X509Certificate>> chains = new ArrayList<>();
        inUse.material().identities().forEach(identity -> chains.add(identity.chain()));
        return List.copyOf(chains);
    }

    /**
     * Starts watching {@link TlsConfig#files()} on one daemon thread, reloading when one changes; close the
     * watcher to stop it.
     *
     * @param interval how often the files' modification times and sizes are compared
     */
    public TlsFileWatcher watchFiles(Duration interval) {
        return TlsFileWatcher.start(this, interval);
    }

    private SSLParameters common() {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(config.protocols.stream().map(TlsVersion::javaName).toArray(String[]::new));
        parameters.setCipherSuites(config.cipherSuites.toArray(new String[0]));
        parameters.setUseCipherSuitesOrder(true);
        if (!config.alpnProtocols.isEmpty()) {
            parameters.setApplicationProtocols(config.alpnProtocols.toArray(new String[0]));
        }
        return parameters;
    }

    private void configureSessions(SSLSessionContext sessions) {
        if (config.sessionResumption) {
            sessions.setSessionCacheSize(config.sessionCacheSize);
            sessions.setSessionTimeout((int) config.sessionTimeout.toSeconds());
        } else {
            sessions.setSessionCacheSize(1);
            sessions.setSessionTimeout(NO_TICKETS_TIMEOUT_SECONDS);
        }
    }

    private static boolean isHostName(String name) {
        // SNI carries host names only (RFC 6066 §3): not IPv4 or IPv6 literals.
        if (name.contains(":") || name.matches("[0-9.]+")) {
            return false;
        }
        try {
            new SNIHostName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
