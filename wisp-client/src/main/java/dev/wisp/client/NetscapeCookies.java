package dev.wisp.client;

import dev.wisp.core.HeaderValidation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the Netscape cookies.txt format that curl and libwebsockets use: one cookie a line, seven fields
 * separated by tabs:
 * <pre>
 *   domain  include-subdomains  path  secure  expires  name  value
 *   .example.com  TRUE  /  FALSE  1767225600  id  42
 * </pre>
 * {@code include-subdomains} TRUE is a domain cookie (curl writes the domain with a leading dot), FALSE host-only;
 * {@code expires} is seconds since 1970, 0 for a session cookie; a {@code #HttpOnly_} prefix on the domain marks
 * HttpOnly. Other lines starting with {@code #} and blank lines are comments. SameSite has no field: it is not
 * saved. Stateless.
 *
 * <p>The file holds a cookie's bytes as the server sent them, as curl's does, so that the two read each other's: a
 * cookie's text is those bytes one char each (ISO-8859-1, as header fields are held), read and written so. A char
 * that no field could carry (past U+00FF, only in a cookie made in code) is written as UTF-8. A line whose name or
 * value holds a control character is refused, since it could not be sent.
 */
final class NetscapeCookies {
    private static final String HTTP_ONLY = "#HttpOnly_";

    private NetscapeCookies() {
    }

    /** @throws IOException if the file cannot be read, or a line does not have the fields */
    static List<Cookie> read(Path file) throws IOException {
        List<Cookie> cookies = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            boolean httpOnly = line.startsWith(HTTP_ONLY);
            if (httpOnly) {
                line = line.substring(HTTP_ONLY.length());
            } else if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != 7 && fields.length != 6 || !fields[4].matches("\\d{1,19}")) {
                throw new IOException(file + ":" + (i + 1) + ": not a cookies.txt line (7 fields separated by tabs)");
            }
            if (hasControl(fields[5]) || fields.length == 7 && hasControl(fields[6])) {
                throw new IOException(file + ":" + (i + 1) + ": a cookie's name or value holds a control character");
            }
            long expires = Long.parseLong(fields[4]);
            String domain = CookieRules.canonicalDomain(fields[0]);
            try {
                cookies.add(new Cookie(fields[5], fields.length == 7 ? fields[6] : "", domain,
                        !fields[1].equalsIgnoreCase("TRUE"), fields[2],
                        expires == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(expires)),
                        fields[3].equalsIgnoreCase("TRUE"), httpOnly, Cookie.SameSite.UNSPECIFIED));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return cookies;
    }

    static void write(Path file, List<Cookie> cookies) throws IOException {
        StringBuilder text = new StringBuilder("""
                # Netscape HTTP Cookie File
                # https://curl.se/docs/http-cookies.html
                # Written by Wisp.

                """);
        for (Cookie cookie : cookies) {
            text.append(cookie.httpOnly() ? HTTP_ONLY : "").append(cookie.hostOnly() ? "" : ".")
                    .append(cookie.domain()).append('\t')
                    .append(cookie.hostOnly() ? "FALSE" : "TRUE").append('\t')
                    .append(cookie.path()).append('\t')
                    .append(cookie.secure() ? "TRUE" : "FALSE").append('\t')
                    .append(cookie.expires().map(Instant::getEpochSecond).orElse(0L)).append('\t')
                    .append(cookie.name()).append('\t')
                    .append(cookie.value()).append('\n');
        }
        Files.write(file, bytes(text));
    }

    /** Whether text holds a char no field value may (a control: a tab cannot be in a field of a line split at tabs). */
    private static boolean hasControl(String text) {
        return !text.chars().allMatch(HeaderValidation::isFieldValueChar);
    }

    /** The text's chars as bytes, one each, but for a char past U+00FF (see the class comment). */
    private static byte[] bytes(CharSequence text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0xff) {
                out.write(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                out.writeBytes(text.subSequence(i, end).toString().getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return out.toByteArray();
    }
}
