package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve} with UTF-8 file names under the C locale ({@code LANG=C}, no {@code LC_ALL}), where the JVM
 * decodes file names as ASCII: started as {@code java -jar} and as {@code bin/wisp}, in a child process, it must
 * list "café ☕.txt" by its name, link to it, and serve it by that link.
 */
class ServeLocaleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EVENTUALLY = Duration.ofSeconds(20);
    private static final Pattern SERVING = Pattern.compile("Serving (.+) on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final String NAME = "caf\u00e9 \u2615.txt";
    private static final String LINK = "./caf%C3%A9%20%E2%98%95.txt";

    @TempDir
    Path directory;

    @Test
    void jarServesUtf8NamesUnderTheCLocale() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            createFiles(directory);
            ProcessBuilder command = WispProcess.command("serve", directory.toString(), "--plain", "--port", "0");
            try (WispProcess wisp = WispProcess.start(inCLocale(command))) {
                int port = port(wisp);
                assertListsAndServesTheName(port);
                wisp.signal("TERM");
                assertEquals(0, wisp.awaitExit(EVENTUALLY));
            }
        });
    }

    /** bin/wisp also moves a C locale to C.UTF-8, so a directory named in UTF-8 is found and printed as it is. */
    @Test
    void binWispServesAndPrintsUtf8NamesUnderTheCLocale() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
                    "this JVM passes arguments to its children in UTF-8");
            Path named = Files.createDirectory(Path.of(URI.create(directory.toUri() + "d%C3%A9j%C3%A0")));
            createFiles(named);
            ProcessBuilder command = WispProcess.binWisp("serve", named.toString(), "--plain", "--port", "0");
            try (WispProcess wisp = WispProcess.start(inCLocale(command))) {
                Matcher serving = serving(wisp);
                assertEquals(named.toString(), serving.group(1));
                assertTrue(serving.group(1).endsWith("d\u00e9j\u00e0"), serving.group(1));
                assertListsAndServesTheName(Integer.parseInt(serving.group(2)));
                wisp.signal("TERM");
                assertEquals(0, wisp.awaitExit(EVENTUALLY));
            }
        });
    }

    private static ProcessBuilder inCLocale(ProcessBuilder command) {
        command.environment().put("LANG", "C");
        command.environment().remove("LC_ALL");
        command.environment().remove("LC_CTYPE");
        return command;
    }

    /**
     * The UTF-8 name, made through a file: URI so that it has the right bytes whatever this JVM's locale, and beside
     * it a name that is not UTF-8, which no URL can name.
     */
    private static void createFiles(Path directory) throws IOException {
        Files.writeString(Path.of(URI.create(directory.toUri() + LINK.substring(2))), "coffee\n");
        Files.write(Path.of(URI.create(directory.toUri() + "latin%E9.txt")), new byte[] {'x'});
    }

    private static void assertListsAndServesTheName(int port) throws IOException {
        String listing = get(port, "/").bodyText();
        assertTrue(listing.contains("<a href=\"" + LINK + "\">" + NAME + "</a>"), listing);
        assertFalse(listing.contains("\ufffd"), listing);
        assertFalse(listing.contains("latin"), listing);
        RawResponse file = get(port, LINK.substring(1));
        assertEquals(200, file.status());
        assertEquals("coffee\n", file.bodyText());
    }

    private static RawResponse get(int port, String target) throws IOException {
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return peer.readResponse();
        }
    }

    private static int port(WispProcess wisp) throws InterruptedException {
        return Integer.parseInt(serving(wisp).group(2));
    }

    private static Matcher serving(WispProcess wisp) throws InterruptedException {
        Matcher serving = SERVING.matcher(wisp.awaitOut("Serving ", EVENTUALLY));
        assertTrue(serving.matches(), serving.toString());
        return serving;
    }
}
