package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.HeadlessChromium;
import dev.wisp.testing.PeerTools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve} in headless Chromium: a page whose script (a {@code .js} file, which {@code nosniff} lets run
 * only with a script type) opens the directory listing in a frame, reads what the browser made of it (its title,
 * its stylesheet applied under the listing's Content-Security-Policy, no scripts, the names in order) and follows
 * every file link. Chromium prints the page's DOM once the script is done ({@code --dump-dom}).
 */
class ServeChromiumIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    private static final String PAGE = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>check</title></head>
            <body><pre id="out">running</pre><script src="check.js"></script></body></html>
            """;

    private static final String SCRIPT = """
            const lines = [];
            const frame = document.createElement('iframe');
            frame.src = './files/';
            frame.onload = async () => {
              try {
                const listing = frame.contentDocument;
                lines.push('title ' + listing.title);
                lines.push('table ' + getComputedStyle(listing.querySelector('table')).borderCollapse);
                lines.push('scripts ' + listing.scripts.length);
                const links = [...listing.querySelectorAll('td a')];
                lines.push('names ' + links.map(a => a.textContent).join('|'));
                for (const a of links.filter(a => !a.textContent.endsWith('/'))) {
                  const response = await fetch(a.href);
                  lines.push(a.textContent + ' ' + response.status + ' ' + response.headers.get('content-type')
                      + ' ' + (await response.text()).trim());
                }
                lines.push('protocol ' + performance.getEntriesByType('navigation')[0].nextHopProtocol);
              } catch (e) {
                lines.push('error ' + e);
              }
              document.getElementById('out').textContent = lines.join('\\n');
            };
            document.body.appendChild(frame);
            """;

    @TempDir
    Path directory;

    @Test
    void listingAndScriptedPageWorkInChromium() {
        listingAndScriptedPageWork(List.of("--plain"), "http", List.of(), "http/1.1");
    }

    /**
     * Over HTTPS, as {@code wisp serve} runs by default, the browser and the server agree on HTTP/2. Its self-signed
     * certificate is not in Chromium's store, hence {@code --ignore-certificate-errors}: what is tested here is the
     * protocol, not the certificate.
     */
    @Test
    void listingAndScriptedPageWorkInChromiumOverHttp2() {
        listingAndScriptedPageWork(List.of(), "https", List.of("--ignore-certificate-errors"), "h2");
    }

    private void listingAndScriptedPageWork(List<String> serveOptions, String scheme, List<String> chromiumFlags,
            String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            Files.writeString(directory.resolve("check.html"), PAGE);
            Files.writeString(directory.resolve("check.js"), SCRIPT);
            Path files = Files.createDirectories(directory.resolve("files/sub"));
            files = files.getParent();
            // Through a file: URI, so that the name has its UTF-8 bytes whatever this JVM's locale.
            Files.writeString(Path.of(URI.create(files.toUri() + "caf%C3%A9%20%E2%98%95.txt")), "coffee\n");
            Files.writeString(files.resolve("Main.java"), "class Main {}\n");
            Files.writeString(files.resolve("zeta.py"), "print(1)\n");
            Files.writeString(files.resolve("Alpha.txt"), "a\n");
            Files.writeString(files.resolve(".secret"), "s\n");
            List<String> arguments = new ArrayList<>(List.of(directory.toString(), "--port", "0"));
            arguments.addAll(serveOptions);
            Server server = ServeCommand.start(arguments,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                List<String> flags = new ArrayList<>(chromiumFlags);
                flags.add("--virtual-time-budget=20000");
                String report = pageReport(scheme + "://127.0.0.1:" + server.port() + "/check.html",
                        flags.toArray(String[]::new));
                assertEquals("""
                        title Index of /files/
                        table collapse
                        scripts 0
                        names ../|sub/|Alpha.txt|caf\u00e9 \u2615.txt|Main.java|zeta.py
                        Alpha.txt 200 text/plain; charset=utf-8 a
                        caf\u00e9 \u2615.txt 200 text/plain; charset=utf-8 coffee
                        Main.java 200 text/plain; charset=utf-8 class Main {}
                        zeta.py 200 text/plain; charset=utf-8 print(1)
                        protocol\s""" + protocol, report);
            } finally {
                server.stop(Duration.ZERO);
            }
        });
    }

    /**
     * {@code --precompressed}: each script of the page exists as the file itself and as stored copies made by the real
     * tools, each copy saying which it is, so the page shows what Chromium was sent and that it decoded it. Over
     * HTTPS Chromium offers {@code gzip, deflate, br, zstd}, and the server's order puts {@code br} first; a file with
     * only a gzip copy comes from that one.
     */
    @Test
    void chromiumDecodesTheStoredCopiesItIsSent() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            Files.writeString(directory.resolve("coded.html"), """
                    <!DOCTYPE html>
                    <html><head><meta charset="utf-8"><title>coded</title></head>
                    <body><pre id="out">running</pre><script src="first.js"></script><script src="second.js"></script>
                    </body></html>
                    """);
            storeWithCopies("first.js", "first", "br", "zstd", "gzip");
            storeWithCopies("second.js", "second", "gzip");
            Server server = ServeCommand.start(List.of(directory.toString(), "--port", "0", "--precompressed"),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                assertEquals("first from br\nsecond from gzip", pageReport("https://127.0.0.1:" + server.port()
                        + "/coded.html", "--ignore-certificate-errors", "--virtual-time-budget=20000"));
            } finally {
                server.stop(Duration.ZERO);
            }
        });
    }

    /**
     * {@code --header}: a page served with {@code Cross-Origin-Opener-Policy} and {@code Cross-Origin-Embedder-Policy}
     * is cross-origin isolated in Chromium, and may make a {@code SharedArrayBuffer} (as WebAssembly threads need);
     * without them it is not.
     */
    @Test
    void headersOfTheCommandLineMakeAPageCrossOriginIsolated() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            Files.writeString(directory.resolve("isolated.html"), """
                    <!DOCTYPE html>
                    <html><head><meta charset="utf-8"><title>isolated</title></head>
                    <body><pre id="out">running</pre><script src="isolated.js"></script></body></html>
                    """);
            Files.writeString(directory.resolve("isolated.js"), "document.getElementById('out').textContent ="
                    + " 'isolated ' + self.crossOriginIsolated + ', shared memory ' + (typeof SharedArrayBuffer);\n");
            assertEquals("isolated true, shared memory function", isolation("-H",
                    "Cross-Origin-Opener-Policy: same-origin",
                    "--header", "Cross-Origin-Embedder-Policy: require-corp"));
            assertEquals("isolated false, shared memory undefined", isolation());
        });
    }

    /** What isolated.html reports when served with these options. */
    private String isolation(String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(directory.toString(), "--port", "0", "--plain", "--quiet"));
        arguments.addAll(List.of(options));
        Server server = ServeCommand.start(arguments,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return pageReport("http://127.0.0.1:" + server.port() + "/isolated.html", "--virtual-time-budget=10000");
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    /**
     * Opens the page in headless Chromium and returns what its scripts wrote into its {@code <pre id="out">}, read from
     * the DOM Chromium prints once they are done.
     */
    private String pageReport(String url, String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of(flags));
        all.add("--dump-dom");
        PeerTools.Result result = HeadlessChromium.run(Duration.ofSeconds(75), directory, url,
                all.toArray(String[]::new));
        String dom = new String(result.stdout().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        int start = dom.indexOf("<pre id=\"out\">");
        assertTrue(start >= 0, () -> "no page in: " + dom + result.stderr());
        return dom.substring(start + 14, dom.indexOf("</pre>", start));
    }

    /** A script that adds a line naming itself and its coding, stored as is and in a copy per coding. */
    private void storeWithCopies(String name, String label, String... codings) throws Exception {
        String line = "document.getElementById('out').textContent = (document.getElementById('out').textContent"
                + " === 'running' ? '' : document.getElementById('out').textContent + '\\n') + '" + label + " from ";
        Files.writeString(directory.resolve(name), line + "identity';\n");
        for (String coding : codings) {
            Path source = Files.writeString(directory.resolve(coding + "-" + name), line + coding + "';\n");
            String tool = coding.equals("gzip") ? "gzip" : coding.equals("br") ? "brotli" : "zstd";
            String suffix = coding.equals("gzip") ? ".gz" : coding.equals("br") ? ".br" : ".zst";
            PeerTools.Result made = PeerTools.run(Duration.ofSeconds(10), List.of(PeerTools.require(tool).toString(),
                    "-c", source.toString()));
            assertEquals(0, made.exitCode(), made.stderr());
            Files.write(directory.resolve(name + suffix), made.stdout().getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
