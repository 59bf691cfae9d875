package dev.wisp.cli;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.filters.AccessLog;
import dev.wisp.server.filters.Compression;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The filters of {@code wisp serve} and their options: the access log, one line per request on standard output
 * (as python's http.server and jwebserver print), unless {@code --quiet}; inside it, gzip for the text types a
 * client accepts it for ({@link Compression}), so the log counts the bytes sent.
 */
final class ServeFilters {
    static final List<Option> OPTIONS = List.of(
            new Option("--quiet", "-q", null, "do not print a line per request"));

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private ServeFilters() {
    }

    /** The routes behind the filters the arguments ask for. */
    static HttpService service(Router router, Arguments arguments, PrintStream out) {
        HttpService.Builder service = HttpService.builder(router);
        if (!arguments.has("--quiet")) {
            service.filter(AccessLog.to(line -> out.println(LocalDateTime.now().format(TIME) + " " + line)));
        }
        return service.filter(Compression.gzip()).build();
    }
}
