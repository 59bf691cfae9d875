package dev.wisp.server.files;

import dev.wisp.core.Body;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Several ranges of an open file as one {@code multipart/byteranges} body (RFC 9110 §14.6), of known length, so it
 * is sent with Content-Length. Each part carries the file's Content-Type and its own Content-Range:
 *
 * <pre>
 * --BOUNDARY CRLF
 * Content-Type: text/plain CRLF
 * Content-Range: bytes 0-1/100 CRLF
 * CRLF
 * (bytes 0 to 1) CRLF
 * --BOUNDARY CRLF
 * ...
 * (the last range's bytes) CRLF
 * --BOUNDARY-- CRLF
 * </pre>
 * The file's bytes are read as they are written, part by part, as for a single range. The caller owns the channel.
 */
final class MultipartRangesBody implements Body {

    private final String boundary;
    private final List<byte[]> partHeads = new ArrayList<>();
    private final List<FileRegionBody> regions = new ArrayList<>();
    private final byte[] closing;
    private final long length;

    /** @param contentEncoding the coding the file is stored in, named in each part; null for none */
    MultipartRangesBody(FileChannel channel, RangeSelection.Parts parts, long size, String contentType,
            String contentEncoding) {
        // Random per response, so that no file can be made to contain its own boundary (RFC 2046 §5.1.1).
        this.boundary = "wisp-" + String.format("%016x", ThreadLocalRandom.current().nextLong());
        long total = 0;
        for (RangeSelection.Part part : parts.parts()) {
            String head = (partHeads.isEmpty() ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + contentType
                    + (contentEncoding == null ? "" : "\r\nContent-Encoding: " + contentEncoding)
                    + "\r\nContent-Range: bytes " + part.first() + "-" + part.last() + "/" + size + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
            partHeads.add(headBytes);
            regions.add(new FileRegionBody(channel, part.first(), part.length()));
            total += headBytes.length + part.length();
        }
        this.closing = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        this.length = total + closing.length;
    }

    /** The Content-Type of the whole response, with its boundary. */
    String contentType() {
        return "multipart/byteranges; boundary=" + boundary;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        for (int i = 0; i < regions.size(); i++) {
            out.write(partHeads.get(i));
            regions.get(i).writeTo(out);
        }
        out.write(closing);
    }
}
