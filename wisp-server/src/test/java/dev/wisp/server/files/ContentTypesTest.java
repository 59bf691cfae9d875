package dev.wisp.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentTypesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "index.html     | text/html; charset=utf-8",
        "INDEX.HTML     | text/html; charset=utf-8",
        "app.mjs        | text/javascript; charset=utf-8",
        "a.b.tar.gz     | application/gzip",
        "font.woff2     | font/woff2",
        "photo.JPEG     | image/jpeg",
        "data.json      | application/json",
        "Makefile       | application/octet-stream",
        "trailing.      | application/octet-stream",
        ".bashrc        | application/octet-stream",
        "file.exe       | application/octet-stream",
    })
    void mapsExtension(String name, String expected) {
        assertEquals(expected, ContentTypes.forFileName(name));
    }
}
