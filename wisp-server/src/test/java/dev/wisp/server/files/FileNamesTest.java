package dev.wisp.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.PercentEncoding;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The way through {@code file:} URIs that {@link FileNames} takes when the JVM's path strings are not UTF-8
 * (under {@code LANG=C}), run here in any locale: names go to the file's UTF-8 bytes and back. The files are made
 * through URIs too, so their bytes are right whatever this JVM's locale.
 */
class FileNamesTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"caf\u00e9 \u2615.txt", "plain.txt", "100% sure+?#[].md", "\u65e5\u672c\u8a9e",
        "a b;c=d@e:f"})
    void namesFilesByTheirUtf8Bytes(String name) throws IOException {
        Path file = FileNames.childByUri(directory, name);
        Files.writeString(file, name);
        Path made = Path.of(URI.create(directory.toUri() + PercentEncoding.encodePathSegment(name)));
        assertTrue(Files.isSameFile(made, file), name);
        assertEquals(name, FileNames.nameByUri(file));
        assertEquals(name, Files.readString(FileNames.childByUri(directory, name)));
    }

    @Test
    void namesDirectoriesToo() throws IOException {
        Path sub = Files.createDirectory(FileNames.childByUri(directory, "d\u00e9j\u00e0"));
        assertEquals("d\u00e9j\u00e0", FileNames.nameByUri(sub));
        Path inside = Files.writeString(FileNames.childByUri(sub, "été.txt"), "summer");
        assertEquals("summer", Files.readString(FileNames.childByUri(FileNames.childByUri(directory, "déjà"),
                "été.txt")));
        assertEquals("été.txt", FileNames.nameByUri(inside));
    }

    /** Latin-1 'é' alone is not UTF-8: no URL names such a file, so it has no name. */
    @Test
    void hasNoNameForBytesThatAreNotUtf8() throws IOException {
        Path latin = Files.writeString(Path.of(URI.create(directory.toUri() + "caf%E9.txt")), "x");
        assertNull(FileNames.nameByUri(latin));
        assertNull(FileNames.nameOf(latin));
    }

    @Test
    void refusesNul() {
        assertThrows(IllegalArgumentException.class, () -> FileNames.childByUri(directory, "a\u0000b"));
    }
}
