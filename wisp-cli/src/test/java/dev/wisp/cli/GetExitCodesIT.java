package dev.wisp.cli;

import static dev.wisp.cli.GetCommandIT.answerEach;
import static dev.wisp.cli.GetCommandIT.curl;
import static dev.wisp.cli.GetCommandIT.wisp;
import static dev.wisp.cli.GetCommandIT.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code wisp get}'s exit codes where curl tells apart failures that one exception of the client covers, and where
 * it takes for an answer what the client takes for a failure (a proxy's 407 to a request it was to forward).
 */
class GetExitCodesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void exitsAsCurlDoesForCutBodiesEmptyRepliesProxyRefusalsAndBadRedirects() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String[][] cases = {
                {"18", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"},
                {"18", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc"},
                {"52", ""},
                {"3", "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:99999/\r\nContent-Length: 0\r\n\r\n", "-L"},
                {"56", "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n"
                        + "Content-Length: 0\r\n\r\n", "-x"},
                {"56", "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", "-x"},
                // To a request it was to forward (not a CONNECT), the proxy's 407 is the response, as curl has it.
                {"0", "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n"
                        + "Content-Length: 14\r\n\r\nproxy says no\n", "-x", "-i"},
                {"22", "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n", "-x", "-f"},
            };
            for (String[] answer : cases) {
                try (ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                    Thread.ofVirtual().start(() -> answerEach(listener, answer[1]));
                    String peer = "http://127.0.0.1:" + listener.getLocalPort() + "/";
                    String[] arguments = answer.length < 3 ? new String[] {peer}
                            : answer.length == 4 ? new String[] {answer[3], "-x", peer, "http://example.invalid/"}
                            : answer[2].equals("-x") ? new String[] {"-x", peer, "https://example.invalid/"}
                            : new String[] {answer[2], peer};
                    GetCommandIT.Run ours = wisp(arguments);
                    GetCommandIT.Run theirs = curl(with(arguments, "-s"));
                    assertEquals(Integer.parseInt(answer[0]), ours.exitCode(), answer[1] + ": " + ours.stderr());
                    assertEquals(theirs.exitCode(), ours.exitCode(), answer[1]);
                    assertEquals(theirs.text(), ours.text(), answer[1]);
                    assertFalse(ours.stderr().contains("ProxyConfig"), "the client's API is no flag: " + ours.stderr());
                    if (answer[1].startsWith("HTTP/1.1 407") && answer.length == 3) {
                        assertTrue(ours.stderr().contains("no credentials given for it (-U/--proxy-user, or"
                                + " user:password@ in the -x URL)"), ours.stderr());
                    }
                }
            }
        });
    }

    /** A redirect followed to an empty reply: curl's 52, and -w's http_code is the redirect's (it was 000). */
    @Test
    void writesTheLastStatusReceivedWhenTheRedirectedRequestFails() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ServerSocket empty = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                    ServerSocket redirecting = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                Thread.ofVirtual().start(() -> answerEach(empty, ""));
                String redirect = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + empty.getLocalPort()
                        + "/\r\nContent-Length: 0\r\n\r\n";
                Thread.ofVirtual().start(() -> answerEach(redirecting, redirect));
                String[] arguments = {"-L", "-w", "%{http_code} %{num_redirects}",
                        "http://127.0.0.1:" + redirecting.getLocalPort() + "/"};
                GetCommandIT.Run ours = wisp(arguments);
                GetCommandIT.Run theirs = curl(with(arguments, "-s"));
                assertEquals(52, ours.exitCode(), ours.stderr());
                assertEquals(theirs.exitCode(), ours.exitCode());
                assertEquals("302 1", ours.text());
                assertEquals(theirs.text(), ours.text());
            }
        });
    }

    @Test
    void exitsAsCurlDoesForAPortOutOfRangeAndAnotherProtocol() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            for (String url : new String[] {"http://127.0.0.1:99999/", "htp://127.0.0.1/"}) {
                assertEquals(curl("-s", url).exitCode(), wisp(url).exitCode(), url);
            }
            assertEquals(3, wisp("http://127.0.0.1:99999/").exitCode());
            GetCommandIT.Run ftp = wisp("ftp://127.0.0.1/file");
            assertEquals(1, ftp.exitCode(), "an unsupported protocol, as curl built without FTP says");
            assertEquals("wisp get: protocol 'ftp' is not supported (http and https are): 'ftp://127.0.0.1/file'\n",
                    ftp.stderr());
        });
    }
}
