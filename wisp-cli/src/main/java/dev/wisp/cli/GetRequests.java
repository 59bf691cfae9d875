package dev.wisp.cli;

import dev.wisp.client.Request;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
            throw new UsageException("not an http or https URL: '" + url + "'");
        }
        addHeaders(request, parsed);
        byte[] data = withUrlencoded(data(parsed), FormOptions.urlencodedPieces(parsed));
        if (data != null && parsed.has("--form")) {
            throw new UsageException("-F cannot be combined with -d, --data-binary or --data-urlencode");
        }
        if (data != null) {
            request.method("POST").body(data);
            if ((parsed.has("--data") || parsed.has("--data-urlencode")) && !hasHeader(parsed, "Content-Type")) {
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

    /** The body of -d or --data-binary, or null; -d drops CR and LF from a file, as curl does. */
    /** Adds the {@code --header} options, each 'Name: value'. */
    static void addHeaders(Request.Builder request, Arguments parsed) throws UsageException {
        for (String header : parsed.values("--header")) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new UsageException("option --header needs 'Name: value', got '" + header + "'");
            }
            try {
                request.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --header: " + e.getMessage());
            }
        }
    }

    private static byte[] data(Arguments parsed) throws DataFileException {
        boolean binary = parsed.has("--data-binary");
        String text = parsed.value(binary ? "--data-binary" : "--data").orElse(null);
        if (text == null) {
            return null;
        }
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
