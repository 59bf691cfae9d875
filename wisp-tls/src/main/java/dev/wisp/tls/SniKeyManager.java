package dev.wisp.tls;

import dev.wisp.tls.internal.KeyMaterial;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the configured identities. A server chooses by the SNI host name against each certificate's DNS names
 * (a wildcard {@code *.example.com} matches exactly one more label), falling back to the first identity; a client
 * sends its first identity whose key type the server accepts.
 *
 * <p>Thread-safe: the identities are read from the supplier at each call, so that a reload swaps them in
 * together with the trusted certificates (see {@link TlsContext#reload()}). An alias names the generation it was
 * chosen from, so a handshake that chose before a reload still gets a matching key and chain.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    /** The identities of one reading of the key material, numbered by reload. */
    record Generation(int number, List<KeyMaterial> identities) {
    }

    /** The identities presented from now on, and those of the reading before, for an alias chosen before it. */
    record Generations(Generation current, Generation previous) {
        /** The identities of the first reading. */
        static Generations of(List<KeyMaterial> identities) {
            Generation first = new Generation(1, List.copyOf(identities));
            return new Generations(first, first);
        }

        /** The identities of a new reading, to follow these. */
        Generations next(List<KeyMaterial> identities) {
            return new Generations(new Generation(current.number() + 1, List.copyOf(identities)), current);
        }
    }

    private final Supplier<Generations> generations;

    SniKeyManager(Supplier<Generations> generations) {
        this.generations = generations;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServer(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseServer(keyType, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClient(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseClient(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyMaterial material = find(alias);
        return material == null ? null : material.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyMaterial material = find(alias);
        return material == null ? null : material.key();
    }

    private String chooseServer(String keyType, SSLSession handshake) {
        Generation generation = generations.get().current();
        String host = requestedHost(handshake);
        List<Integer> group = new ArrayList<>();
        if (host != null) {
            for (int i = 0; i < generation.identities().size(); i++) {
                if (matchesAny(generation.identities().get(i).dnsNames(), host)) {
                    group.add(i);
                }
            }
        }
        if (group.isEmpty() && !generation.identities().isEmpty()) {
            group.add(0);
        }
        for (int index : group) {
            if (keyTypeMatches(keyType, generation.identities().get(index))) {
                return alias(generation, index);
            }
        }
        return null;
    }

    private String chooseClient(String[] keyTypes) {
        Generation generation = generations.get().current();
        for (int i = 0; i < generation.identities().size(); i++) {
            for (String keyType : keyTypes) {
                if (keyTypeMatches(keyType, generation.identities().get(i))) {
                    return alias(generation, i);
                }
            }
        }
        return null;
    }

    private String[] aliases(String keyType) {
        Generation generation = generations.get().current();
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < generation.identities().size(); i++) {
            if (keyTypeMatches(keyType, generation.identities().get(i))) {
                aliases.add(alias(generation, i));
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(new String[0]);
    }

    private KeyMaterial find(String alias) {
        int at = alias == null ? -1 : alias.indexOf('@');
        if (at < 0) {
            return null;
        }
        try {
            int index = Integer.parseInt(alias.substring(0, at));
            int number = Integer.parseInt(alias.substring(at + 1));
            Generations both = generations.get();
            for (Generation generation : new Generation[] {both.current(), both.previous()}) {
                if (generation.number() == number && index < generation.identities().size()) {
                    return generation.identities().get(index);
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static String alias(Generation generation, int index) {
        return index + "@" + generation.number();
    }

    private static boolean keyTypeMatches(String keyType, KeyMaterial material) {
        String algorithm = material.key().getAlgorithm();
        return keyType.equals(algorithm) || keyType.equals("EdDSA") && algorithm.startsWith("Ed");
    }

    private static String requestedHost(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName hostName) {
                    return hostName.getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

    /** Whether a host matches one of the names: exactly, or by a leading wildcard label (RFC 6125 §6.4.3). */
    static boolean matchesAny(List<String> names, String host) {
        String normalized = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (String name : names) {
            if (name.equals(normalized)) {
                return true;
            }
            if (name.startsWith("*.")) {
                int dot = normalized.indexOf('.');
                if (dot > 0 && normalized.substring(dot).equals(name.substring(1))) {
                    return true;
                }
            }
        }
        return false;
    }
}
