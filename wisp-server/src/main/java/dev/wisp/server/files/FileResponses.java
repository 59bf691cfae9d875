package dev.wisp.server.files;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.HttpDate;
import dev.wisp.core.Method;
import dev.wisp.core.Status;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * The response for one regular file: 304 or 412 from the preconditions, else 200 with the whole file, 206 with
 * one range or with several as {@code multipart/byteranges}, or 416.
 */
final class FileResponses {
    private FileResponses() {
    }

    /**
     * What the bytes of a file stand for.
     *
     * @param contentType the media type, from the file's name
     * @param contentEncoding the coding the bytes are in ({@code gzip} for {@code .svgz} or a stored {@code .gz}
     *     copy), or null
     * @param variesByEncoding whether the answers for this path depend on Accept-Encoding (a compression filter in
     *     front of a compressible type, or stored coded copies), so that each of them, 304 and 206 included, must
     *     say so in {@code Vary} (RFC 9110 §15.4.5, §15.3.7): neither a 304 (no Content-Type) nor a
     *     multipart/byteranges 206 shows a filter the type it stands for
     */
    record Representation(String contentType, String contentEncoding, boolean variesByEncoding) {
    }

    /**
     * Answers a GET or HEAD for an open file.
     *
     * @param channel the file, open for reading; the caller closes it after this returns
     */
    static void send(ServerRequest request, ServerResponse response, FileChannel channel, Validators validators,
            Representation representation) throws IOException {
        String contentType = representation.contentType();
        String contentEncoding = representation.contentEncoding();
        response.header(HeaderNames.ETAG, validators.etag());
        if (representation.variesByEncoding()) {
            response.header(HeaderNames.VARY, HeaderNames.ACCEPT_ENCODING);
        }
        switch (validators.evaluate(request.headers())) {
            case NOT_MODIFIED -> {
                // RFC 9110 §15.4.5: a 304 carries the ETag, and no other representation metadata.
                response.status(Status.NOT_MODIFIED).send();
                return;
            }
            case PRECONDITION_FAILED -> {
                response.status(Status.PRECONDITION_FAILED).send("precondition failed\n");
                return;
            }
            case PROCEED -> { }
        }
        response.header(HeaderNames.LAST_MODIFIED, HttpDate.format(validators.lastModified()))
                .header(HeaderNames.ACCEPT_RANGES, "bytes");
        long size = channel.size();
        switch (selectRange(request, validators, size)) {
            case RangeSelection.Whole whole -> representation(response, contentType, contentEncoding)
                    .send(new FileRegionBody(channel, 0, size));
            case RangeSelection.Part part -> representation(response.status(Status.PARTIAL_CONTENT), contentType,
                    contentEncoding)
                    .header(HeaderNames.CONTENT_RANGE, "bytes " + part.first() + "-" + part.last() + "/" + size)
                    .send(new FileRegionBody(channel, part.first(), part.length()));
            case RangeSelection.Parts parts -> {
                MultipartRangesBody body = new MultipartRangesBody(channel, parts, size, contentType,
                        contentEncoding);
                response.status(Status.PARTIAL_CONTENT).header(HeaderNames.CONTENT_TYPE, body.contentType())
                        .send(body);
            }
            case RangeSelection.Unsatisfiable unsatisfiable -> response.status(Status.RANGE_NOT_SATISFIABLE)
                    .header(HeaderNames.CONTENT_RANGE, "bytes */" + size)
                    .send("range not satisfiable\n");
        }
    }

    /** Sets the file's Content-Type, and its Content-Encoding when it is stored coded (ranges count coded bytes). */
    private static ServerResponse representation(ServerResponse response, String contentType,
            String contentEncoding) {
        response.header(HeaderNames.CONTENT_TYPE, contentType);
        return contentEncoding == null ? response : response.header(HeaderNames.CONTENT_ENCODING, contentEncoding);
    }

    /**
     * RFC 9110 §14.2: Range is defined for GET only and is ignored for other methods; a Range header field that
     * appears more than once is not valid and is ignored too. §13.1.5: a false If-Range means the whole file.
     */
    private static RangeSelection selectRange(ServerRequest request, Validators validators, long size) {
        List<String> ranges = request.headers().all(HeaderNames.RANGE);
        if (!request.method().equals(Method.GET) || ranges.size() != 1) {
            return new RangeSelection.Whole();
        }
        List<String> ifRange = request.headers().all(HeaderNames.IF_RANGE);
        if (!ifRange.isEmpty() && (ifRange.size() > 1 || !validators.ifRangeMatches(ifRange.get(0)))) {
            return new RangeSelection.Whole();
        }
        return ByteRangeParser.select(ranges.get(0), size);
    }
}
