package dev.wisp.client;

import java.time.Duration;
import java.util.Objects;

/** A timeout of {@link ClientConfig} passed; {@link #timeout()} says which. The connection is closed. */
public final class TimeoutExceededException extends HttpCallException {
    /** The timeouts a call can exceed, named after their {@link ClientConfig} options. */
    public enum Timeout {
        /** {@code connectTimeout}: DNS and the TCP connection (and a proxy tunnel), or a free pooled connection. */
        CONNECT("connectTimeout"),
        /**
         * {@code handshakeTimeout} of the {@link dev.wisp.tls.TlsConfig TLS configuration}: the TLS handshake, from
         * the moment the TCP connection is up.
         */
        HANDSHAKE("handshakeTimeout"),
        /** {@code readTimeout}: one read of the response waited longer. */
        READ("readTimeout"),
        /** {@code writeTimeout}: one write of the request waited longer. */
        WRITE("writeTimeout"),
        /** {@code callTimeout}: the whole call, from the start to the end of the response body. */
        CALL("callTimeout");

        private final String optionName;

        Timeout(String optionName) {
            this.optionName = optionName;
        }

        /** The {@link ClientConfig} option that sets it. */
        public String optionName() {
            return optionName;
        }
    }

    private final Timeout timeout;

    public TimeoutExceededException(Timeout timeout, String what, Duration limit) {
        super(what + " exceeded " + limit.toMillis() + " ms (" + timeout.optionName() + ")", null);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Which timeout passed. */
    public Timeout timeout() {
        return timeout;
    }
}
