package dev.wisp.server.files;

import dev.wisp.core.HttpDate;
import dev.wisp.core.JsonStrings;
import dev.wisp.core.PercentEncoding;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The index of a directory, as HTML or as JSON ({@link #renderJson}). The HTML is one page with a small inline
 * stylesheet and no script. Subdirectories come first, then files, each in case-insensitive name order; sizes in binary
 * units with the exact byte count as a tooltip ({@code title}); modification times in ISO 8601, UTC, to the second. A
 * link to the parent unless the directory is the root.
 *
 * <p>Left out: entries that lead outside the root (through links), that are neither file nor directory, hidden
 * (dot) files and links to them unless the handler serves them, and names that could not be requested: a name that is
 * empty or a dot segment, or one whose bytes are not UTF-8 ({@link FileNames}).
 *
 * <p>Names are HTML-escaped; links are percent-encoded (UTF-8) and start with {@code ./}, so a name such as
 * {@code javascript:x} is a path, never a scheme.
 */
final class DirectoryListing {
    /** Sent with the page: nothing but its own inline style runs, whatever a file name may hold. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";
    /**
     * Sent with the page of a writable folder, whose buttons upload and delete: no other site may frame it, to have a
     * user click them unseen (clickjacking), and its forms post to this server only.
     */
    static final String WRITABLE_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
            + "; frame-ancestors 'none'; form-action 'self'";

    private static final String STYLE = """
            body{font:14px/1.5 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
            h1{font-size:1.3em;font-weight:600;word-break:break-all}
            table{border-collapse:collapse;width:100%}
            th,td{padding:.2em .8em;text-align:left;white-space:nowrap}
            th{border-bottom:1px solid #ccc;font-weight:600}
            td:first-child{white-space:normal;word-break:break-all;width:100%}
            td.size{text-align:right;font-variant-numeric:tabular-nums}
            tr:hover td{background:#f2f4f8}
            a{color:#0645ad;text-decoration:none}
            a:hover{text-decoration:underline}
            td form{margin:0}
            """;

    private record Entry(String name, boolean isDirectory, long size, Instant modified) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing((Entry entry) -> !entry.isDirectory())
            .thenComparing(Entry::name, String.CASE_INSENSITIVE_ORDER)
            .thenComparing(Entry::name);

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private DirectoryListing() {
    }

    /**
     * Renders the listing.
     *
     * @param directory the real path of the directory
     * @param title the request path shown as heading, decoded
     * @param hasParent whether to link to {@code ../}
     * @param uploadForm whether to show a form that uploads files to the directory, and one per file that deletes it
     *     (a writable handler)
     */
    static String render(RootDirectory root, Path directory, String title, boolean hasParent, boolean uploadForm)
            throws IOException {
        StringBuilder html = new StringBuilder(2048);
        String heading = "Index of " + escape(title);
        html.append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(heading).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<h1>")
                .append(heading).append("</h1>\n<table>\n")
                .append("<tr><th>Name</th><th>Size</th><th>Last modified (UTC)</th>")
                .append(uploadForm ? "<th></th></tr>\n" : "</tr>\n");
        if (hasParent) {
            html.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td>")
                    .append(uploadForm ? "<td></td></tr>\n" : "</tr>\n");
        }
        for (Entry entry : entries(root, directory)) {
            String suffix = entry.isDirectory() ? "/" : "";
            html.append("<tr><td><a href=\"./").append(escape(PercentEncoding.encodePathSegment(entry.name())))
                    .append(suffix).append("\">").append(escape(entry.name())).append(suffix).append("</a></td>");
            if (entry.isDirectory()) {
                html.append("<td class=\"size\">-</td>");
            } else {
                html.append("<td class=\"size\" title=\"").append(entry.size()).append(" bytes\">")
                        .append(humanSize(entry.size())).append("</td>");
            }
            String modified = entry.modified().truncatedTo(ChronoUnit.SECONDS).toString();
            html.append("<td><time datetime=\"").append(modified).append("\">")
                    .append(modified.replace('T', ' ').replace("Z", "")).append("</time></td>");
            if (uploadForm) {
                // No script, so no confirmation: a plain form per file posts its name to the directory to delete it.
                html.append("<td>");
                if (!entry.isDirectory()) {
                    html.append("<form method=\"post\" enctype=\"multipart/form-data\">")
                            .append("<input type=\"hidden\" name=\"").append(FolderForm.DELETE_FIELD)
                            .append("\" value=\"").append(escape(entry.name()))
                            .append("\"><button>Delete</button></form>");
                }
                html.append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
        if (uploadForm) {
            // No script: a plain form posts the chosen files to this directory, which stores them and shows it again.
            html.append("<form method=\"post\" enctype=\"multipart/form-data\"><p>")
                    .append("<input type=\"file\" name=\"file\" multiple> <button>Upload</button>")
                    .append(" (replaces a file of the same name)</p></form>\n");
        }
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    /**
     * Renders the listing as JSON, in the shape of nginx's {@code autoindex_format json}, so that what reads those
     * reads these: an array of the entries in the HTML listing's order, each on its line, with its name, its type
     * ({@code directory} or {@code file}), its modification time as an HTTP date, and a file's size in bytes:
     *
     * <pre>
     * [
     * { "name":"docs", "type":"directory", "mtime":"Sat, 05 Dec 2026 12:00:00 GMT" },
     * { "name":"a.txt", "type":"file", "mtime":"Sat, 05 Dec 2026 12:00:00 GMT", "size":12 }
     * ]
     * </pre>
     * No entry for the parent. Names are written by {@link JsonStrings}.
     *
     * @param directory the real path of the directory
     */
    static String renderJson(RootDirectory root, Path directory) throws IOException {
        StringBuilder json = new StringBuilder(1024).append("[\n");
        List<Entry> entries = entries(root, directory);
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            JsonStrings.append(json.append("{ \"name\":"), entry.name());
            json.append(", \"type\":\"").append(entry.isDirectory() ? "directory" : "file")
                    .append("\", \"mtime\":\"").append(HttpDate.format(entry.modified())).append('"');
            if (!entry.isDirectory()) {
                json.append(", \"size\":").append(entry.size());
            }
            json.append(" }").append(i < entries.size() - 1 ? ",\n" : "\n");
        }
        return json.append("]\n").toString();
    }

    /**
     * A size in binary units, as {@code ls -lh} shows it: bytes as they are, then one decimal below 10
     * ({@code 1.5 KiB}) and whole numbers from 10 ({@code 12 KiB}), rounded half up.
     */
    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        // Rounding may carry into the next unit (1023.6 KiB reads 1024 KiB); show that as 1.0 of the next.
        if (value >= 9.95 && Math.round(value) >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value < 9.95 ? String.format(Locale.ROOT, "%.1f", value)
                : Long.toString(Math.round(value));
        return number + " " + UNITS[unit];
    }

    private static List<Entry> entries(RootDirectory root, Path directory) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                String name = FileNames.nameOf(path);
                if (name == null || !RootDirectory.isSafeSegment(name) || root.hides(name)) {
                    continue;
                }
                Path real = root.inside(path);
                if (real == null || root.leadsToHidden(real)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(real, BasicFileAttributes.class);
                } catch (IOException e) {
                    continue; // gone or unreadable since it was listed: not worth a failed page
                }
                if (attributes.isDirectory() || attributes.isRegularFile()) {
                    entries.add(new Entry(name, attributes.isDirectory(), attributes.size(),
                            attributes.lastModifiedTime().toInstant()));
                }
            }
        }
        entries.sort(ORDER);
        return entries;
    }

    /** Escapes text for HTML element content and double- or single-quoted attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
