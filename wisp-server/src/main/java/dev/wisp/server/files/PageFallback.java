package dev.wisp.server.files;

import dev.wisp.core.Accept;
import dev.wisp.core.HeaderNames;
import dev.wisp.server.ServerRequest;
import java.util.List;

/**
 * Which requests for a path with nothing to serve get a single-page application's page
 * ({@link FileHandler.Builder#fallbackFile}): a browser's navigation, not a script's or a tag's fetch of a missing
 * file. The same rules as the history fallback of front-end development servers: no dot in the last path segment
 * (an asset's name has its extension), and an {@code Accept} that admits HTML with a weight above 0 ({@link Accept}:
 * the most specific range decides), or none.
 * Stateless.
 */
final class PageFallback {
    private PageFallback() {
    }

    /** Whether the request (a GET or HEAD) is answered with the page rather than a 404. */
    static boolean applies(ServerRequest request) {
        List<String> segments = request.target().segments();
        if (!segments.isEmpty() && segments.getLast().indexOf('.') >= 0) {
            return false;
        }
        return Accept.parse(request.headers().all(HeaderNames.ACCEPT)).accepts("text/html");
    }
}
