package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * testssl.sh, an independent TLS scanner, against {@code wisp serve} as a user first runs it (HTTPS, the
 * self-signed certificate): protocols, cipher categories, forward secrecy, server preferences, server defaults and
 * certificate, HTTP headers and every vulnerability check. Nothing may be rated above LOW but the findings listed in
 * {@link #EXCLUDED}, which are about the certificate being self-signed and nothing else. About two minutes, mostly
 * testssl's own handshakes and processes: it runs beside the other classes, {@code wisp serve} in a process of its
 * own with a configuration folder of its own, as the others may set this JVM's.
 */
@Execution(ExecutionMode.CONCURRENT)
class TestsslIT {
    /** Two minutes on a quiet machine; over five were seen with parallel builds beside it. */
    private static final Duration SCAN_TIMEOUT = Duration.ofMinutes(10);
    private static final Set<String> ABOVE_LOW = Set.of("MEDIUM", "HIGH", "CRITICAL");
    private static final Pattern SERVING = Pattern.compile("Serving .+ on https://127\\.0\\.0\\.1:(\\d+)/");
    private static final Duration EVENTUALLY = Duration.ofSeconds(30);

    /** Finding ids allowed above LOW, each with the text its finding must hold and why it is allowed. */
    private static final Map<String, String> EXCLUDED = Map.of(
            // No certificate authority vouches for a self-signed certificate: a client trusts it because it was
            // told to (curl --cacert) or because the user compared the printed fingerprint. That is the point.
            "cert_chain_of_trust", "self signed",
            // A self-signed certificate has no issuer that could publish a CRL or run an OCSP responder; to
            // revoke it, delete it and the next run makes another.
            "cert_revocation", "Neither CRL nor OCSP URI provided");

    /** One object of testssl's flat JSON ({@code --jsonfile}): every value is a string. */
    private static final Pattern OBJECT = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path directory;

    @Test
    void findsNothingAboveLowButTheSelfSignedCertificate() throws Exception {
        String testssl = PeerTools.require("testssl").toString();
        Path www = Files.createDirectory(directory.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<!doctype html><title>wisp</title>\n");
        Path json = directory.resolve("testssl.json");
        List<Map<String, String>> findings;
        ProcessBuilder serve = WispProcess.command("serve", www.toString(), "--port", "0");
        serve.environment().put(ConfigFolder.VARIABLE, Files.createDirectory(directory.resolve("config")).toString());
        try (WispProcess wisp = WispProcess.start(serve)) {
            Matcher serving = SERVING.matcher(wisp.awaitOut("Serving ", EVENTUALLY));
            assertTrue(serving.matches(), serving.toString());
            PeerTools.Result result = PeerTools.run(SCAN_TIMEOUT, List.of(testssl, "--quiet", "--color", "0",
                    "--warnings", "off", "--nodns", "none", "--jsonfile", json.toString(),
                    "-p", "-s", "-f", "-P", "-S", "-h", "-U", "127.0.0.1:" + serving.group(1)));
            assertTrue(Files.exists(json), "no JSON written:\n" + result.stdout() + result.stderr());
            findings = parse(Files.readString(json, StandardCharsets.UTF_8));
        }
        Map<String, String> byId = new LinkedHashMap<>();
        findings.forEach(finding -> byId.put(finding.get("id"), finding.get("finding")));
        assertFalse(byId.containsKey("scanProblem"), "testssl could not scan: " + byId.get("scanProblem"));
        for (String old : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
            assertEquals("not offered", byId.get(old), old);
        }
        assertTrue(byId.get("TLS1_2").startsWith("offered"), byId.get("TLS1_2"));
        assertTrue(byId.get("TLS1_3").startsWith("offered"), byId.get("TLS1_3"));
        assertTrue(byId.get("secure_client_renego").startsWith("not vulnerable"), byId.get("secure_client_renego"));

        List<String> problems = new ArrayList<>();
        for (Map<String, String> finding : findings) {
            String id = finding.get("id");
            if (!ABOVE_LOW.contains(finding.get("severity"))) {
                continue;
            }
            String expected = EXCLUDED.get(id);
            if (expected == null || !finding.get("finding").contains(expected)) {
                problems.add(finding.get("severity") + " " + id + ": " + finding.get("finding"));
            }
        }
        assertEquals(List.of(), problems, "testssl rates these above LOW");
    }

    private static List<Map<String, String>> parse(String json) {
        List<Map<String, String>> findings = new ArrayList<>();
        Matcher object = OBJECT.matcher(json);
        while (object.find()) {
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher field = FIELD.matcher(object.group(1));
            while (field.find()) {
                fields.put(field.group(1), field.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            findings.add(fields);
        }
        assertFalse(findings.isEmpty(), "no findings in testssl's JSON");
        return findings;
    }
}
