package dev.wisp.client;

import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Digest-protected handler for Wisp's server (RFC 7616, one algorithm), written for tests and checked against
 * curl {@code --digest} so that it can judge Wisp's client: each nonce serves {@code usesPerNonce} requests, then
 * the next request is told {@code stale=true} with a fresh nonce; nonce counts must go up. It offers the qops it is
 * given ("auth", "auth-int" or both) and may ask for {@code userhash}; it accepts the user name as {@code username},
 * {@code username*} (RFC 8187) or hashed, and tells the qop used in a {@code Digest-Qop} response field.
 */
final class DigestHandler implements Handler {
    private static final Pattern PARAM = Pattern.compile("([\\w*]+)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]*))");

    private final String algorithm;
    private final String user;
    private final String password;
    private final int usesPerNonce;
    private final List<String> qops;
    private final boolean userhash;
    private final Map<String, AtomicInteger> nonces = new ConcurrentHashMap<>();
    private final AtomicInteger nextNonce = new AtomicInteger();
    private final AtomicInteger staleNoncesToCome = new AtomicInteger();

    DigestHandler(String algorithm, String user, String password, int usesPerNonce) {
        this(algorithm, user, password, usesPerNonce, "auth", false);
    }

    DigestHandler(String algorithm, String user, String password, int usesPerNonce, String qop, boolean userhash) {
        this.algorithm = algorithm;
        this.user = user;
        this.password = password;
        this.usesPerNonce = usesPerNonce;
        this.qops = List.of(qop.split(", "));
        this.userhash = userhash;
    }

    /** Makes the next {@code count} nonces stale at their first use, as a server whose nonces expire at once. */
    DigestHandler staleFirst(int count) {
        staleNoncesToCome.set(count);
        return this;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        byte[] body = request.bodyBytes();
        String authorization = request.headers().firstOrNull("Authorization");
        if (authorization == null || !authorization.startsWith("Digest ")) {
            challenge(response, false);
            return;
        }
        Map<String, String> params = new HashMap<>();
        Matcher matcher = PARAM.matcher(authorization.substring(7));
        while (matcher.find()) {
            params.put(matcher.group(1), matcher.group(2) != null ? matcher.group(2).replaceAll("\\\\(.)", "$1")
                    : matcher.group(3));
        }
        AtomicInteger uses = nonces.get(params.get("nonce"));
        if (uses == null || !isUser(params) || !algorithm.equals(params.get("algorithm"))
                || params.get("qop") == null || !qops.contains(params.get("qop"))
                || !request.target().raw().equals(params.get("uri"))
                || !expected(request.method().name(), body, params).equals(params.get("response"))) {
            challenge(response, false);
            return;
        }
        if (uses.incrementAndGet() > usesPerNonce) {
            challenge(response, true);
            return;
        }
        response.header("Digest-Qop", params.get("qop")).send("welcome " + user + ", nc=" + params.get("nc") + "\n");
    }

    /** RFC 7616 §3.4.4: the user name hashed when asked for, else exactly one of username and username*. */
    private boolean isUser(Map<String, String> params) {
        if (userhash) {
            return "true".equals(params.get("userhash")) && !params.containsKey("username*")
                    && hash((user + ":tests").getBytes(StandardCharsets.UTF_8)).equals(params.get("username"));
        }
        String extended = params.get("username*");
        if (extended != null) {
            return !params.containsKey("username") && extended.startsWith("UTF-8''")
                    && user.equals(percentDecoded(extended.substring(7)));
        }
        return user.equals(params.get("username"));
    }

    private static String percentDecoded(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '%') {
                bytes.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
                i += 2;
            } else {
                bytes.write(text.charAt(i));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void challenge(ServerResponse response, boolean stale) throws IOException {
        String nonce = "n" + nextNonce.incrementAndGet() + "x" + System.nanoTime();
        nonces.put(nonce, new AtomicInteger(staleNoncesToCome.getAndDecrement() > 0 ? usesPerNonce : 0));
        response.status(401).header("WWW-Authenticate", "Basic realm=\"ignored\", Digest realm=\"tests\", qop=\""
                + String.join(", ", qops) + "\", algorithm=" + algorithm + ", nonce=\"" + nonce + "\", opaque=\"op\""
                + (userhash ? ", userhash=true" : "") + (stale ? ", stale=true" : "")).send("who are you?\n");
    }

    private String expected(String method, byte[] body, Map<String, String> params) {
        String ha1 = hash(user + ":tests:" + password);
        if (algorithm.endsWith("-sess")) {
            ha1 = hash(ha1 + ":" + params.get("nonce") + ":" + params.get("cnonce"));
        }
        // RFC 7616 §3.4.3: auth-int adds the hash of the body as received.
        String ha2 = hash(method + ":" + params.get("uri")
                + (params.get("qop").equals("auth-int") ? ":" + hash(body) : ""));
        return hash(ha1 + ":" + params.get("nonce") + ":" + params.get("nc") + ":" + params.get("cnonce") + ":"
                + params.get("qop") + ":" + ha2);
    }

    private String hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }

    private String hash(byte[] bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm.startsWith("SHA-256") ? "SHA-256" : "MD5");
            return HexFormat.of().formatHex(digest.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
