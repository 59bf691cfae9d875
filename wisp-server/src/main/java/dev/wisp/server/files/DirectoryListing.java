package dev.wisp.server.files;

import dev.wisp.core.HttpDate;
import dev.wisp.core.PercentEncoding;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The HTML index of a directory: subdirectories first, then files, each sorted by name, with size and
 * modification time, and a link to the parent unless the directory is the root. Entries that lead outside the
 * root (through links), that are neither file nor directory, or that could not be requested by name are left out:
 * a name that is empty or a dot segment, or one whose bytes do not decode in the platform's file-name encoding
 * ({@code sun.jnu.encoding}), since Java would turn it into a string that names another file or none.
 *
 * <p>Names are HTML-escaped; links are percent-encoded and start with {@code ./}, so a name such as
 * {@code javascript:x} is a path, never a scheme.
 */
final class DirectoryListing {
    private record Entry(String name, boolean isDirectory, long size, Instant modified) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing((Entry entry) -> !entry.isDirectory())
            .thenComparing(Entry::name);

    private DirectoryListing() {
    }

    /**
     * Renders the listing.
     *
     * @param directory the real path of the directory
     * @param title the request path shown as heading, decoded
     * @param hasParent whether to link to {@code ../}
     */
    static String render(RootDirectory root, Path directory, String title, boolean hasParent) throws IOException {
        StringBuilder html = new StringBuilder(1024);
        String heading = "Index of " + escape(title);
        html.append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>").append(heading)
                .append("</title>\n</head>\n<body>\n<h1>").append(heading).append("</h1>\n<table>\n")
                .append("<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n");
        if (hasParent) {
            html.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
        }
        for (Entry entry : entries(root, directory)) {
            String suffix = entry.isDirectory() ? "/" : "";
            html.append("<tr><td><a href=\"./").append(escape(PercentEncoding.encodePathSegment(entry.name())))
                    .append(suffix).append("\">").append(escape(entry.name())).append(suffix).append("</a></td><td>")
                    .append(entry.isDirectory() ? "-" : Long.toString(entry.size())).append("</td><td>")
                    .append(HttpDate.format(entry.modified())).append("</td></tr>\n");
        }
        html.append("</table>\n</body>\n</html>\n");
        return html.toString();
    }

    private static List<Entry> entries(RootDirectory root, Path directory) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                Path real = root.inside(path);
                if (real == null || !RootDirectory.isSafeSegment(name) || !isDecodable(directory, path, name)) {
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

    /**
     * Whether the name, as Java decoded it, leads back to the same entry. A Linux file name is bytes; bytes that
     * are not valid in the file-name encoding decode to replacement characters, which encode to other bytes.
     */
    private static boolean isDecodable(Path directory, Path entry, String name) {
        return directory.resolve(name).equals(entry);
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
