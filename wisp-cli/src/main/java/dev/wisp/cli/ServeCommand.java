package dev.wisp.cli;

import dev.wisp.core.IpAddresses;
import dev.wisp.server.Handler;
import dev.wisp.server.OverflowPolicy;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.StatsHandler;
import dev.wisp.server.filters.RequestTimer;
import dev.wisp.server.files.FileHandler;
import dev.wisp.tls.TlsConfigException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code wisp serve [DIR]}: serves the files under DIR with {@link FileHandler}, and answers {@code /echo}, for any
 * method, with the request it received. Runs until Ctrl-C (SIGINT), SIGTERM or SIGHUP, then stops the server with
 * a grace period ({@code --grace}, five seconds unless set); a second signal stops it at once, cutting the busy
 * connections. Both stops are reported, on standard output and in the log.
 *
 * <p>{@link #start(List, PrintStream)} starts the server without waiting, for tests (with {@code --port 0}).
 */
final class ServeCommand implements Command {
    static final Duration GRACE = Duration.ofSeconds(5);
    /** How long a stop waits for the access log's last lines to reach standard output. */
    private static final Duration ACCESS_LOG_WAIT = Duration.ofSeconds(2);
    /** How long a stop at once waits for what is still to be said on standard output. */
    private static final Duration LAST_WORDS_WAIT = Duration.ofMillis(500);
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})([KkMmGg]?)");

    private static final List<Option> OPTIONS = Stream.concat(Stream.of(
            new Option("--port", "-p", "N", "port to listen on; 0 picks a free one (default 8443, or 8080 plain)"),
            new Option("--bind", "-b", "ADDR", "address to listen on (default 127.0.0.1; 0.0.0.0 for all)"),
            new Option("--unix-socket", null, "PATH", "listen on a Unix domain socket at PATH instead of a port (a"
                    + " stale one there is replaced; removed at stop)"),
            new Option("--max-connections", null, "N", "connections open at once (default 10000; on a heap under"
                    + " 640 MiB, one per 64 KiB of it)"),
            new Option("--when-full", null, "wait|reject", "when --max-connections are open and none can be"
                    + " closed: wait, new connections left in the backlog (default), or reject them (503 in"
                    + " plaintext, closed at once over TLS)"),
            new Option("--max-connections-per-client", null, "N", "connections one client (an IPv4 address, an IPv6"
                    + " /64) may hold open; more are refused (default: no limit)"),
            new Option("--max-request-body", null, "SIZE", "the largest request body taken, uploads through --proxy"
                    + " and to /echo included; larger gets 413: bytes, or with K, M or G (default 10M)"),
            new Option("--metrics", null, "PATH", "serve the server's counts at PATH (e.g. /metrics) for Prometheus to"
                    + " scrape: connections, responses by status class, and a histogram of how long requests took"),
            new Option("--no-listing", null, null, "404 for directories without index.html, instead of a listing"),
            new Option("--spa", null, null, "answer a browser's navigation to a path with no file (no dot in its last"
                    + " segment) with /index.html, for a single-page app's router; missing assets stay 404"),
            new Option("--hidden", null, null, "serve and list dot files such as .env (default: 404, not listed)"),
            new Option("--upload", null, null, "let PUT store files under DIR and DELETE remove them (curl -T FILE"
                    + " URL), and the listing's forms upload and delete; on an address other hosts reach, only with"
                    + " --auth"),
            new Option("--precompressed", null, null, "serve app.js.br, app.js.zst or app.js.gz stored beside app.js"
                    + " in its place, coded, to a client that accepts the coding (as nginx's gzip_static)"),
            new Option("--grace", null, "SECONDS", "on Ctrl-C, how long busy connections may finish (default 5)"),
            new Option("--http1.1", null, null, "speak HTTP/1.1 only (default: HTTP/2 too, h2 over TLS, h2c in plain)"),
            new Option("--http2", null, null, "speak HTTP/2 too (the default; kept for scripts that ask)"),
            new Option("--carrier-loops", null, "N", "run connections on N event loops of Wisp's own (default: one"
                    + " per core where the JVM allows it, as the wisp jar does; 0: on the JDK's scheduler)"),
            new Option("--help", "-h", null, "show this help")),
            Stream.of(ServeFilters.OPTIONS, ServeProxies.OPTIONS, ServeTls.OPTIONS).flatMap(List::stream)).toList();

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve a directory over HTTPS or HTTP, with /echo";
    }

    @Override
    public String usage() {
        StringBuilder usage = new StringBuilder("""
                Usage: wisp serve [DIR] [options]

                Serves the files under DIR (default: the current directory) over HTTP/1.1 and HTTP/2: index.html
                or a listing for directories, ETag and Last-Modified, conditional and range requests. Any request
                to /echo is answered with the request itself (cookie and authorization values hidden; a TRACE
                without the fields that may hold secrets: Authorization, Cookie, Forwarded, ...), /ws is a
                WebSocket echo and /ws.html a page that
                talks to it; each hides a file of that name. --proxy sends a path prefix to another server
                instead (requests and WebSockets), as a front-end's development server proxies its API; with
                --proxy /=URL every path goes there, and no files are served. Ctrl-C
                stops the server, letting busy connections finish within the grace period; a second Ctrl-C stops
                it at once.

                HTTPS by default, with a self-signed certificate for localhost made on first use and kept in
                $WISP_CONFIG_HOME, else $XDG_CONFIG_HOME/wisp, else ~/.config/wisp (made again when it nears
                its expiry); its SHA-256 fingerprint is printed at startup.

                Options:
                """);
        OPTIONS.forEach(option -> usage.append(option.helpLine()));
        return usage.toString();
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws UsageException {
        Arguments parsed = Arguments.parse(arguments, OPTIONS);
        if (parsed.has("--help")) {
            out.print(usage());
            return 0;
        }
        Duration grace = Duration.ofSeconds(parsed.intValue("--grace", (int) GRACE.toSeconds(), 0, 3600));
        StopSignals signals = StopSignals.install();
        Server server;
        try {
            server = start(parsed, out);
        } catch (IllegalArgumentException | UncheckedIOException | TlsConfigException e) {
            err.println("wisp serve: " + e.getMessage());
            return 1;
        }
        awaitStop(server, signals, grace, out, err);
        return 0;
    }

    /**
     * Starts serving as the arguments say, prints {@code Serving DIR on URL}, and returns the running server.
     *
     * @throws UsageException if the arguments do not fit the usage
     * @throws IllegalArgumentException if DIR is not a directory
     * @throws UncheckedIOException if the address cannot be bound or the self-signed certificate not written
     * @throws TlsConfigException for bad key material given with --cert, --key or --client-ca
     */
    static Server start(List<String> arguments, PrintStream out) throws UsageException {
        return start(Arguments.parse(arguments, OPTIONS), out);
    }

    private static Server start(Arguments arguments, PrintStream out) throws UsageException {
        List<String> positionals = arguments.positionals();
        if (positionals.size() > 1) {
            throw new UsageException("expected at most one DIR, got " + String.join(" ", positionals));
        }
        if (arguments.has("--http1.1") && arguments.has("--http2")) {
            throw new UsageException("--http1.1 and --http2 cannot be combined: choose one");
        }
        ServeFilters filters = ServeFilters.of(arguments, out);
        OptionalLong maxRequestBody = byteSize(arguments, "--max-request-body");
        Path directory = Path.of(positionals.isEmpty() ? "." : positionals.get(0)).toAbsolutePath().normalize();
        FileHandler files = FileHandler.builder(directory).directoryListing(!arguments.has("--no-listing"))
                .hiddenFiles(arguments.has("--hidden")).fallbackFile(arguments.has("--spa") ? "index.html" : null)
                .precompressed(arguments.has("--precompressed") ? List.of("br", "zstd", "gzip") : List.of())
                .writable(arguments.has("--upload")).build();
        InetAddress bindAddress = bindAddress(arguments.value("--bind").orElse("127.0.0.1"));
        if (files.isWritable() && !bindAddress.isLoopbackAddress() && !arguments.has("--unix-socket")
                && !filters.asksForPasswords()) {
            throw new UsageException("--upload on an address other hosts reach needs --auth: anyone there could"
                    + " change the files");
        }
        ServerConfig.Builder builder = ServerConfig.builder()
                .port(arguments.intValue("--port", ServeTls.defaultPort(arguments), 0, 65535))
                .bindAddress(bindAddress)
                .maxConnectionsPerClient(arguments.intValue("--max-connections-per-client", 0, 0, Integer.MAX_VALUE))
                .http2(!arguments.has("--http1.1"));
        if (arguments.has("--when-full")) {
            builder.overflowPolicy(switch (arguments.value("--when-full").orElseThrow()) {
                case "wait" -> OverflowPolicy.WAIT;
                case "reject" -> OverflowPolicy.REJECT;
                default -> throw new UsageException("option --when-full takes wait or reject: '"
                        + arguments.value("--when-full").orElseThrow() + "'");
            });
        }
        if (arguments.has("--max-connections")) { // else the server's default, which fits the heap
            builder.maxConnections(arguments.intValue("--max-connections", 0, 1, Integer.MAX_VALUE));
        }
        maxRequestBody.ifPresent(builder::maxRequestBodyBytes);
        Optional<Path> unixSocket = unixSocket(arguments);
        unixSocket.ifPresent(builder::unixSocket);
        // Unless chosen here or by the server's system property (the builder's default then), one loop per processor
        // where this JVM can run them: they measure best (the README's "Latency and CPU per request").
        boolean loopsByDefault = !arguments.has("--carrier-loops")
                && System.getProperty(ServerConfig.CARRIER_LOOPS_PROPERTY) == null;
        if (arguments.has("--carrier-loops")) {
            builder.carrierLoops(arguments.intValue("--carrier-loops", 0, 0, 1024));
        } else if (loopsByDefault && ServerConfig.carrierLoopsAvailable()) {
            builder.carrierLoops(Runtime.getRuntime().availableProcessors());
        }
        // The routes' usage errors come before a certificate is made, as every other option's do; the counts' route
        // before the proxies', so that a proxy of "/" does not take it.
        Router.Builder routes = Router.builder();
        AtomicReference<Server> started = new AtomicReference<>();
        Optional<String> metrics = arguments.value("--metrics");
        RequestTimer timer = null;
        if (metrics.isPresent()) {
            if (!metrics.get().startsWith("/")) {
                throw new UsageException("option --metrics needs a path starting with '/', such as /metrics");
            }
            if (metrics.get().matches(".*[{}*].*|.*//.*")) {
                throw new UsageException("option --metrics needs a plain path, without '{', '}', '*' or an empty"
                        + " segment: '" + metrics.get() + "'");
            }
            timer = RequestTimer.create();
            routes.get(metrics.get(), StatsHandler.prometheus(() -> started.get().stats(), timer::durations));
        }
        ServeProxies.Routes proxied = ServeProxies.addRoutes(routes, arguments, filters.crossOrigins());
        ServeTls transport = ServeTls.configure(arguments, bindAddress, builder, out);
        ServerConfig config = builder.build();
        // A proxy of "/" takes every path: the files, /echo and /ws would never be reached.
        if (!proxied.everyPath()) {
            Handler served = (request, response) -> {
                // Each file goes out with its own type: nosniff keeps a browser from running a text file as a page.
                response.header("X-Content-Type-Options", "nosniff");
                files.handle(request, response);
            };
            // A --proxy of /echo or /ws, or --metrics there, takes their paths: the built-in route is left out (the
            // router refuses a route an earlier one would always answer first).
            java.util.function.Predicate<String> taken = path -> proxied.takes(path)
                    || metrics.filter(path::equals).isPresent();
            if (!taken.test("/echo")) {
                routes.any("/echo", new EchoHandler());
            }
            if (!taken.test("/ws")) {
                routes.webSocket("/ws", WebSocketEcho.CONFIG.toBuilder().allowedOrigins(filters.crossOrigins()).build(),
                        WebSocketEcho::open);
            }
            if (!taken.test("/ws.html")) {
                routes.get("/ws.html", WebSocketEcho::page);
            }
            if (files.isWritable()) {
                routes.any("/*", served); // PUT and DELETE too
            } else {
                routes.get("/*", served);
            }
        }
        Server server = Server.create(config, filters.service(routes.build(), timer)).start();
        started.set(server);
        String where = unixSocket.map(path -> "unix:" + path + " (curl --unix-socket " + path + " "
                + transport.scheme() + "://localhost/)").orElseGet(() -> url(transport.scheme(), config.bindAddress(),
                server.port()));
        out.println((proxied.everyPath() ? "Listening" : "Serving " + directory) + " on " + where);
        transport.printStarted(server, config.bindAddress(), out);
        proxied.lines().forEach(out::println);
        clearTextPasswords(filters.asksForPasswords(), transport.scheme(),
                config.bindAddress()).ifPresent(out::println);
        if (loopsByDefault && !ServerConfig.carrierLoopsAvailable()) { // said, since it costs CPU per request
            out.println("Connections run on the JDK's scheduler: carrier loops need the JVM option "
                    + ServerConfig.carrierLoopsJvmOption());
        }
        return server;
    }

    /** {@code --unix-socket PATH}, refused beside the options of a TCP port. */
    private static Optional<Path> unixSocket(Arguments arguments) throws UsageException {
        Optional<String> path = arguments.value("--unix-socket");
        if (path.isEmpty()) {
            return Optional.empty();
        }
        for (String tcp : List.of("--port", "--bind", "--http-port")) {
            if (arguments.has(tcp)) {
                throw new UsageException("option --unix-socket listens instead of a port: it cannot go with " + tcp);
            }
        }
        return Optional.of(Path.of(path.get()).toAbsolutePath());
    }

    /** The warning for passwords that would cross a network in clear text: --auth with --plain off loopback. */
    static Optional<String> clearTextPasswords(boolean asksForPasswords, String scheme, InetAddress bindAddress) {
        return asksForPasswords && scheme.equals("http") && !bindAddress.isLoopbackAddress()
                ? Optional.of("Passwords cross the network in clear text over --plain: --auth is for HTTPS")
                : Optional.empty();
    }

    /**
     * A size in bytes: a whole number, or one followed by K, M or G (KiB, MiB, GiB), as curl's {@code --max-filesize}
     * takes it; empty if the option was not given.
     */
    static OptionalLong byteSize(Arguments arguments, String name) throws UsageException {
        String text = arguments.value(name).orElse(null);
        if (text == null) {
            return OptionalLong.empty();
        }
        Matcher size = SIZE.matcher(text);
        try {
            if (size.matches()) {
                int shift = switch (size.group(2).toUpperCase(Locale.ROOT)) {
                    case "K" -> 10;
                    case "M" -> 20;
                    case "G" -> 30;
                    default -> 0;
                };
                return OptionalLong.of(Math.multiplyExact(Long.parseLong(size.group(1)), 1L << shift));
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // too large: reported below
        }
        throw new UsageException("option " + name + " must be a number of bytes, or with K, M or G (10M): '" + text
                + "'");
    }

    private static InetAddress bindAddress(String text) throws UsageException {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new UsageException("option --bind: unknown address '" + text + "'");
        }
    }

    static String url(String scheme, InetAddress address, int port) {
        String host = IpAddresses.text(address);
        if (address instanceof Inet6Address) {
            host = "[" + host + "]";
        }
        return scheme + "://" + host + ":" + port + "/";
    }

    /**
     * What the first stop signal starts: says what the stop waits for and how to cut it short, as a terminal user
     * who sees nothing happen would otherwise press Ctrl-C again without knowing it cuts transfers.
     */
    static String stoppingMessage(int openConnections, Duration grace) {
        if (openConnections == 0) {
            return "Stopping: no open connections";
        }
        return "Stopping: waiting up to " + grace.toSeconds() + " s for " + openConnections + " open connection"
                + (openConnections == 1 ? "" : "s") + "; press Ctrl-C again to stop now";
    }

    /**
     * Blocks until a stop signal, then stops the server gracefully on this thread, before the JVM begins to exit
     * (see {@link StopSignals} for why). A second signal stops at once: it reports the connections it cuts and
     * halts, since the graceful stop holds the server until its grace period ends. A shutdown hook remains for
     * any other way the JVM may be asked to exit.
     */
    private static void awaitStop(Server server, StopSignals signals, Duration grace, PrintStream out,
            PrintStream err) {
        // What is said on standard output goes through the access log's writer: a pipe nobody reads must not hold a
        // stop up (the stop signals were not obeyed while it was full).
        Consumer<String> said = StandardOutputLines.to(out);
        signals.onRepeated(signal -> {
            int busy = server.connectionCount();
            err.println("wisp serve: stopping at once; " + busy + (busy == 1 ? " connection" : " connections")
                    + " cut");
            err.flush();
            StandardOutputLines.finishStandardOutput(LAST_WORDS_WAIT);
            Runtime.getRuntime().halt(StopSignals.exitCode(signal));
        });
        CountDownLatch stoppedByHook = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.stop(grace);
            StandardOutputLines.finishStandardOutput(ACCESS_LOG_WAIT);
            stoppedByHook.countDown();
        }, "wisp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (!signals.isInstalled()) {
                stoppedByHook.await();
                return;
            }
            signals.awaitFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        said.accept(stoppingMessage(server.connectionCount(), grace));
        server.stop(grace);
        said.accept("Stopped");
        StandardOutputLines.finishStandardOutput(ACCESS_LOG_WAIT);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is exiting already; the hook's stop finds the server stopped.
        }
    }
}
