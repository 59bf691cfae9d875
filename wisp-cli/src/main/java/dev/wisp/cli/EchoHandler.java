package dev.wisp.cli;

import dev.wisp.core.HeaderNames;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers 200 {@code text/plain} with the request it received: the request line, the header fields as received,
 * a blank line, then the body, byte for byte. The body is read whole first, so one over the server's limit gets a
 * clean 413.
 */
final class EchoHandler implements Handler {
    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        byte[] body = request.bodyBytes();
        StringBuilder head = new StringBuilder(256)
                .append(request.method()).append(' ').append(request.target().raw()).append(' ')
                .append(request.protocol().text()).append('\n');
        request.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append('\n'));
        head.append('\n');
        // Field values may hold obs-text bytes, which ISO-8859-1 gives back unchanged.
        ByteArrayOutputStream echo = new ByteArrayOutputStream(head.length() + body.length);
        echo.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        echo.writeBytes(body);
        // The echo carries whatever the client sent; nosniff keeps a browser from running it as a page.
        response.header(HeaderNames.CONTENT_TYPE, "text/plain")
                .header("X-Content-Type-Options", "nosniff")
                .send(echo.toByteArray());
    }
}
