package dev.wisp.cli;

import dev.wisp.client.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the request of {@code wisp get} from its arguments, with curl's meanings for -X, -H, -d and -I. */
final class GetRequests {
    private GetRequests() {
    }

    /** A data file named with @ could not be read. */
    static final class DataFileException extends IOException {
        DataFileException(String message) {
            super(message);
        }
    }

    /** The request builder, for options handled elsewhere to add to. */
    static Request.Builder builder(String url, Arguments parsed) throws UsageException, DataFileException {
        URI uri;
        Request.Builder request;
        try {
            uri = URI.create(url.contains("://") ? url : "http://" + url);
            request = Request.builder(uri);
        } catch (IllegalArgumentException e) {
            throw new UsageException("not an http or https URL: '" + url + "' (" + e.getMessage() + ")");
        }
        addHeaders(request, parsed);
        byte[] data = withUrlencoded(data(parsed), FormOptions.urlencodedPieces(parsed));
        if (data != null && parsed.has("--form")) {
            throw new UsageException("-F cannot be combined with -d, --data-binary or --data-urlencode");
        }
        if (data != null) {
            request.method("POST").body(data);
            // curl labels every data option's body a form, --data-binary's too, unless told otherwise.
            if (!hasHeader(parsed, "Content-Type")) {
                request.header("Content-Type", "application/x-www-form-urlencoded");
            }
        }
        FormOptions.applyMultipart(parsed, request);
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
        return request.decompress(parsed.has("--compressed"));
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
            String value = empty ? "" : header.substring(colon + 1).strip();
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

    /** Whether a 'Name:' header option asks that no field of this name be sent. */
    static boolean removesHeader(Arguments parsed, String name) {
        return parsed.values("--header").stream().anyMatch(header -> header.strip().equalsIgnoreCase(name + ":"));
    }

    /**
     * The body of every -d and --data-binary, joined with '&' in the order given as curl does, or null when there
     * is none.
     */
    private static byte[] data(Arguments parsed) throws DataFileException {
        List<Map.Entry<String, String>> pieces = parsed.values(Set.of("--data", "--data-binary"));
        if (pieces.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) {
                body.write('&');
            }
            body.writeBytes(piece(pieces.get(i).getValue(), pieces.get(i).getKey().equals("--data-binary")));
        }
        return body.toByteArray();
    }

    /** One data option's bytes: its text, or a file named with @, which -d reads without its CR and LF. */
    private static byte[] piece(String text, boolean binary) throws DataFileException {
        if (!text.startsWith("@")) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        Path file = Path.of(text.substring(1));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataFileException("cannot read data file " + file + ": " + e.getMessage());
        }
        if (binary) {
            return bytes;
        }
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "")
                .getBytes(StandardCharsets.ISO_8859_1);
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
                name.length() + 1));
    }
}
