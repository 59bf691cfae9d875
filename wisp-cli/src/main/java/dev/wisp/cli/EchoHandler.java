package dev.wisp.cli;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.Ascii;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Method;
import dev.wisp.core.Outage;
import dev.wisp.core.Status;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Answers 200 {@code text/plain} with the request it received: the request line, the header fields as received,
 * a blank line, then the body, byte for byte. The body is read whole first, so one over the server's limit gets a
 * clean 413 and a client that sends all of its body before it reads gets its answer; up to 8 KiB in memory, a longer
 * one in a temporary file, so that many long echoes at once take little memory. A TRACE is answered without the fields
 * that may hold secrets ({@link #isHiddenFromTrace}); the other methods show the credentials a browser attaches by
 * itself without their secrets ({@link #withoutSecrets}).
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
    /** Bodies up to this long are held in memory; longer ones in a temporary file, so memory stays bounded. */
    private static final int CHUNK_BYTES = 8 * 1024;
    private static final System.Logger LOG = System.getLogger(EchoHandler.class.getName());
    private static final Outage SPOOL_FAILING = new Outage();

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        BodyInputStream body = request.body();
        byte[] chunk = new byte[CHUNK_BYTES];
        int filled = body.readNBytes(chunk, 0, chunk.length);
        int next = filled < chunk.length ? -1 : body.read();
        // The echo carries whatever the client sent; nosniff keeps a browser from running it as a page.
        response.header(HeaderNames.CONTENT_TYPE, "text/plain").header("X-Content-Type-Options", "nosniff");
        if (next >= 0) {
            spoolAndEcho(request, response, chunk, next);
            return;
        }
        byte[] head = head(request);
        byte[] echo = Arrays.copyOf(head, head.length + filled);
        System.arraycopy(chunk, 0, echo, head.length, filled);
        response.send(echo);
    }

    /**
     * Reads the rest of a long body into a temporary file (readable by this user only), then answers with the head
     * and the file, and deletes it; one buffer a request however long the body. The body is read whole before the
     * answer begins, as a client that sends all of its body before it reads (a proxy, most HTTP clients) needs: an
     * echo that answered as it read would fill the socket's buffers both ways and wait for good.
     *
     * @param chunk the body's first bytes, a whole buffer of them
     * @param next the byte after them
     */
    private static void spoolAndEcho(ServerRequest request, ServerResponse response, byte[] chunk, int next)
            throws IOException {
        Path spool;
        try {
            spool = Files.createTempFile("wisp-echo-", ".body");
        } catch (IOException e) {
            throw cannotHold(e);
        }
        try {
            try (OutputStream file = Files.newOutputStream(spool)) {
                file.write(chunk);
                file.write(next);
                for (int n; (n = request.body().read(chunk)) >= 0; ) {
                    file.write(chunk, 0, n);
                }
            } catch (HttpProtocolException e) {
                throw e; // the body's own failure: over the limit, cut short, too slow
            } catch (IOException e) {
                throw cannotHold(e);
            }
            if (SPOOL_FAILING.ends()) {
                LOG.log(INFO, "/echo holds long bodies again");
            }
            byte[] head = head(request);
            response.setHeader(HeaderNames.CONTENT_LENGTH, String.valueOf(head.length + Files.size(spool)));
            OutputStream out = response.outputStream();
            out.write(head);
            try (InputStream file = Files.newInputStream(spool)) {
                for (int n; (n = file.read(chunk)) >= 0; ) {
                    out.write(chunk, 0, n);
                }
            }
            out.close(); // only once whole: a failure leaves the response cut short, as it is
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** A body that cannot be written to a temporary file (a full disk, say): 507, the operator told once. */
    private static HttpProtocolException cannotHold(IOException cause) {
        if (SPOOL_FAILING.starts()) {
            LOG.log(WARNING, "/echo cannot hold long bodies in " + System.getProperty("java.io.tmpdir") + " ("
                    + cause.getMessage() + "): answering 507 until one is held again");
        }
        HttpProtocolException refused = new HttpProtocolException(Status.INSUFFICIENT_STORAGE,
                "the body cannot be held now; try again later");
        refused.initCause(cause);
        return refused;
    }

    /** The request line and the fields, as the echo shows them, and the blank line. */
    private static byte[] head(ServerRequest request) {
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
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
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
