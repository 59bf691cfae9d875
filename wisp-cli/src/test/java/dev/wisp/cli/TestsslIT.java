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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * {@link #EXCLUDED}, which are about the certificate being self-signed and nothing else. About a minute and a half,
 * mostly testssl's own handshakes and processes, in two scans at once ({@link #SCANS}): it runs beside the other
 * classes, {@code wisp serve} in a process of its own with a configuration folder of its own, as the others may set
 * this JVM's.
 */
@Execution(ExecutionMode.CONCURRENT)
class TestsslIT {
    /**
     * The checks, in two scans that run at once: testssl spends its time in its own shell and openssl processes, not
     * waiting for the server, so one scan of them all was the longest test of the build (over three minutes with
     * builds beside it) while the other classes of the module took half that. Split about evenly by their time:
     * protocols, cipher categories, forward secrecy, HTTP headers and the vulnerabilities in one; the server's
     * cipher preferences and its defaults and certificate in the other.
     */
    private static final List<List<String>> SCANS = List.of(
            List.of("-p", "-s", "-f", "-h", "-U"),
            List.of("-P", "-S"));
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
        List<Map<String, String>> findings = new ArrayList<>();
        ProcessBuilder serve = WispProcess.command("serve", www.toString(), "--port", "0");
        serve.environment().put(ConfigFolder.VARIABLE, Files.createDirectory(directory.resolve("config")).toString());
        try (WispProcess wisp = WispProcess.start(serve);
                ExecutorService scans = Executors.newVirtualThreadPerTaskExecutor()) {
            Matcher serving = SERVING.matcher(wisp.awaitOut("Serving ", EVENTUALLY));
            assertTrue(serving.matches(), serving.toString());
            String target = "127.0.0.1:" + serving.group(1);
            List<Future<List<Map<String, String>>>> parts = new ArrayList<>();
            for (List<String> checks : SCANS) {
                parts.add(scans.submit(() -> scan(testssl, checks, target)));
            }
            for (Future<List<Map<String, String>>> part : parts) {
                findings.addAll(part.get());
            }
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

    /** Runs testssl with these checks, to the findings of its JSON. */
    private List<Map<String, String>> scan(String testssl, List<String> checks, String target) throws Exception {
        Path json = directory.resolve("testssl-" + String.join("", checks).replace("-", "") + ".json");
        List<String> command = new ArrayList<>(List.of(testssl, "--quiet", "--color", "0", "--warnings", "off",
                "--nodns", "none", "--jsonfile", json.toString()));
        command.addAll(checks);
        command.add(target);
        PeerTools.Result result = PeerTools.run(SCAN_TIMEOUT, command);
        assertTrue(Files.exists(json), "no JSON written for " + checks + ":\n" + result.stdout() + result.stderr());
        return parse(Files.readString(json, StandardCharsets.UTF_8));
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
