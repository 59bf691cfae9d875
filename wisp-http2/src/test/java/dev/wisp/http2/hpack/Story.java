package dev.wisp.http2.hpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The http2jp hpack-test-case stories in {@code ../shared/conformance/hpack} beside the repository (read from the
 * module folder, where tests run, as {@code ../../shared/...}; never copied into the repository). Each story is a
 * sequence of header blocks sharing one compression context. Without the corpus the tests are skipped, in CI too:
 * unlike a peer tool, the corpus is not something a test run can install, and a clone elsewhere has none.
 */
record Story(String folder, String name, List<Case> cases) {
    static final Path ROOT = Path.of("..", "..", "shared", "conformance", "hpack");
    /** The folders holding other implementations' encodings of raw-data. */
    static final List<String> ENCODED = List.of("nghttp2", "nghttp2-change-table-size", "go-hpack", "python-hpack");

    /**
     * One header block of a story.
     *
     * @param tableSize the SETTINGS_HEADER_TABLE_SIZE acknowledged just before it, or -1 if unchanged
     * @param wire the block, or null in raw-data
     */
    record Case(int tableSize, byte[] wire, List<HpackField> headers) {
    }

    @Override
    public String toString() {
        return folder + "/" + name;
    }

    static List<Story> load(String folder) {
        Path directory = ROOT.resolve(folder);
        Assumptions.assumeTrue(Files.isDirectory(directory),
                () -> "HPACK corpus not found at " + directory.toAbsolutePath().normalize());
        try (Stream<Path> files = Files.list(directory)) {
            List<Story> stories = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                stories.add(parse(folder, file));
            }
            assertTrue(!stories.isEmpty(), "no stories in " + directory);
            return stories;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Story parse(String folder, Path file) throws IOException {
        Map<String, Object> story = (Map<String, Object>) Json.parse(Files.readString(file, UTF_8));
        List<Case> cases = new ArrayList<>();
        for (Object item : (List<Object>) story.get("cases")) {
            Map<String, Object> json = (Map<String, Object>) item;
            int tableSize = json.containsKey("header_table_size")
                    ? ((Long) json.get("header_table_size")).intValue() : -1;
            byte[] wire = json.containsKey("wire") ? HexFormat.of().parseHex((String) json.get("wire")) : null;
            List<HpackField> headers = new ArrayList<>();
            for (Object header : (List<Object>) json.get("headers")) {
                for (Map.Entry<String, Object> field : ((Map<String, Object>) header).entrySet()) {
                    headers.add(new HpackField(bytes(field.getKey()), bytes((String) field.getValue())));
                }
            }
            cases.add(new Case(tableSize, wire, headers));
        }
        return new Story(folder, file.getFileName().toString(), cases);
    }

    /** The corpus holds text; on the wire it is UTF-8, which the codec carries as one char per byte. */
    static String bytes(String text) {
        return new String(text.getBytes(UTF_8), ISO_8859_1);
    }
}
