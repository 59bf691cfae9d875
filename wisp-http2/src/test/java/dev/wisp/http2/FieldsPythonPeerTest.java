package dev.wisp.http2;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.http2.hpack.HpackField;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Another implementation against ours: Python's h2 (Debian's python3-h2, which {@code bin/test} installs) judges the
 * same received field sections, and accepts and refuses as we do; where we differ on purpose, the case says why and
 * the test checks that the difference is still the one described. h2 checks fewer rules than we do (no token or
 * control-character checks on names and values, no checks on :path or :status values), so it accepts much that we
 * refuse; every case it refuses, we refuse too, the three of RFC 9113 §8.5 and §8.3.1 noted below aside. A missing
 * python3 or h2 skips the test, except in CI, where it fails.
 */
class FieldsPythonPeerTest {
    private static final String[] GET = {":method", "GET", ":scheme", "https", ":authority", "example.com",
        ":path", "/"};

    /** A field section, h2's verdict and ours, and why they differ where they do. */
    private record Case(String kind, boolean pythonAccepts, boolean weAccept, String why, List<HpackField> fields) {
    }

    private final List<Case> cases = new ArrayList<>();

    @BeforeAll
    static void requirePythonH2() throws IOException, InterruptedException {
        PythonPeer.require("h2.utilities");
    }

