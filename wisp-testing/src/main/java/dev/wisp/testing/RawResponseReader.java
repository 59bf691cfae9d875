package dev.wisp.testing;

import dev.wisp.core.Headers;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses from a stream with a parser of its own, written apart from Wisp's codec so that it
 * does not share that codec's bugs. It is strict about what a server must send (CRLF line ends, a three-digit
 * status) and follows RFC 9112 §6.3 to find the end of the body: none for a head read alone or for 1xx, 204 and
 * 304; chunked when Transfer-Encoding ends in chunked; Content-Length; else until the connection closes.
 *
 * <p>Not thread-safe; the stream should be buffered, since it is read a byte at a time.
 */
final class RawResponseReader {
    private static final int MAX_LINE = 64 * 1024;

    private final InputStream in;

    RawResponseReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads one response.
     *
     * @param headOnly read the status line and headers only, as for the answer to a HEAD request
     * @throws EOFException if the stream ends before the response does
     * @throws ProtocolException if the response is malformed
     */
    RawResponse read(boolean headOnly) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String statusLine = readLine(wire, true);
        if (!statusLine.matches("HTTP/\\d\\.\\d \\d{3} .*")) {
            throw new ProtocolException("malformed status line: " + statusLine);
        }
        String version = statusLine.substring(0, 8);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.substring(13);
        Headers headers = readFields(wire);
        int headLength = wire.size();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Headers trailers = Headers.empty();
        if (!headOnly && status >= 200 && status != 204 && status != 304) {
            String codings = String.join(",", headers.all("Transfer-Encoding")).toLowerCase(Locale.ROOT);
            if (codings.strip().endsWith("chunked")) {
                trailers = readChunked(wire, body);
            } else if (codings.isEmpty() && headers.contains("Content-Length")) {
                readFixed(wire, body, Long.parseLong(headers.firstOrNull("Content-Length")));
            } else {
                readUntilClose(wire, body);
            }
        }
        return new RawResponse(version, status, reason, headers, body.toByteArray(), trailers, wire.toByteArray(),
                headLength);
    }

    private Headers readFields(ByteArrayOutputStream wire) throws IOException {
        Headers.Builder fields = Headers.builder();
        while (true) {
            String line = readLine(wire, false);
            if (line.isEmpty()) {
                return fields.build();
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("malformed field line: " + line);
            }
            fields.add(line.substring(0, colon), line.substring(colon + 1).strip());
        }
    }

    private Headers readChunked(ByteArrayOutputStream wire, ByteArrayOutputStream body) throws IOException {
        while (true) {
            String line = readLine(wire, false);
            int end = line.indexOf(';');
            String size = (end < 0 ? line : line.substring(0, end)).strip();
            if (!size.matches("[0-9a-fA-F]{1,15}")) {
                throw new ProtocolException("malformed chunk-size line: " + line);
            }
            long length = Long.parseLong(size, 16);
            if (length == 0) {
                return readFields(wire);
            }
            readFixed(wire, body, length);
            if (!readLine(wire, false).isEmpty()) {
                throw new ProtocolException("chunk data is not followed by CRLF");
            }
        }
    }

    private void readFixed(ByteArrayOutputStream wire, ByteArrayOutputStream body, long length) throws IOException {
        byte[] bytes = in.readNBytes(Math.toIntExact(length));
        wire.write(bytes);
        body.write(bytes);
        if (bytes.length < length) {
            throw new EOFException("stream ended " + (length - bytes.length) + " bytes before the end of the body");
        }
    }

    private void readUntilClose(ByteArrayOutputStream wire, ByteArrayOutputStream body) throws IOException {
        byte[] bytes = in.readAllBytes();
        wire.write(bytes);
        body.write(bytes);
    }

    /** Reads a line that must end with CRLF; returns it without the CRLF. */
    private String readLine(ByteArrayOutputStream wire, boolean first) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(first && line.isEmpty() ? "stream ended before a response"
                        : "stream ended inside a line: " + line);
            }
            wire.write(b);
            if (b == '\n') {
                if (line.isEmpty() || line.charAt(line.length() - 1) != '\r') {
                    throw new ProtocolException("line not ended by CRLF: " + line);
                }
                line.setLength(line.length() - 1);
                return line.toString();
            }
            if (line.length() == MAX_LINE) {
                throw new ProtocolException("line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }
}
