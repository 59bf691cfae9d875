package dev.wisp.server.forms;

import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MediaType;
import dev.wisp.server.ServerRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads the request bodies HTML forms send: {@code application/x-www-form-urlencoded} into {@link FormData}, and
 * {@code multipart/form-data} (RFC 7578) whole into a {@link MultipartForm} or part by part as it arrives. Each
 * reads within the limits of a {@link FormConfig} ({@link FormConfig#defaults()} unless given) and throws a
 * {@link dev.wisp.core.HttpProtocolException} the server answers with its status when the handler lets it through:
 * 415 for another Content-Type, 400 for a malformed body, 413 for a limit crossed.
 * <pre>{@code
 * router.post("/login", (request, response) -> {
 *     FormData form = Forms.urlEncoded(request);
 *     String user = form.first("user").orElse("");
 * });
 * router.post("/upload", (request, response) -> {
 *     MultipartForm form = Forms.multipart(request);   // temporary files deleted when the exchange ends
 *     for (Part file : form.files()) {
 *         file.saveTo(uploads.resolve(UUID.randomUUID().toString()));
 *     }
 * });
 * }</pre>
 *
 * <p>Stateless; each method reads the request's body, which can be read once.
 */
public final class Forms {
    private Forms() {
    }

    /** Reads a urlencoded body within the default limits; see {@link #urlEncoded(ServerRequest, FormConfig)}. */
    public static FormData urlEncoded(ServerRequest request) throws IOException {
        return urlEncoded(request, FormConfig.defaults());
    }

    /**
     * Reads an {@code application/x-www-form-urlencoded} body, decoding it in the charset its Content-Type names,
     * UTF-8 if none.
     *
     * @throws dev.wisp.core.UnsupportedMediaTypeException (415) for another Content-Type, or an unknown charset
     * @throws MalformedMessageException (400) for a malformed escape or bytes not of the charset
     * @throws dev.wisp.core.MessageTooLargeException (413) past {@code maxFormBytes}, {@code maxFields} or
     *         {@code maxFieldBytes}
     */
    public static FormData urlEncoded(ServerRequest request, FormConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        MediaType type = FormContentType.require(request, "application", "x-www-form-urlencoded");
        return UrlEncodedFormReader.read(request.body(), request.body().length(),
                type.charset().orElse(StandardCharsets.UTF_8), config);
    }

    /** Reads a multipart body within the default limits; see {@link #multipart(ServerRequest, FormConfig)}. */
    public static MultipartForm multipart(ServerRequest request) throws IOException {
        return multipart(request, FormConfig.defaults());
    }

    /**
     * Reads a {@code multipart/form-data} body whole: each part in memory, or in a temporary file past
     * {@code memoryThresholdBytes}. The files are deleted when the form is closed or the exchange ends, whichever
     * comes first, and at once if the reading fails.
     *
     * @throws dev.wisp.core.UnsupportedMediaTypeException (415) for another Content-Type
     * @throws MalformedMessageException (400) for a missing or invalid boundary, or broken framing
     * @throws dev.wisp.core.MessageTooLargeException (413) past a limit of the config
     */
    public static MultipartForm multipart(ServerRequest request, FormConfig config) throws IOException {
        MultipartReader reader = openMultipart(request, config);
        MultipartForm form = new MultipartForm();
        request.closeAtEnd(form);
        form.readAll(reader, config);
        return form;
    }

    /**
     * Reads a {@code multipart/form-data} body part by part as it arrives, handing each to the handler with its
     * content as a stream: nothing is buffered or written to disk, for uploads of any size (within
     * {@code maxFileBytes} and {@code maxMultipartBytes}, which an application streaming large files raises).
     *
     * @throws dev.wisp.core.HttpProtocolException as {@link #multipart(ServerRequest, FormConfig)} does, and
     *         whatever the handler throws
     */
    public static void streamMultipart(ServerRequest request, FormConfig config, PartHandler handler)
            throws IOException {
        Objects.requireNonNull(handler, "handler");
        MultipartReader reader = openMultipart(request, config);
        while (reader.nextPart() instanceof Headers headers) {
            PartHead head = ContentDisposition.read(headers);
            handler.part(new StreamedPart(head, new PartContent(reader.content(), head, config)));
        }
    }

    private static MultipartReader openMultipart(ServerRequest request, FormConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        MediaType type = FormContentType.require(request, "multipart", "form-data");
        String boundary = type.parameter("boundary").orElseThrow(() ->
                new MalformedMessageException("multipart/form-data Content-Type has no boundary"));
        return new MultipartReader(request.body(), boundary, config);
    }
}
