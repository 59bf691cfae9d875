package dev.wisp.cli;

import static dev.wisp.cli.GetCommandIT.curl;
import static dev.wisp.cli.GetCommandIT.wisp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multipart and urlencoded forms from {@code wisp get} and from curl, sent to a Wisp handler that describes the
 * parts it parses: the same flags must give the same parts.
 */
class FormsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;
    private Server server;
    private String url;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .post("/parts", (request, response) -> response.send(describe(
                        request.headers().firstOrNull("Content-Type"), request.bodyBytes())))
                .post("/echo", (request, response) -> response.send(request.headers().firstOrNull("Content-Type")
                        + "\n" + new String(request.bodyBytes(), StandardCharsets.ISO_8859_1)))
                .build();
        server = Server.create(ServerConfig.builder().port(0).maxRequestBodyBytes(64L << 20).build(), router).start();
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One line a part: its head fields (boundary-free), its length and SHA-256. */
    private static String describe(String contentType, byte[] body) throws java.io.IOException {
        byte[] delimiter = ("\r\n--" + contentType.substring(contentType.indexOf("boundary=") + 9))
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] framed = new byte[body.length + 2];
        framed[0] = '\r';
        framed[1] = '\n';
        System.arraycopy(body, 0, framed, 2, body.length);
        StringBuilder parts = new StringBuilder();
        int at = indexOf(framed, delimiter, 0);
        while (at >= 0) {
            int start = at + delimiter.length;
            if (framed[start] == '-' && framed[start + 1] == '-') {
                return parts.toString();
            }
            int headEnd = indexOf(framed, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            int next = indexOf(framed, delimiter, headEnd);
            byte[] content = java.util.Arrays.copyOfRange(framed, headEnd + 4, next);
            String head = new String(framed, start + 2, headEnd - start - 2, StandardCharsets.UTF_8);
            parts.append(head.replace("\r\n", " | ")).append(" -> ").append(content.length).append(' ')
                    .append(sha256(content))
                    .append('\n');
            at = next;
        }
        throw new IllegalArgumentException("no close delimiter");
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] bytes, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= bytes.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void sendsTheSamePartsAsCurl() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            byte[] large = new byte[3 << 20];
            new Random(11).nextBytes(large);
            Path binary = Files.write(directory.resolve("large.bin"), large);
            Path text = Files.writeString(directory.resolve("notes.txt"), "line one\nline two\n");
            String[] form = {"-F", "title=Caf\u00e9 menu", "-F", "upload=@" + binary, "-F", "notes=@" + text,
                    "-F", "typed=@" + text + ";type=text/markdown;filename=other.md", "-F", "inline=<" + text};
            GetCommandIT.Run ours = wisp(concat(form, url + "/parts"));
            GetCommandIT.Run theirs = curl(concat(form, "-s", url + "/parts"));
            assertEquals(0, ours.exitCode(), ours.stderr());
            assertEquals(theirs.text(), ours.text());
            assertEquals(5, ours.text().lines().count());
            assertTrue(ours.text().contains("filename=\"large.bin\" | Content-Type: application/octet-stream -> "
                    + large.length), ours.text());
        });
    }

    @Test
    void urlencodesDataAsCurl() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path file = Files.writeString(directory.resolve("q.txt"), "a b&c\n");
            String[] data = {"-d", "raw=1", "--data-urlencode", "name=J\u00fcrgen K+1", "--data-urlencode",
                    "=only value", "--data-urlencode", "q@" + file};
            assertEquals(curl(concat(data, "-s", url + "/echo")).text(), wisp(concat(data, url + "/echo")).text());
        });
    }

    @Test
    void readsStandardInputForFormsAndUrlencodedDataAsCurl() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String input = "a b&c\r\n\u00ff line two\n"; // a byte that is no UTF-8 is encoded as it is
            String[][] cases = {{"-F", "in=@-", "/parts"}, {"-F", "in=@-;filename=n.txt", "/parts"},
                {"-F", "in=@-;type=text/x-log", "/parts"}, {"-F", "in=<-", "-F", "x=1", "/parts"},
                {"--data-urlencode", "@-", "/echo"}, {"-d", "raw=1", "--data-urlencode", "q@-", "/echo"}};
            for (String[] each : cases) {
                String[] arguments = java.util.Arrays.copyOf(each, each.length);
                arguments[each.length - 1] = url + each[each.length - 1];
                GetCommandIT.Run ours = GetCommandIT.wispWithInput(input, arguments);
                assertEquals(0, ours.exitCode(), ours.stderr());
                List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-s"));
                command.addAll(List.of(arguments));
                assertEquals(PeerTools.runWithInput(TIMEOUT, command, input).stdout(), ours.text(),
                        String.join(" ", each));
            }
        });
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
