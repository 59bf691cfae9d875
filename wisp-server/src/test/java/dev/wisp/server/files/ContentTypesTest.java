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
        "trailing.      | application/octet-stream",
        ".bashrc        | application/octet-stream",
        "file.exe       | application/octet-stream",
        "no-extension   | application/octet-stream",
    })
    void mapsExtension(String name, String expected) {
        assertEquals(expected, ContentTypes.forFileName(name));
    }

    /**
     * Types the web uses that neither the built-in table nor the JDK's knew: a browser refuses a subtitle track not
     * sent as text/vtt, and the fonts' types are those the Compression filter compresses by default.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "font.ttf           | font/ttf",
        "font.otf           | font/otf",
        "font.eot           | application/vnd.ms-fontobject",
        "photo.avif         | image/avif",
        "anim.apng          | image/apng",
        "subs.vtt           | text/vtt; charset=utf-8",
        "site.webmanifest   | application/manifest+json",
        "app.js.map         | application/json",
        "lib.cjs            | text/javascript; charset=utf-8",
        "page.xhtml         | application/xhtml+xml",
        "data.jsonld        | application/ld+json",
        "film.mkv           | video/x-matroska",
        "phone.3gp          | video/3gpp",
        "book.epub          | application/epub+zip",
        "feed.atom          | application/atom+xml",
        "feed.rss           | application/rss+xml",
        "event.ics          | text/calendar; charset=utf-8",
        "logs.tar.xz        | application/x-xz",
        "src.tgz            | application/gzip",
    })
    void mapsTheWebsOwnTypes(String name, String expected) {
        assertEquals(expected, ContentTypes.forFileName(name));
    }

    /** Sources a browser should show, not download: the JDK's table would make {@code .sh} a shell archive. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Main.java      | text/plain; charset=utf-8",
        "script.py      | text/plain; charset=utf-8",
        "README.md      | text/plain; charset=utf-8",
        "build.SH       | text/plain; charset=utf-8",
        "config.yaml    | text/plain; charset=utf-8",
        "lib.rs         | text/plain; charset=utf-8",
        "Makefile       | text/plain; charset=utf-8",
        "LICENSE        | text/plain; charset=utf-8",
        ".gitignore     | text/plain; charset=utf-8",
    })
    void servesSourcesAsPlainText(String name, String expected) {
        assertEquals(expected, ContentTypes.forFileName(name));
    }

    /** Where the JDK's table is wrong: AVI as {@code application/x-troff-msvideo}, bzip2 as {@code application/bz2}. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "clip.avi       | video/x-msvideo",
        "data.tar.bz2   | application/x-bzip2",
    })
    void correctsTheJdkTable(String name, String expected) {
        assertEquals(expected, ContentTypes.forFileName(name));
    }

    /** Types outside the built-in table come from the JDK's, before octet-stream. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "clip.mov       | video/quicktime",
        "sheet.xls      | application/vnd.ms-excel",
        "picture.BMP    | image/bmp",
        "archive.7z     | application/x-7z-compressed",
        "letter.rtf     | application/rtf",
    })
    void fallsBackToTheJdkTable(String name, String expected) {
        assertEquals(expected, ContentTypes.forFileName(name));
    }
}
