package dev.wisp.cli;

import dev.wisp.client.MultipartBody;
import dev.wisp.client.Request;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The form flags of {@code wisp get}, with curl's syntax: {@code -F name=value}, {@code -F name=@FILE} (a file
 * part, streamed; {@code ;type=} and {@code ;filename=} may follow), {@code -F name=<FILE} (a field with the file's
 * text) make a multipart/form-data POST; {@code --data-urlencode} adds urlencoded pieces to the {@code -d} body as
 * curl does ({@code content}, {@code =content}, {@code name=content}, {@code @FILE}, {@code name@FILE}). As curl, a
 * FILE of {@code -} is standard input.
 */
final class FormOptions {
    static final List<Option> OPTIONS = List.of(
            new Option("--form", "-F", "NAME=CONTENT", "multipart field: value, @FILE (upload) or <FILE (-: stdin);"
                    + " repeatable"),
            new Option("--data-urlencode", null, "DATA", "urlencode DATA ([name]=text, [name]@FILE, -: stdin) into"
                    + " the -d body"));

    /** curl's guesses of a file part's type from its extension; anything else is application/octet-stream. */
    private static final Map<String, String> TYPES = Map.of("gif", "image/gif", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "png", "image/png", "svg", "image/svg+xml", "txt", "text/plain", "htm", "text/html",
            "html", "text/html", "pdf", "application/pdf", "xml", "application/xml");

    private FormOptions() {
    }

    /** Sets a multipart body from the -F options, if any; {@code @-} and {@code <-} read {@code stdin}. */
    static void applyMultipart(Arguments parsed, Request.Builder request, InputStream stdin)
            throws UsageException, GetRequests.DataFileException {
        if (!parsed.has("--form")) {
            return;
        }
        MultipartBody.Builder form = MultipartBody.builder();
        for (String spec : parsed.values("--form")) {
            int equals = spec.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("option --form needs NAME=CONTENT, got '" + spec + "'");
            }
            String name = spec.substring(0, equals);
            String content = spec.substring(equals + 1);
            if (content.startsWith("@")) {
                addFile(form, name, content.substring(1), stdin);
            } else if (content.startsWith("<")) {
                form.field(name, GetRequests.readData(content.substring(1), stdin)); // its bytes, as curl sends
            } else {
                form.field(name, content);
            }
        }
        try {
            request.method("POST").body(form.build());
        } catch (IOException e) {
            throw new GetRequests.DataFileException("cannot read a form file: " + e.getMessage());
        }
    }

    /**
     * A file part, {@code FILE[;type=T][;filename=N]}: its type guessed from the file's extension as curl does, else
     * application/octet-stream. For {@code -}, standard input, read whole, named {@code -}: as curl, its type is
     * guessed from a filename= alone, and else none is sent.
     */
    private static void addFile(MultipartBody.Builder form, String name, String spec, InputStream stdin)
            throws UsageException, GetRequests.DataFileException {
        String[] pieces = spec.split(";");
        boolean isStdin = pieces[0].equals("-");
        String filename = isStdin ? "-" : String.valueOf(Path.of(pieces[0]).getFileName());
        String type = null;
        for (int i = 1; i < pieces.length; i++) {
            if (pieces[i].startsWith("type=")) {
                type = pieces[i].substring(5);
            } else if (pieces[i].startsWith("filename=")) {
                filename = pieces[i].substring(9);
            } else {
                throw new UsageException("option --form: unknown ';" + pieces[i] + "' (type= or filename=)");
            }
        }
        if (type == null) {
            String extension = filename.contains(".") ? filename.substring(filename.lastIndexOf('.') + 1) : "";
            type = TYPES.getOrDefault(extension.toLowerCase(Locale.ROOT), isStdin ? "" : "application/octet-stream");
        }
        try {
            if (isStdin) {
                form.file(name, GetRequests.readData("-", stdin), filename, type);
            } else {
                form.file(name, Path.of(pieces[0]), filename, type);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --form: " + e.getMessage());
        }
    }

    /** The urlencoded pieces of --data-urlencode, in order; {@code @-} and {@code name@-} read {@code stdin}. */
    static List<String> urlencodedPieces(Arguments parsed, InputStream stdin) throws GetRequests.DataFileException {
        List<String> pieces = new ArrayList<>();
        for (String spec : parsed.values("--data-urlencode")) {
            int equals = spec.indexOf('=');
            int at = spec.indexOf('@');
            if (at >= 0 && (equals < 0 || at < equals)) {
                String name = spec.substring(0, at);
                // The file's bytes as they are, as curl encodes them: not decoded as text first.
                String encoded = percentEncode(GetRequests.readData(spec.substring(at + 1), stdin), true);
                pieces.add(name.isEmpty() ? encoded : name + "=" + encoded);
            } else if (equals >= 0) {
                String name = spec.substring(0, equals);
                String encoded = encode(spec.substring(equals + 1));
                pieces.add(name.isEmpty() ? encoded : name + "=" + encoded);
            } else {
                pieces.add(encode(spec));
            }
        }
        return pieces;
    }

    /** curl's escaping: RFC 3986's unreserved characters kept, space as '+', every other byte as %XX. */
    private static String encode(String text) {
        return percentEncode(text, true);
    }

    /**
     * Percent-encoding of the text's UTF-8 bytes: RFC 3986's unreserved characters kept, space as '+' in a form
     * (else as %20), every other byte as %XX.
     */
    static String percentEncode(String text, boolean spaceAsPlus) {
        return percentEncode(text.getBytes(StandardCharsets.UTF_8), spaceAsPlus);
    }

    private static String percentEncode(byte[] bytes, boolean spaceAsPlus) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else if (c == ' ' && spaceAsPlus) {
                out.append('+');
            } else {
                out.append(String.format(Locale.ROOT, "%%%02X", c));
            }
        }
        return out.toString();
    }
}