    @Test
    void pythonsH2AcceptsAndRefusesTheSameFieldSections() throws IOException, InterruptedException {
        addRequestCases();
        addResponseAndTrailerCases();
        addDifferences();
        List<String> verdicts = PythonPeer.run("h2_fields_peer.py", input());
        assertEquals(cases.size(), verdicts.size(), String.join("\n", verdicts));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String description = c.kind + " " + c.fields + (c.why == null ? "" : ", where " + c.why) + ": h2 said "
                    + verdicts.get(i);
            assertEquals(c.pythonAccepts, verdicts.get(i).equals("ok"), description);
            assertEquals(c.weAccept, weAccept(c), description);
        }
    }

    private void addRequestCases() {
        agree("request", true, GET);
        agree("request", true, ":method", "POST", ":scheme", "https", ":path", "/a", "host", "example.com",
                "te", "trailers", "content-length", "3");
        agree("request", false, ":method", "GET", ":scheme", "https", ":authority", "example.com");
        agree("request", false, ":scheme", "https", ":authority", "example.com", ":path", "/");
        agree("request", false, ":method", "GET", ":authority", "example.com", ":path", "/");
        agree("request", false, ":method", "GET", ":scheme", "https", ":path", "/");
        agree("request", false, ":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "");
        agree("request", false, plus(GET, ":path", "/"));
        agree("request", false, ":method", "GET", ":scheme", "https", ":authority", "example.com", "accept", "*/*",
                ":path", "/");
        agree("request", false, plus(GET, ":foo", "bar"));
        agree("request", false, plus(GET, ":status", "200"));
        agree("request", false, plus(GET, "Accept", "*/*"));
        agree("request", false, plus(GET, "", "x"));
        for (String name : new String[] {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "upgrade"}) {
            agree("request", false, plus(GET, name, "x"));
        }
        agree("request", false, plus(GET, "te", "gzip"));
        agree("request", true, plus(GET, "te", "Trailers"));
        agree("request", false, plus(GET, "accept", " */*"));
        agree("request", false, plus(GET, "accept", "*/*\t"));
        agree("request", false, plus(GET, "host", "example.org"));
        agree("request", false, plus(GET, ":protocol", "websocket"));
        agree("request", true, ":method", "CONNECT", ":protocol", "websocket", ":scheme", "https", ":path", "/chat",
                ":authority", "example.com");
    }

    private void addResponseAndTrailerCases() {
        agree("response", true, ":status", "200", "content-type", "text/plain", "content-length", "5");
        agree("response", true, ":status", "100");
        agree("response", false, "content-type", "text/plain");
        agree("response", false, ":status", "200", ":status", "200");
        agree("response", false, ":status", "200", ":path", "/");
        agree("response", false, ":status", "200", "connection", "close");
        agree("response", false, ":status", "200", "Content-Type", "text/plain");
        agree("trailers", true, "grpc-status", "0");
        agree("trailers", false, ":status", "200");
        agree("trailers", false, "grpc-status", "0", "transfer-encoding", "chunked");
    }

    /** h2 checks fewer rules than we do, and three of RFC 9113 otherwise. */
    private void addDifferences() {
        stricter("a method is a token (RFC 9110 §9.1)", "request", with(GET, ":method", "G T"));
        stricter(":path starts with '/' (RFC 9113 §8.3.1)", "request", with(GET, ":path", "index.html"));
        stricter("no userinfo in :authority (RFC 9113 §8.3.1)", "request", with(GET, ":authority", "u@example.com"));
        stricter("no CR or LF in a value (RFC 9113 §8.2.1)", "request", plus(GET, "x-a", "a\r\nx-b: c"));
        stricter("a field name is a token (RFC 9113 §8.2.1)", "request", plus(GET, "a b", "c"));
        stricter("Content-Length values agree (RFC 9110 §8.6)", "request", plus(GET, "content-length", "5, 6"));
        stricter(":status is three digits (RFC 9113 §8.3.2)", "response", List.of(":status", "20x"));
        stricter("extended CONNECT needs our setting (RFC 8441 §4), which decode(fields, streamId) has not",
                "request-without-extended-connect", List.of(":method", "CONNECT", ":protocol", "websocket",
                        ":scheme", "https", ":path", "/chat", ":authority", "example.com"));
        laxer("CONNECT has :authority only (RFC 9113 §8.5); h2 wants :scheme and :path", "request",
                List.of(":method", "CONNECT", ":authority", "example.com:443"));
        laxer("host names are case-insensitive (RFC 3986 §3.2.2); h2 compares bytes", "request",
                plus(GET, "host", "EXAMPLE.com"));
        laxer("a scheme without an authority component needs none (RFC 9113 §8.3.1)", "request",
                List.of(":method", "GET", ":scheme", "urn", ":path", "/x"));
    }

    private void agree(String kind, boolean accepted, String... namesAndValues) {
        agree(kind, accepted, List.of(namesAndValues));
    }

    private void agree(String kind, boolean accepted, List<String> namesAndValues) {
        cases.add(new Case(kind, accepted, accepted, null, FieldLists.of(namesAndValues.toArray(new String[0]))));
    }

    /** A case h2 accepts and we refuse. */
    private void stricter(String why, String kind, List<String> namesAndValues) {
        cases.add(new Case(kind, true, false, why, FieldLists.of(namesAndValues.toArray(new String[0]))));
    }

    /** A case h2 refuses and we accept. */
    private void laxer(String why, String kind, List<String> namesAndValues) {
        cases.add(new Case(kind, false, true, why, FieldLists.of(namesAndValues.toArray(new String[0]))));
    }

    private static List<String> plus(String[] fields, String... more) {
        List<String> all = new ArrayList<>(List.of(fields));
        all.addAll(List.of(more));
        return all;
    }

    private static List<String> with(String[] fields, String name, String value) {
        List<String> changed = new ArrayList<>(List.of(fields));
        changed.set(changed.indexOf(name) + 1, value);
        return changed;
    }

    private String input() {
        StringBuilder input = new StringBuilder();
        for (Case c : cases) {
            input.append(c.kind.startsWith("request") ? "request" : c.kind);
            for (HpackField field : c.fields) {
                input.append(' ').append(hex(field.name())).append(':').append(hex(field.value()));
            }
            input.append('\n');
        }
        return input.toString();
    }

    private static boolean weAccept(Case c) {
        try {
            switch (c.kind) {
                case "request" -> RequestFields.decode(c.fields, 1, true);
                case "request-without-extended-connect" -> RequestFields.decode(c.fields, 1);
                case "response" -> ResponseFields.decode(c.fields, 1);
                default -> TrailerFields.decode(c.fields, 1);
            }
            return true;
        } catch (StreamException e) {
            return false;
        }
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(ISO_8859_1));
    }
}
