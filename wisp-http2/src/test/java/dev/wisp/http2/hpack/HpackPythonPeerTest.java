package dev.wisp.http2.hpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.http2.PythonPeer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Another implementation against ours, on the raw stories of hpack-test-case: Python's hpack (Debian's python3-h2,
 * which {@code bin/test} installs) decodes what our encoder makes of them, and we decode what it makes of them. A
 * missing python3 or hpack skips the tests, except in CI, where they fail.
 */
class HpackPythonPeerTest {
    @BeforeAll
    static void requirePythonHpack() throws IOException, InterruptedException {
        PythonPeer.require("hpack");
    }

    @Test
    void pythonDecodesWhatWeEncode() throws IOException, InterruptedException {
        List<Story> stories = Story.load("raw-data");
        StringBuilder input = new StringBuilder();
        for (Story story : stories) {
            input.append("story\n");
            HpackEncoder encoder = new HpackEncoder(4096);
            for (Story.Case block : story.cases()) {
                input.append(HexFormat.of().formatHex(encoder.encode(block.headers()))).append('\n');
            }
        }
        List<String> lines = runPython(input.toString(), "decode");
        int line = 0;
        for (Story story : stories) {
            assertEquals("story", lines.get(line++), story.toString());
            for (Story.Case block : story.cases()) {
                assertEquals(block.headers(), parseFields(lines.get(line++)), story.toString());
            }
        }
        assertEquals(line, lines.size(), "lines printed");
    }

    @Test
    void weDecodeWhatPythonEncodes() throws IOException, InterruptedException {
        List<Story> stories = Story.load("raw-data");
        List<String> lines = runPython("", "encode", Story.ROOT.resolve("raw-data").toString());
        int line = 0;
        for (Story story : stories) {
            assertEquals("story " + story.name(), lines.get(line++));
            HpackDecoder decoder = new HpackDecoder(1 << 20, 1 << 20);
            int blockNumber = 0;
            for (Story.Case block : story.cases()) {
                byte[] wire = HexFormat.of().parseHex(lines.get(line++));
                assertEquals(block.headers(), HpackStoriesTest.plain(decoder.decode(wire)),
                        story + " block " + blockNumber++);
            }
        }
        assertEquals(line, lines.size(), "lines printed");
    }

    private static List<String> runPython(String input, String... arguments) throws IOException,
            InterruptedException {
        return PythonPeer.run("hpack_peer.py", input, arguments);
    }

    /** "name:value name:value", each in hex, as the script prints a block's fields. */
    private static List<HpackField> parseFields(String line) {
        List<HpackField> fields = new ArrayList<>();
        for (String field : line.split(" ")) {
            if (field.isEmpty()) {
                continue;
            }
            int colon = field.indexOf(':');
            fields.add(new HpackField(text(field.substring(0, colon)), text(field.substring(colon + 1))));
        }
        return fields;
    }

    private static String text(String hex) {
        return new String(HexFormat.of().parseHex(hex), ISO_8859_1);
    }
}
