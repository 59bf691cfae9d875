package dev.wisp.http2;

import dev.wisp.core.Headers;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Version;
import dev.wisp.http2.FieldRules.Section;
import dev.wisp.http2.hpack.HpackField;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The field section of an HTTP/2 request (RFC 9113 §8.3.1) to a {@link RequestHead} and back: the control data in
 * the pseudo-header fields {@code :method}, {@code :scheme}, {@code :authority} and {@code :path}, then the regular
 * fields. Decoding enforces every rule whose breach makes a request malformed (§8.1.1, §8.2, §8.3.1, §8.5); see
 * {@link #decode(List, int, boolean)}. Stateless and thread-safe.
 */
public final class RequestFields {
    private RequestFields() {
    }

    /**
     * Server side: a request's decoded header block to a request head (version HTTP/2), refusing extended CONNECT;
     * see {@link #decode(List, int, boolean)}.
     *
     * @throws StreamException with PROTOCOL_ERROR if the request is malformed
     */
    public static RequestHead decode(List<HpackField> fields, int streamId) throws StreamException {
        return decode(fields, streamId, false);
    }

    /**
     * Server side: a request's decoded header block to a request head (version HTTP/2). {@code :authority} becomes
     * the Host field, first, if no Host was sent; if both were sent they must name the same host and port (case and
     * a default port aside), and the Host is kept where it was. Cookie fields the peer split into crumbs (§8.2.3) are
     * joined with "; " into one, where the first was. Pseudo-header fields are not in the returned headers; the
     * target is parsed from {@code :path} (from {@code :authority} for CONNECT), and {@code :scheme} is checked but
     * not kept. Field names stay lowercase, as received.
     *
     * <p>Malformed: a name that is not a lowercase token; a value with NUL, CR, LF or another control, or with
     * whitespace at either end; a connection-specific field, or {@code te} other than {@code trailers}; an unknown,
     * repeated or late pseudo-header field; a missing {@code :method}, {@code :scheme} or {@code :path}, or for CONNECT
     * a missing {@code :authority} or a {@code :scheme} or {@code :path}; an empty or invalid {@code :path}, or
     * {@code *} for another method than OPTIONS; an authority with userinfo; an http or https request without
     * authority; several Host fields; a bad or conflicting Content-Length.
     *
     * @param allowExtendedConnect whether {@code :protocol} is accepted on a CONNECT request (RFC 8441 §4), as it
     *        may be once we sent SETTINGS_ENABLE_CONNECT_PROTOCOL; its value is {@link #extendedConnectProtocol}
     * @throws StreamException with PROTOCOL_ERROR if the request is malformed
     */
    public static RequestHead decode(List<HpackField> fields, int streamId, boolean allowExtendedConnect)
            throws StreamException {
        Objects.requireNonNull(fields, "fields");
        RequestControlData control = new RequestControlData(streamId);
        int regular = 0;
        while (regular < fields.size() && fields.get(regular).name().startsWith(":")) {
            control.set(fields.get(regular), allowExtendedConnect);
            regular++;
        }
        Headers.Builder headers = Headers.builder();
        if (control.authority() != null && !hasHost(fields, regular)) {
            headers.add("host", control.authority());
        }
        // The regular fields first, so that a late pseudo-header field is named as such, not as a missing one.
        Headers built = FieldRules.decodeRegular(fields, regular, Section.REQUEST, streamId, headers).build();
        control.checkComplete();
        control.checkHost(built);
        return new RequestHead(control.method(), control.target(), Version.HTTP_2, built);
    }

    /**
     * The {@code :protocol} of an extended CONNECT request (RFC 8441 §4) that {@link #decode(List, int, boolean)}
     * accepted, or empty for any other request.
     */
    public static Optional<String> extendedConnectProtocol(List<HpackField> fields) {
        for (HpackField field : fields) {
            if (!field.name().startsWith(":")) {
                break;
            }
            if (field.name().equals(":protocol")) {
                return Optional.of(field.value());
            }
        }
        return Optional.empty();
    }

    /**
     * Client side: a request head to the fields to encode: {@code :method}, {@code :scheme}, {@code :authority} (from
     * Host, which is then not sent as a regular field), {@code :path}, then the regular fields lowercased, without
     * connection-specific ones (§8.2.2) and with Cookie split into crumbs (§8.2.3). A CONNECT request to
     * {@code host:port} has {@code :method} and {@code :authority} only (§8.5); an absolute-form target gives the
     * scheme and authority itself; an asterisk-form one is {@code :path *}.
     *
     * @param scheme the scheme of the target URI, {@code https} or {@code http} for a connection over TLS or not
     * @throws IllegalArgumentException if the scheme is empty
     */
    public static List<HpackField> encode(RequestHead head, String scheme) {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(scheme, "scheme");
        if (scheme.isEmpty()) {
            throw new IllegalArgumentException("scheme must not be empty");
        }
        RequestTarget target = head.target();
        Headers headers = head.headers();
        List<HpackField> out = new ArrayList<>(headers.size() + 4);
        out.add(new HpackField(":method", head.method().name()));
        // An empty Host (of a target without authority) conveys none (§8.3.1).
        String authority = target.authority().orElse(headers.firstOrNull("host"));
        authority = authority == null || authority.isEmpty() ? null : authority;
        if (target.form() == RequestTarget.Form.AUTHORITY) {
            out.add(new HpackField(":authority", authority));
        } else {
            out.add(new HpackField(":scheme", target.scheme().orElse(scheme)));
            if (authority != null) {
                out.add(new HpackField(":authority", authority));
            }
            out.add(new HpackField(":path", pathAndQuery(target)));
        }
        FieldRules.encodeRegular(headers, true, "host", out);
        return out;
    }

    private static String pathAndQuery(RequestTarget target) {
        return switch (target.form()) {
            case ABSOLUTE -> target.rawPath() + target.rawQuery().map(query -> "?" + query).orElse("");
            default -> target.raw();
        };
    }

    private static boolean hasHost(List<HpackField> fields, int from) {
        for (int i = from; i < fields.size(); i++) {
            if (fields.get(i).name().equals("host")) {
                return true;
            }
        }
        return false;
    }
}
