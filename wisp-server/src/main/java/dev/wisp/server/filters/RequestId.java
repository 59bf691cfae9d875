package dev.wisp.server.filters;

import dev.wisp.core.HeaderValidation;
import dev.wisp.core.RequestHead;
import dev.wisp.server.Filter;
import dev.wisp.server.ForwardingServerRequest;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link Filter} that gives every exchange an identifier, as nginx's {@code $request_id}, Envoy's and Heroku's
 * routers do, so that the lines the gateway, this server and the services behind it log of one request can be found
 * together: 32 hexadecimal digits (128 random bits), in the request's {@value #DEFAULT_FIELD} field for what runs
 * after the filter (the handlers, {@link AccessLog}'s JSON line, a {@code ReverseProxy}, which passes it on upstream)
 * and in the response's, for the client.
 *
 * <pre>{@code
 * HttpService.builder(router)
 *         .filter(RequestId.create())      // before the access log, which then writes it
 *         .filter(AccessLog.builder().format(AccessLog.Format.JSON).build())
 *         .build();
 * }</pre>
 *
 * <p>An identifier the request brings is replaced unless {@link Builder#acceptIncoming} says a gateway in front makes
 * them; then one of 1 to {@value #MAX_INCOMING_LENGTH} visible ASCII characters without space, quote, comma or
 * semicolon is kept, and any other replaced. Immutable and thread-safe.
 */
public final class RequestId implements Filter {
    /** The field unless {@link Builder#field} names another. */
    public static final String DEFAULT_FIELD = "X-Request-Id";
    /** The longest incoming identifier kept. */
    public static final int MAX_INCOMING_LENGTH = 200;
    private static final HexFormat HEX = HexFormat.of();

    private final String field;
    private final boolean acceptIncoming;

    private RequestId(Builder builder) {
        this.field = builder.field;
        this.acceptIncoming = builder.acceptIncoming;
    }

    /** Identifiers in {@value #DEFAULT_FIELD}, made here for every request. */
    public static RequestId create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The field name. */
    public String field() {
        return field;
    }

    /** The identifier a request carries in the field, for a handler behind the filter. */
    public Optional<String> of(ServerRequest request) {
        return request.headers().first(field);
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        List<String> incoming = request.headers().all(field);
        String id = acceptIncoming && incoming.size() == 1 && isAcceptable(incoming.get(0)) ? incoming.get(0)
                : newId();
        response.setHeader(field, id);
        if (incoming.size() == 1 && incoming.get(0).equals(id)) {
            next.handle(request, response);
            return;
        }
        RequestHead head = request.head();
        RequestHead withId = new RequestHead(head.method(), head.target(), head.version(),
                head.headers().toBuilder().set(field, id).build());
        next.handle(new ForwardingServerRequest(request) {
            @Override
            public RequestHead head() {
                return withId;
            }
        }, response);
    }

    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }

    /** Visible ASCII, bounded, and none of the characters that would split or quote it in a log or a list. */
    private static boolean isAcceptable(String id) {
        if (id.isEmpty() || id.length() > MAX_INCOMING_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Builds a {@link RequestId}. Not thread-safe. */
    public static final class Builder {
        private String field = DEFAULT_FIELD;
        private boolean acceptIncoming;

        private Builder() {
        }

        /**
         * The field, {@value #DEFAULT_FIELD} unless set ({@code X-Correlation-Id}, {@code X-Amzn-Trace-Id}...).
         *
         * @throws IllegalArgumentException for a name that is not a token
         */
        public Builder field(String field) {
            if (!HeaderValidation.isToken(Objects.requireNonNull(field, "field"))) {
                throw new IllegalArgumentException("not a field name: '" + field + "'");
            }
            this.field = field;
            return this;
        }

        /**
         * Whether an identifier the request brings is kept (when well-formed): for a server behind a gateway that
         * makes them. Off unless set: a client could otherwise write what it likes into the logs' identifiers.
         */
        public Builder acceptIncoming(boolean acceptIncoming) {
            this.acceptIncoming = acceptIncoming;
            return this;
        }

        public RequestId build() {
            return new RequestId(this);
        }
    }
}
