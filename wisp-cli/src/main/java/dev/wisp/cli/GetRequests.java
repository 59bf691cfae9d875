package dev.wisp.cli;

import dev.wisp.client.Request;
import dev.wisp.core.PercentEncoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds the request of {@code wisp get} from its arguments, with curl's meanings for -X, -H, -d (and --data-binary,
 * --data-raw, --data-urlencode), --json, -G, -T, -A, -e, -r and -I. As curl, {@code @-} for data (and
 * --data-urlencode's {@code name@-}, -F's {@code @-} and {@code <-}) and {@code -} for -T name standard input.
 */
final class GetRequests {
    private GetRequests() {
    }

    /** A data file named with @ could not be read. */
    static final class DataFileException extends IOException {
        DataFileException(String message) {
            super(message);
        }
    }

    /**
     * The URL cannot be sent to: curl's exit 1 for a scheme other than http and https (an unsupported protocol), 3
     * for a malformed URL, a port out of range among them.
     */
    static final class BadUrlException extends Exception {
        private final int exitCode;

        BadUrlException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /**
     * The URL as given, userinfo included, {@code http://} added when it names no scheme, and the characters a URI
     * cannot hold percent-encoded as a browser sends them ({@code ?a=x|y}, {@code "}, a {@code %} that begins no
     * escape), which curl sends as typed: a URI cannot hold them, and a server reads them the same either way.
     *
     * @throws IllegalArgumentException if it is not a URI even so
     */
    static URI uri(String url) {
        String full = PercentEncoding.escapeUnsafe(url.contains("://") ? url : "http://" + url, false);
        // Brackets belong to an IPv6 host alone; after it (curl -g sends them as typed) they are encoded too.
        int authority = full.indexOf("://") + 3;
        int after = authority;
        while (after < full.length() && "/?#".indexOf(full.charAt(after)) < 0) {
            after++;
        }
        String rest = full.substring(after).replace("[", "%5B").replace("]", "%5D");
        return URI.create(full.substring(0, after) + rest);
    }

    /** The request builder, for options handled elsewhere to add to; {@code stdin} is read for {@code @-} and -T -. */
    static Request.Builder builder(String url, Arguments parsed, InputStream stdin)
            throws UsageException, DataFileException, BadUrlException {
        URI uri;
        Request.Builder request;
        try {
            uri = uri(url);
            String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new BadUrlException(ExitCodes.FAILURE, "protocol '" + uri.getScheme() + "' is not supported"
                        + " (http and https are): '" + url + "'");
            }
            request = Request.builder(uri);
        } catch (IllegalArgumentException e) {
            throw new BadUrlException(ExitCodes.URL_MALFORMED, "malformed URL '" + url + "': " + e.getMessage());
        }
        addHeaders(request, parsed);
        addNamedHeaders(request, parsed);
        byte[] data = withUrlencoded(data(parsed, stdin), FormOptions.urlencodedPieces(parsed, stdin));
        long bodies = Stream.of(data != null, parsed.has("--form"), parsed.has("--json"), parsed.has("--upload-file"))
                .filter(Boolean::booleanValue).count();
        if (bodies > 1) {
            throw new UsageException("choose one body: -d (and --data-*), -F, --json or -T");
        }
        if (bodies > 0 && parsed.has("--head") && !(data != null && parsed.has("--get"))) {
            throw new UsageException("you can only select one HTTP request method: you asked for both "
                    + bodyMethod(parsed) + " and HEAD (-I, --head)");
        }
        if (data != null && parsed.has("--get")) {
            // curl's -G: the data goes into the query, after any the URL has.
            String query = new String(data, StandardCharsets.ISO_8859_1);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            try {
                request.uri(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path + "?"
                        + (uri.getRawQuery() == null ? query : uri.getRawQuery() + "&" + query)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --get: the data does not fit in a URL: " + e.getMessage());
            }
        } else if (data != null) {
            request.method("POST").body(data);
            // curl labels every data option's body a form, --data-binary's too, unless told otherwise.
            if (!hasHeader(parsed, "Content-Type")) {
                request.header("Content-Type", "application/x-www-form-urlencoded");
            }
        }
        if (parsed.has("--json")) {
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            for (String piece : parsed.values("--json")) {
                json.writeBytes(piece(piece, true, stdin));
            }
            request.method("POST").body(json.toByteArray());
            for (String name : List.of("Content-Type", "Accept")) {
                if (!hasHeader(parsed, name)) {
                    request.header(name, "application/json");
                }
            }
        }
        if (!parsed.has("--json") && !hasHeader(parsed, "Accept") && !removesHeader(parsed, "Accept")) {
            request.header("Accept", "*/*"); // as curl: some servers answer a request without Accept otherwise
        }
        if (parsed.has("--upload-file") && parsed.value("--upload-file").orElseThrow().equals("-")) {
            // curl's -T -: standard input, its length unknown, so sent chunked.
            request.method("PUT").body(stdin, -1).expectContinue(!removesHeader(parsed, "Expect"));
        } else if (parsed.has("--upload-file")) {
            Path file = Path.of(parsed.value("--upload-file").orElseThrow());
            try {
                request.method("PUT").body(file);
                // curl asks whether to send an upload first (-H 'Expect:' turns it off, as in curl).
                request.expectContinue(!removesHeader(parsed, "Expect"));
            } catch (IOException e) {
                throw new DataFileException("cannot read upload file " + file + ": " + e.getMessage());
            }
            String path = uri.getRawPath();
            if (path == null || path.isEmpty() || path.endsWith("/")) {
                // curl's -T to a folder URL: the file's name is appended.
                String name = FormOptions.percentEncode(file.getFileName().toString(), false);
                request.uri(uri.resolve((path == null || path.isEmpty() ? "/" : "") + name));
            }
        }
        FormOptions.applyMultipart(parsed, request, stdin);
        if (parsed.has("--head")) {
            request.method("HEAD");
        }
        if (parsed.has("--request")) {
            try {
                request.method(parsed.value("--request").orElseThrow());
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --request: " + e.getMessage());
            }
        }
        AuthOptions.apply(parsed, request);
        if (parsed.has("--compressed") && !hasHeader(parsed, "Accept-Encoding")
                && !removesHeader(parsed, "Accept-Encoding")) {
            request.header("Accept-Encoding", "gzip, deflate"); // decoded by ContentCodings, not the client
        }
        return request;
    }

