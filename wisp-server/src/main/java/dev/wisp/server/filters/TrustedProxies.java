package dev.wisp.server.filters;

import dev.wisp.core.Ascii;
import dev.wisp.core.ForwardedField;
import dev.wisp.core.IpAddresses;
import dev.wisp.server.ConnectionInfo;
import dev.wisp.server.Filter;
import dev.wisp.server.ForwardingServerRequest;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Filter} for a server behind reverse proxies (nginx, a load balancer, Wisp's own {@code ReverseProxy}): the
 * client's address is then the one the proxies pass on in {@code X-Forwarded-For} (or RFC 7239's {@code Forwarded}),
 * not the last proxy's, and the filters and handlers after this one see it in {@code request.connection()}: the access
 * log, the {@link RateLimit} (which would otherwise count every client behind a proxy as one), a handler's own checks.
 * As nginx's {@code set_real_ip_from} with {@code real_ip_recursive on} decides it:
 *
 * <ul>
 *   <li>Only a connection from a trusted address (a proxy's: {@link Builder#trust}) is read for forwarded addresses;
 *       anyone else could write any address there, and keeps its own.
 *   <li>The addresses are read from the right, the last proxy's entry first: each trusted one is passed over, and the
 *       first that is not trusted is the client (a client may write anything at the left, but no further right than
 *       its own entry, which the first trusted proxy appended). If every entry is trusted, the leftmost is the client.
 *   <li>An entry that is not an address (a name, {@code unknown}, an obfuscated identifier) ends the walk: the client
 *       is the hop that passed it on. A port with an entry ({@code 192.0.2.1:4711}, {@code [2001:db8::1]:80}) is
 *       ignored, and the client's port is given as 0.
 * </ul>
 *
 * <pre>{@code
 * HttpService.builder(router)
 *         .filter(TrustedProxies.builder().trust("127.0.0.1", "10.0.0.0/8").build())   // before the access log
 *         .filter(AccessLog.create())
 *         .build();
 * }</pre>
 *
 * <p>Put it before the filters that use the address. A connection over a Unix domain socket has the loopback address
 * (see {@code ServerConfig.unixSocket}): trust {@code 127.0.0.1} for a proxy there. Immutable and thread-safe.
 */
public final class TrustedProxies implements Filter {
    /** The field the proxies write the client's address in. */
    public enum Field {
        /** {@code X-Forwarded-For: client, proxy1, proxy2}: nginx's {@code $proxy_add_x_forwarded_for}, the default. */
        X_FORWARDED_FOR,
        /** {@code Forwarded: for=client, for="[2001:db8::1]"} (RFC 7239): the {@code for} parameter of each element. */
        FORWARDED
    }

    private final List<AddressBlock> trusted;
    private final Field field;

    private TrustedProxies(Builder builder) {
        this.trusted = List.copyOf(builder.trusted);
        this.field = builder.field;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The field read. */
    public Field field() {
        return field;
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        ConnectionInfo connection = request.connection();
        InetAddress client = clientAddress(request);
        if (client.equals(connection.remoteAddress().getAddress())) {
            next.handle(request, response);
            return;
        }
        ConnectionInfo forwarded = new ConnectionInfo(connection.id(), new InetSocketAddress(client, 0),
                connection.localAddress(), connection.openedAt(), connection.protocol(), connection.tls());
        next.handle(new ForwardingServerRequest(request) {
            @Override
            public ConnectionInfo connection() {
                return forwarded;
            }
        }, response);
    }

    /** The client's address as the rules above find it: the connection's own unless it comes from a trusted proxy. */
    public InetAddress clientAddress(ServerRequest request) {
        InetAddress current = request.connection().remoteAddress().getAddress();
        if (!isTrusted(current.getAddress())) {
            return current;
        }
        List<String> hops = hops(request);
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] address = IpAddresses.literal(withoutPort(hops.get(i)));
            if (address == null) {
                return current;
            }
            try {
                current = InetAddress.getByAddress(address);
            } catch (UnknownHostException e) {
                return current; // not an address's length: cannot happen for a literal
            }
            if (!isTrusted(address)) {
                return current;
            }
        }
        return current;
    }

    private boolean isTrusted(byte[] address) {
        for (AddressBlock block : trusted) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The forwarded addresses of every field of the kind read, in order, the first client's first. */
    private List<String> hops(ServerRequest request) {
        List<String> hops = new ArrayList<>();
        if (field == Field.X_FORWARDED_FOR) {
            for (String value : request.headers().all("X-Forwarded-For")) {
                for (String entry : value.split(",")) {
                    hops.add(entry.strip());
                }
            }
        } else {
            for (String value : request.headers().all("Forwarded")) {
                for (String element : ForwardedField.split(value)) {
                    hops.add(ForwardedField.parameter(element, "for"));
                }
            }
        }
        return hops;
    }

    /** An entry without its port: {@code [v6]:port} and {@code [v6]} to {@code v6}, {@code v4:port} to {@code v4}. */
    private static String withoutPort(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close < 0 || (close + 1 < entry.length() && entry.charAt(close + 1) != ':') ? ""
                    : entry.substring(1, close);
        }
        int colon = entry.indexOf(':');
        return colon >= 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
    }

    /** Builds {@link TrustedProxies}. Not thread-safe. */
    public static final class Builder {
        private final List<AddressBlock> trusted = new ArrayList<>();
        private Field field = Field.X_FORWARDED_FOR;

        private Builder() {
        }

        /**
         * The proxies whose forwarded addresses are believed: addresses ({@code 127.0.0.1}, {@code ::1}) or ranges in
         * CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}).
         *
         * @throws IllegalArgumentException for one that is neither
         */
        public Builder trust(String... addressesOrRanges) {
            for (String entry : addressesOrRanges) {
                trusted.add(AddressBlock.parse(Objects.requireNonNull(entry, "entry")));
            }
            return this;
        }

        /** The field the proxies write: {@code X-Forwarded-For} unless set. */
        public Builder field(Field field) {
            this.field = Objects.requireNonNull(field, "field");
            return this;
        }

        /**
         * @throws IllegalStateException if no proxy is trusted, which would leave every address as it is
         */
        public TrustedProxies build() {
            if (trusted.isEmpty()) {
                throw new IllegalStateException("trust(...) names no proxy: every client would keep its address");
            }
            return new TrustedProxies(this);
        }
    }

    /** An address, or a range of them in CIDR notation. */
    private record AddressBlock(byte[] network, int bits) {
        static AddressBlock parse(String text) {
            int slash = text.indexOf('/');
            byte[] network = IpAddresses.literal(slash < 0 ? text : text.substring(0, slash));
            if (network != null) {
                if (slash < 0) {
                    return new AddressBlock(network, network.length * 8);
                }
                String bits = text.substring(slash + 1);
                if (bits.matches("[0-9]{1,3}") && Integer.parseInt(bits) <= network.length * 8) {
                    return new AddressBlock(network, Integer.parseInt(bits));
                }
            }
            throw new IllegalArgumentException("not an address nor a range of them (10.0.0.0/8, fd00::/8): '"
                    + Ascii.escape(text) + "'");
        }

        boolean contains(byte[] address) {
            return IpAddresses.samePrefix(network, address, bits);
        }
    }
}
