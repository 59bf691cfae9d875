package dev.wisp.cli;

import static dev.wisp.cli.GetCommandIT.answerEach;
import static dev.wisp.cli.GetCommandIT.curl;
import static dev.wisp.cli.GetCommandIT.wisp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.cli.GetCommandIT.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** {@code wisp get --compressed} against scripted servers, with curl as the reference: {@link ContentCodings}. */
class GetCompressedIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void decodesEveryContentCodingWithCompressedOrExits61AsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            byte[] twice = gzip(gzip("hello\n".getBytes(StandardCharsets.ISO_8859_1)));
            byte[] five = "hello\n".getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 5; i++) {
                five = gzip(five);
            }
            // Up to five stacked codings are undone, more are refused (curl's CVE-2022-32206 limit): a thousand
            // overflowed the stack with a decoder each.
            String[][] cases = {{"gzip, gzip", new String(twice, StandardCharsets.ISO_8859_1)},
                {"gzip", "not gzip at all"}, {"foo", "hello\n"}, {"identity", "hello\n"}, {"gzip", ""},
                {"gzip, gzip, gzip, gzip, gzip", new String(five, StandardCharsets.ISO_8859_1)},
                {"gzip, gzip, gzip, gzip, gzip, gzip", new String(gzip(five), StandardCharsets.ISO_8859_1)},
                {String.join(",", java.util.Collections.nCopies(1000, "gzip")), "x"}};
            for (String[] coding : cases) {
                String response = "HTTP/1.1 200 OK\r\nContent-Encoding: " + coding[0] + "\r\nContent-Length: "
                        + coding[1].length() + "\r\nConnection: close\r\n\r\n" + coding[1];
                try (ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                    Thread.ofVirtual().start(() -> answerEach(listener, response));
                    String url = "http://127.0.0.1:" + listener.getLocalPort() + "/";
                    Run ours = wisp("--compressed", url);
                    Run theirs = curl("-s", "--compressed", url);
                    String name = coding[0].length() > 40 ? "1000 codings" : coding[0];
                    assertEquals(theirs.exitCode(), ours.exitCode(), name + ": " + ours.stderr());
                    assertEquals(theirs.text(), ours.text(), name);
                }
            }
        });
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
            out.write(bytes);
        }
        return zipped.toByteArray();
    }
}