    /**
     * Adds the {@code --header} options as curl reads them: 'Name: value' adds a field, 'Name:' with no value sends
     * none of that name (so the client's own Host goes out, and {@link ClientFlags} drops the User-Agent), and
     * 'Name;' sends the field with an empty value.
     */
    static void addHeaders(Request.Builder request, Arguments parsed) throws UsageException {
        for (String header : parsed.values("--header")) {
            int colon = header.indexOf(':');
            boolean empty = colon < 0 && header.endsWith(";");
            if (colon <= 0 && !(empty && header.length() > 1)) {
                throw new UsageException("option --header needs 'Name: value', 'Name:' or 'Name;', got '" + header
                        + "'");
            }
            String name = header.substring(0, empty ? header.length() - 1 : colon).strip();
            String value = empty ? "" : ArgumentBytes.fieldValue(header.substring(colon + 1).strip());
            if (!empty && value.isEmpty()) {
                continue;
            }
            try {
                request.header(name, value);
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --header: " + e.getMessage());
            }
        }
    }

    /** -A, -e and -r: a field each, unless a --header option names it already (that one wins, as in curl). */
    private static void addNamedHeaders(Request.Builder request, Arguments parsed) throws UsageException {
        String[][] named = {{"--user-agent", "User-Agent", ""}, {"--referer", "Referer", ""},
            {"--range", "Range", "bytes="}};
        for (String[] option : named) {
            if (parsed.has(option[0]) && !headerGiven(parsed, option[1])) {
                try {
                    request.header(option[1], option[2] + ArgumentBytes.fieldValue(parsed.value(option[0])
                            .orElseThrow()));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("option " + option[0] + ": " + e.getMessage());
                }
            }
        }
    }

    /** The method a body option asks for and the option, as curl names them when -I asks for HEAD too. */
    private static String bodyMethod(Arguments parsed) {
        return parsed.has("--upload-file") ? "PUT (-T, --upload-file)"
                : parsed.has("--form") ? "multipart formpost (-F, --form)"
                : parsed.has("--json") ? "POST (--json)" : "POST (-d, --data)";
    }

    /** Whether a --header option sends a field of this name, or asks that none be sent: a flag's field then is not. */
    static boolean headerGiven(Arguments parsed, String name) {
        return hasHeader(parsed, name) || removesHeader(parsed, name);
    }

    /** Whether a 'Name:' header option asks that no field of this name be sent. */
    static boolean removesHeader(Arguments parsed, String name) {
        return parsed.values("--header").stream().anyMatch(header -> header.strip().equalsIgnoreCase(name + ":"));
    }

    /**
     * The body of every -d and --data-binary, joined with '&' in the order given as curl does, or null when there
     * is none.
     */
    private static byte[] data(Arguments parsed, InputStream stdin) throws DataFileException {
        List<Map.Entry<String, String>> pieces = parsed.values(Set.of("--data", "--data-binary", "--data-raw"));
        if (pieces.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) {
                body.write('&');
            }
            String option = pieces.get(i).getKey();
            String text = pieces.get(i).getValue();
            body.writeBytes(option.equals("--data-raw") ? text.getBytes(StandardCharsets.UTF_8)
                    : piece(text, option.equals("--data-binary"), stdin));
        }
        return body.toByteArray();
    }

    /**
     * One data option's bytes: its text, or a file named with @ ({@code @-}: standard input, to its end), which -d
     * reads without its CR and LF.
     */
    private static byte[] piece(String text, boolean binary, InputStream stdin) throws DataFileException {
        if (!text.startsWith("@")) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = readData(text.substring(1), stdin);
        if (binary) {
            return bytes;
        }
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bytes of a data file, or of standard input to its end for {@code -}, as curl reads {@code @FILE}. */
    static byte[] readData(String name, InputStream stdin) throws DataFileException {
        try {
            return name.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(name));
        } catch (IOException e) {
            throw new DataFileException("cannot read data file " + name + ": " + e.getMessage());
        }
    }

    /** curl joins the -d data and each --data-urlencode piece with '&'. */
    private static byte[] withUrlencoded(byte[] data, List<String> pieces) {
        if (pieces.isEmpty()) {
            return data;
        }
        String joined = String.join("&", pieces);
        String all = data == null ? joined : new String(data, StandardCharsets.ISO_8859_1) + "&" + joined;
        return all.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean hasHeader(Arguments parsed, String name) {
        return parsed.values("--header").stream().anyMatch(header -> header.regionMatches(true, 0, name + ":", 0,
                name.length() + 1) || header.strip().equalsIgnoreCase(name + ";"));
    }
}
