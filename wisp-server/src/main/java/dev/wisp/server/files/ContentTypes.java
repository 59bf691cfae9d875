package dev.wisp.server.files;

import dev.wisp.core.Ascii;
import java.net.FileNameMap;
import java.net.URLConnection;
import java.util.Map;
import java.util.Set;

/**
 * The media type of a file, from its extension (case-insensitive): first a small built-in table of the web's types;
 * then source and text files a browser should show rather than download ({@code .java}, {@code .py}, {@code .md},
 * {@code .sh}, {@code Makefile}...) as {@code text/plain}; then the JDK's own table
 * ({@link URLConnection#getFileNameMap()}); else {@code application/octet-stream}, so a browser downloads rather than
 * guesses. Text types carry {@code charset=utf-8}.
 *
 * <p>Why text/plain for sources: their registered types ({@code text/markdown}, {@code text/x-python},
 * {@code application/x-sh}) make a browser download the file, and the JDK's table even has {@code .sh} as a shell
 * archive. Served as text, with {@code nosniff}, a browser shows them and never runs them.
 */
final class ContentTypes {
    static final String OCTET_STREAM = "application/octet-stream";
    static final String PLAIN_TEXT = "text/plain; charset=utf-8";

    private static final String UTF_8 = "; charset=utf-8";
    private static final FileNameMap JDK_TABLE = URLConnection.getFileNameMap();

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("cjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("jsonld", "application/ld+json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("xhtml", "application/xhtml+xml"),
            Map.entry("vtt", "text/vtt; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("svgz", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("apng", "image/apng"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("eot", "application/vnd.ms-fontobject"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tgz", "application/gzip"),
            Map.entry("tar", "application/x-tar"),
            // The JDK's table has AVI as a troff type and bzip2 under a name no tool knows; it lacks the rest.
            Map.entry("avi", "video/x-msvideo"),
            Map.entry("bz2", "application/x-bzip2"),
            Map.entry("xz", "application/x-xz"),
            Map.entry("mkv", "video/x-matroska"),
            Map.entry("3gp", "video/3gpp"),
            Map.entry("epub", "application/epub+zip"),
            Map.entry("atom", "application/atom+xml"),
            Map.entry("rss", "application/rss+xml"),
            Map.entry("ics", "text/calendar; charset=utf-8"));

    /** Extensions of source and text files, lower case, served as plain text. */
    private static final Set<String> TEXT_EXTENSIONS = Set.of(
            "md", "markdown", "rst", "adoc", "log", "text", "java", "kt", "kts", "scala", "groovy", "gradle", "py",
            "rb", "pl", "php", "go", "rs", "c", "h", "cc", "cpp", "hpp", "cs", "swift", "sh", "bash", "zsh", "fish",
            "bat", "ps1", "sql", "yaml", "yml", "toml", "ini", "cfg", "conf", "properties", "env", "diff", "patch",
            "tsx", "jsx", "vue", "lua", "r", "tex", "mk", "cmake", "dockerfile", "gitignore", "editorconfig");

    /** Whole file names, lower case, of text files that have no extension. */
    private static final Set<String> TEXT_NAMES = Set.of(
            "makefile", "dockerfile", "readme", "license", "notice", "changelog", "authors", "contributing",
            "copying", "gemfile", "rakefile", "procfile", "vagrantfile", "jenkinsfile");

    /**
     * Extensions of files stored gzip-coded whose type is that of the decoded content: sent with
     * {@code Content-Encoding: gzip}, as Apache's {@code AddEncoding} does, so a browser decodes and shows them (and
     * no compression codes them twice). Archives such as {@code .gz} are not among them: they are to be saved.
     */
    private static final Set<String> GZIP_CODED_EXTENSIONS = Set.of("svgz");

    private ContentTypes() {
    }

    /** The Content-Encoding of a file stored coded ({@code gzip} for {@code .svgz}), or null for none. */
    static String contentEncodingFor(String fileName) {
        String lowerCase = Ascii.toLowerCase(fileName);
        String extension = lowerCase.substring(lowerCase.lastIndexOf('.') + 1);
        return lowerCase.indexOf('.') >= 0 && GZIP_CODED_EXTENSIONS.contains(extension) ? "gzip" : null;
    }

    /** The Content-Type for a file name. */
    static String forFileName(String fileName) {
        String lowerCase = Ascii.toLowerCase(fileName);
        int dot = lowerCase.lastIndexOf('.');
        if (dot < 0) {
            return TEXT_NAMES.contains(lowerCase) ? PLAIN_TEXT : OCTET_STREAM;
        }
        String extension = lowerCase.substring(dot + 1);
        if (extension.isEmpty()) {
            return OCTET_STREAM;
        }
        String known = BY_EXTENSION.get(extension);
        if (known != null) {
            return known;
        }
        if (TEXT_EXTENSIONS.contains(extension)) {
            return PLAIN_TEXT;
        }
        return fromJdkTable(lowerCase);
    }

    /** The JDK's type for the name, with UTF-8 for text; octet-stream if the JDK does not know it either. */
    private static String fromJdkTable(String fileName) {
        String type = JDK_TABLE.getContentTypeFor(fileName);
        if (type == null || type.isBlank() || type.equals("content/unknown")) {
            return OCTET_STREAM;
        }
        return type.startsWith("text/") && !type.contains(";") ? type + UTF_8 : type;
    }
}
