package dev.wisp.cli;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Method;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Answers 200 {@code text/plain} with the request it received: the request line, the header fields as received,
 * a blank line, then the body, byte for byte. The body is read whole first, so one over the server's limit gets a
 * clean 413. A TRACE is answered without the fields that may hold secrets ({@link #isHiddenFromTrace}); the other
 * methods show the credentials a browser attaches by itself without their secrets ({@link #withoutSecrets}).
 */
final class EchoHandler implements Handler {
    /**
     * What a TRACE echo leaves out, by lowercase name: RFC 9110 §9.3.8 says the response SHOULD exclude the fields
     * likely to hold sensitive data. Credentials, and what proxies on the way added about the client and the network
     * (the {@code X-Forwarded-} family by prefix), as the servlet API's {@code doTrace} leaves them out. TRACE is the
     * method whose reflection cross-site tracing used to read an HttpOnly cookie or a browser's credentials.
     */
    private static final Set<String> HIDDEN_FROM_TRACE = Set.of("authorization", "proxy-authorization", "cookie",
            "forwarded", "x-real-ip", "x-api-key", "x-auth-token", "x-csrf-token", "x-xsrf-token");
    private static final String FORWARDED_PREFIX = "x-forwarded-";
    /**
     * What the other methods show without its secret: the credentials a browser attaches to a script's request by
     * itself, which that script must not read back (an HttpOnly cookie, a Basic password, the session cookie of a
     * {@code --proxy} upstream's application, served from the same origin). The fields a script sets itself, and
     * those proxies add, are shown as they came: that is what this endpoint is for.
     */
    private static final Set<String> SECRET_VALUES = Set.of("authorization", "proxy-authorization", "cookie");
    private static final String HIDDEN = "[hidden]";

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        byte[] body = request.bodyBytes();
        boolean trace = request.method().equals(Method.TRACE);
        StringBuilder head = new StringBuilder(256)
                .append(request.method()).append(' ').append(request.target().raw()).append(' ')
                .append(request.protocol().text()).append('\n');
        request.headers().forEach((name, value) -> {
            if (!trace) {
                head.append(name).append(": ").append(withoutSecrets(name, value)).append('\n');
            } else if (!isHiddenFromTrace(name)) {
                head.append(name).append(": ").append(value).append('\n');
            }
        });
        head.append('\n');
        // Field values may hold obs-text bytes, which ISO-8859-1 gives back unchanged.
        ByteArrayOutputStream echo = new ByteArrayOutputStream(head.length() + body.length);
        echo.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        echo.writeBytes(body);
        // The echo carries whatever the client sent; nosniff keeps a browser from running it as a page.
        response.header(HeaderNames.CONTENT_TYPE, "text/plain")
                .header("X-Content-Type-Options", "nosniff")
                .send(echo.toByteArray());
    }

    /**
     * A credential field's value without its secret, which still shows what was sent: a cookie's names
     * ({@code a=[hidden]; b=[hidden]}), an authorization's scheme ({@code Basic [hidden]}); other fields as they are.
     */
    static String withoutSecrets(String name, String value) {
        String lower = Ascii.toLowerCase(name);
        if (!SECRET_VALUES.contains(lower)) {
            return value;
        }
        if (lower.equals("cookie")) {
            StringJoiner cookies = new StringJoiner("; ");
            for (String pair : value.split(";")) {
                int equals = pair.indexOf('=');
                cookies.add((equals < 0 ? "" : pair.substring(0, equals).strip() + "=") + HIDDEN);
            }
            return cookies.toString();
        }
        String credentials = value.strip();
        int space = credentials.indexOf(' ');
        return space < 0 ? HIDDEN : credentials.substring(0, space) + " " + HIDDEN;
    }

    private static boolean isHiddenFromTrace(String name) {
        String lower = Ascii.toLowerCase(name);
        return HIDDEN_FROM_TRACE.contains(lower) || lower.startsWith(FORWARDED_PREFIX);
    }
}
