package dev.wisp.client;

import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Digest-protected handler for Wisp's server (RFC 7616, one algorithm, qop=auth), written for tests and checked
 * against curl {@code --digest} so that it can judge Wisp's client: each nonce serves {@code usesPerNonce} requests,
 * then the next request is told {@code stale=true} with a fresh nonce; nonce counts must go up.
 */
final class DigestHandler implements Handler {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]*))");

    private final String algorithm;
    private final String user;
    private final String password;
    private final int usesPerNonce;
    private final Map<String, AtomicInteger> nonces = new ConcurrentHashMap<>();
    private final AtomicInteger nextNonce = new AtomicInteger();

    DigestHandler(String algorithm, String user, String password, int usesPerNonce) {
        this.algorithm = algorithm;
        this.user = user;
        this.password = password;
        this.usesPerNonce = usesPerNonce;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        request.bodyBytes();
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
        if (uses == null || !user.equals(params.get("username")) || !algorithm.equals(params.get("algorithm"))
                || !expected(request.method().name(), params).equals(params.get("response"))) {
            challenge(response, false);
            return;
        }
        if (uses.incrementAndGet() > usesPerNonce) {
            challenge(response, true);
            return;
        }
        response.send("welcome " + params.get("username") + ", nc=" + params.get("nc") + "\n");
    }

    private void challenge(ServerResponse response, boolean stale) throws IOException {
        String nonce = "n" + nextNonce.incrementAndGet() + "x" + System.nanoTime();
        nonces.put(nonce, new AtomicInteger());
        response.status(401).header("WWW-Authenticate", "Basic realm=\"ignored\", Digest realm=\"tests\", qop=\"auth\""
                + ", algorithm=" + algorithm + ", nonce=\"" + nonce + "\", opaque=\"op\""
                + (stale ? ", stale=true" : "")).send("who are you?\n");
    }

    private String expected(String method, Map<String, String> params) {
        String ha1 = hash(user + ":tests:" + password);
        if (algorithm.endsWith("-sess")) {
            ha1 = hash(ha1 + ":" + params.get("nonce") + ":" + params.get("cnonce"));
        }
        String ha2 = hash(method + ":" + params.get("uri"));
        return hash(ha1 + ":" + params.get("nonce") + ":" + params.get("nc") + ":" + params.get("cnonce") + ":"
                + params.get("qop") + ":" + ha2);
    }

    private String hash(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm.startsWith("SHA-256") ? "SHA-256" : "MD5");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
