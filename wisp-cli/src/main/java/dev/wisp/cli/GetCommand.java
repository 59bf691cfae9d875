package dev.wisp.cli;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.CookieJar;
import dev.wisp.client.EventListener;
import dev.wisp.client.Http2Mode;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.Request;
import dev.wisp.client.Response;
import dev.wisp.client.UnsupportedSocketOptionException;
import dev.wisp.client.internal.BadContentEncodingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code wisp get URL}: one request with curl's flags and meanings; the body goes to stdout byte for byte (or to
 * a file with {@code -o}). Exit codes are curl's, see {@link ExitCodes}.
 */
final class GetCommand implements Command {
    private static final System.Logger LOG = System.getLogger(GetCommand.class.getName());
    private static final List<Option> BASE_OPTIONS = List.of(
            new Option("--request", "-X", "METHOD", "request method (default GET, or POST with data)"),
            new Option("--header", "-H", "'NAME: VALUE'", "add a request header; repeatable"),
            new Option("--data", "-d", "DATA",
                    "send DATA (@FILE: the file without CR and LF, @-: stdin) as a form POST"),
            new Option("--data-binary", null, "DATA", "send DATA, or @FILE (@-: stdin) exactly as it is, as a POST"),
            new Option("--data-raw", null, "DATA", "send DATA as -d does, an @ in it as it is"),
            new Option("--json", null, "DATA",
                    "send DATA (@FILE: the file, @-: stdin) as a JSON POST, asking for JSON back"),
            new Option("--get", "-G", null, "put the -d data in the URL's query and send a GET"),
            new Option("--upload-file", "-T", "FILE",
                    "send FILE as a PUT (to the URL, or its name after a final /); -: stdin, chunked"),
            new Option("--user-agent", "-A", "NAME", "send this User-Agent"),
            new Option("--referer", "-e", "URL", "send this Referer"),
            new Option("--range", "-r", "RANGE", "ask for these bytes only (Range: bytes=RANGE)"),
            new Option("--output", "-o", "FILE", "write the body to FILE (progress shown on a terminal)"),
            new Option("--continue-at", "-C", "-", "with -o or -O: go on from what an earlier run left in"
                    + " FILE.part (asking for the rest of the same version: Range, If-Range); FILE only once whole"),
            new Option("--remote-name", "-O", null, "write the body to a file named as the URL's last segment"),
            new Option("--output-dir", null, "DIR", "the folder for -o and -O files"),
            new Option("--include", "-i", null, "print the status line and headers before the body (each hop's)"),
            new Option("--head", "-I", null, "send HEAD and print the status line and headers (each hop's)"),
            new Option("--verbose", "-v", null, "print request and response heads and timing on stderr"),
            new Option("--write-out", "-w", "FORMAT", "write FORMAT to stdout once done, with curl's %{http_code},"
                    + " %{time_total}, %{size_download}, %header{NAME}...; @FILE reads it from a file"),
            new Option("--silent", "-s", null, "print no progress and no error messages"),
            new Option("--show-error", "-S", null, "with -s, still print error messages"),
            new Option("--fail", "-f", null, "exit 22, printing no body, when the status is 400 or more"),
            new Option("--fail-with-body", null, null, "exit 22 when the status is 400 or more, printing the body"),
            new Option("--dump-header", "-D", "FILE", "write the status line and headers to FILE (-: stdout)"),
            new Option("--create-dirs", null, null, "create the folders of the -o file that do not exist"),
            new Option("--compressed", null, null, "ask for gzip or deflate and decode the body"),
            new Option("--no-buffer", "-N", null,
                    "write the body as it arrives (as is always done; for event streams)"),
            new Option("--max-time", "-m", "SECONDS",
                    "limit the whole run, body and -C's retries included (0: no limit)"),
            new Option("--connect-timeout", null, "SECONDS", "limit DNS, connect and TLS handshake (default 10)"),
            new Option("--http1.1", null, null, "use HTTP/1.1 only (ALPN offers http/1.1 alone)"),
            new Option("--http2", null, null, "offer HTTP/2 over TLS by ALPN, the server chooses (the default)"),
            new Option("--http2-prior-knowledge", null, null, "speak HTTP/2 from the first byte, h2c in plaintext"),
            new Option("--help", "-h", null, "show this help"));
    private static final List<Option> OPTIONS = Stream.of(BASE_OPTIONS, GetConditions.OPTIONS, RedirectOptions.OPTIONS,
            AuthOptions.OPTIONS,
            NetrcOptions.OPTIONS, CookieOptions.OPTIONS, FormOptions.OPTIONS, SocketFlags.OPTIONS, ProxyOptions.OPTIONS,
            ClientTlsOptions.OPTIONS)
            .flatMap(List::stream).toList();

    private final InputStream stdin;
    private final Map<String, String> environment;

    /**
     * A command that reads standard input from {@code stdin}, for {@code -d @-}, --json @-, -T -, -F name=@- and
     * --data-urlencode name@-, and its proxy variables ({@code http_proxy}, {@code NO_PROXY}...) from
     * {@code environment}.
     */
    GetCommand(InputStream stdin, Map<String, String> environment) {
        this.stdin = stdin;
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String name() {
        return "get";
    }

    @Override
    public String summary() {
        return "send a request and print the response, as curl does";
    }

    @Override
    public String usage() {
        return Option.usage("""
                Usage: wisp get URL [options]

                Sends one request (TLS for https: URLs, verified against the JDK's CA certificates; there HTTP/2 if
                the server chooses it, else HTTP/1.1) and writes the response body to stdout byte for byte. Exit
                codes follow curl: 3 malformed URL, 6 host not found, 7 cannot connect, 8 invalid response, 18
                body cut short, 22 HTTP error with --fail, 23 cannot write the output, 26 cannot read the data
                file, 28 timeout, 35 TLS handshake failed, 47 too many redirects, 52 empty reply, 56 connection
                broken or tunnel refused, 58 bad client certificate or key file, 60 server certificate rejected, 61
                a --compressed body that does not decode, 77 bad CA certificate file, 90 no --pinnedpubkey key in
                the server's chain; 1 for a protocol other than http and https, or a refused redirect (https to
                http).

                """, OPTIONS);
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws UsageException {
        Arguments parsed = Arguments.parse(arguments, OPTIONS);
        if (parsed.has("--help")) {
            out.print(usage());
            return ExitCodes.OK;
        }
        if (parsed.positionals().size() != 1) {
            throw new UsageException("expected one URL, got " + parsed.positionals().size());
        }
        if (!parsed.has("--silent")) {
            return get(parsed, out, err);
        }
        // The libraries' own warnings too (-k's that any certificate is accepted), which curl -s does not print.
        try (LibraryLog.Silenced silenced = LibraryLog.silence()) {
            return get(parsed, out, err);
        }
    }

    private int get(Arguments parsed, PrintStream out, PrintStream err) throws UsageException {
        if (parsed.has("--remote-name") && parsed.has("--output")) {
            throw new UsageException("-o and -O cannot be combined: choose the file or let the URL name it");
        }
        if (parsed.has("--continue-at")) {
            GetDownload.check(parsed, parsed.has("--remote-name")
                    || parsed.has("--output") && !parsed.value("--output").orElseThrow().equals("-"));
        }
        boolean silent = isSilent(parsed);
        WriteOut writeOut = parsed.has("--write-out")
                ? WriteOut.of(parsed.value("--write-out").orElseThrow(), parsed.has("--insecure")) : null;
        Request request;
        ClientConfig config;
        CookieJar jar;
        ReceivedHeads heads = new ReceivedHeads();
        GetConditions conditions;
        try {
            conditions = GetConditions.of(parsed, err, silent);
            Request.Builder requestBuilder = GetRequests.builder(parsed.positionals().getFirst(), parsed, stdin);
            conditions.addTo(requestBuilder, parsed);
            ClientConfig.Builder configBuilder = config(parsed, err, writeOut, heads).toBuilder();
            ProxyOptions.apply(parsed, environment, requestBuilder.build().uri(), configBuilder);
            jar = CookieOptions.apply(parsed, configBuilder, requestBuilder);
            NetrcOptions.apply(parsed, environment, GetRequests.uri(parsed.positionals().getFirst()), configBuilder,
                    requestBuilder);
            request = requestBuilder.build();
            config = configBuilder.build();
        } catch (GetRequests.BadUrlException e) {
            report(err, silent, e.getMessage());
            return e.exitCode();
        } catch (GetRequests.DataFileException | CookieOptions.CookieFileException
                | NetrcOptions.NetrcFileException | GetConditions.EtagFileException e) {
            report(err, silent, e.getMessage());
            return ExitCodes.READ_ERROR;
        } catch (ClientTlsOptions.TlsFileException e) {
            report(err, silent, e.getMessage());
            return e.exitCode();
        } catch (ProxyOptions.ProxyVariableException e) {
            report(err, silent, e.getMessage());
            return ExitCodes.CONNECT_FAILED;
        }
        if (parsed.has("--continue-at")) {
            try {
                Path file = outputFile(parsed, request.uri()).orElseThrow();
                createFolders(parsed, file);
                return GetDownload.run(parsed, request, config, file, err);
            } catch (OutputException e) {
                report(err, silent, e.getMessage());
                return ExitCodes.WRITE_ERROR;
            }
        }
        long started = System.nanoTime();
        Response answered = null;
        int exitCode = ExitCodes.FAILURE;
        Exception failure = null;
        try (Client client = Client.create(config)) {
            started = System.nanoTime(); // as curl's clock, from the request on
            try (Response response = client.send(request)) {
                answered = response;
                exitCode = print(response, heads, conditions, request.uri(), parsed, out, err);
                if (exitCode == ExitCodes.HTTP_ERROR) {
                    failure = new FailedStatusException(response.statusCode());
                }
                CookieOptions.save(parsed, jar, err, silent);
            }
        } catch (HttpCallException e) {
            failure = e;
            exitCode = GetExitCodes.of(e, answered != null, heads);
        } catch (OutputException e) {
            failure = e;
            exitCode = ExitCodes.WRITE_ERROR;
        } catch (BadContentEncodingException e) {
            failure = e;
            exitCode = ExitCodes.BAD_CONTENT_ENCODING;
        } catch (UnsupportedSocketOptionException e) {
            failure = e;
            // The socket could not be made as asked (a TOS byte the kernel keeps otherwise): no connection.
            exitCode = ExitCodes.CONNECT_FAILED;
        } catch (IOException e) {
            failure = e;
            exitCode = ExitCodes.FAILURE;
        }
        if (failure != null) {
            report(err, silent, failure.getMessage());
        }
        if (writeOut != null) {
            writeOut.write(new WriteOut.Outcome(request, answered, started, exitCode, failure,
                    effectiveFileName(parsed, request.uri()),
                    answered != null && conditions.isUnmetBy(answered.head())), out, err);
        }
        return exitCode;
    }

    /** The file the body went to, as -w's filename_effective names it; empty for standard output. */
    private static String effectiveFileName(Arguments parsed, URI url) {
        try {
            return outputFile(parsed, url).map(Path::toString).orElse("");
        } catch (OutputException noName) {
            return "";
        }
    }

    private static ClientConfig config(Arguments parsed, PrintStream err, WriteOut writeOut, ReceivedHeads heads)
            throws UsageException, ClientTlsOptions.TlsFileException {
        ClientConfig.Builder config = ClientFlags.configure(parsed);
        Duration maxTime = ClientFlags.maxTime(parsed);
        if (maxTime != null) {
            config.callTimeout(maxTime);
        }
        RedirectOptions.apply(parsed, config);
        SocketFlags.apply(parsed, config);
        config.http2(http2Mode(parsed));
        List<EventListener> listeners = new ArrayList<>(List.of(heads));
        if (parsed.has("--verbose")) {
            listeners.add(new VerboseListener(err));
        }
        if (writeOut != null) {
            listeners.add(writeOut.events());
        }
        config.eventListener(Listeners.all(listeners));
        ClientTlsOptions.tls(parsed).ifPresent(config::tls);
        return config.build();
    }

    /** The HTTP version options, one at most: as curl, HTTP/2 is offered over TLS unless --http1.1 says not to. */
    private static Http2Mode http2Mode(Arguments parsed) throws UsageException {
        List<String> chosen = Stream.of("--http1.1", "--http2", "--http2-prior-knowledge").filter(parsed::has).toList();
        if (chosen.size() > 1) {
            throw new UsageException(String.join(" and ", chosen) + " cannot be combined: choose one HTTP version");
        }
        return parsed.has("--http1.1") ? Http2Mode.OFF
                : parsed.has("--http2-prior-knowledge") ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.NEGOTIATE;
    }

    /** Writes the response, and with -i, -I or -D each head received, where the options say; returns the exit code. */
    private static int print(Response response, ReceivedHeads heads, GetConditions conditions, URI url,
            Arguments parsed, PrintStream out, PrintStream err) throws IOException {
        boolean failed = (parsed.has("--fail") || parsed.has("--fail-with-body")) && response.statusCode() >= 400;
        // As curl's, -f drops the body of a failed response, not its head: -D and -i still show why.
        boolean failedWithoutBody = failed && !parsed.has("--fail-with-body");
        // A 304, or a body that does not meet -z, leaves the file that was fetched before as it is.
        boolean unchanged = response.statusCode() == 304 || conditions.isUnmetBy(response.head());
        if (response.statusCode() == 304) {
            // A 304 has no content (RFC 9110 §15.4.5): its end is read all the same, so that a server that sent some
            // fails the call (over HTTP/2 a stream error, curl's 92), where left unread it went untold.
            response.body().transferTo(OutputStream.nullOutputStream());
        }
        byte[] allHeads = heads.text(response.head());
        dumpHeader(allHeads, parsed, out);
        GetConditions.saveEtag(parsed, response.head());
        // With -o the heads go into the file before the body, as curl writes them.
        byte[] head = parsed.has("--include") || parsed.has("--head") ? allHeads : new byte[0];
        if ((failedWithoutBody || unchanged) && head.length == 0) {
            return failed ? ExitCodes.HTTP_ERROR : ExitCodes.OK; // nothing to write: no -o file is made
        }
        OutputStream stdout = failing(out);
        // curl's -I prints the heads alone whatever method -X sends; a body that comes is left unread.
        boolean headOnly = parsed.has("--head") || failedWithoutBody || unchanged;
        try {
            Optional<Path> output = outputFile(parsed, url);
            if (output.isPresent()) {
                Path file = output.get();
                createFolders(parsed, file);
                try (OutputStream target = Files.newOutputStream(file)) {
                    target.write(head);
                    if (!headOnly) {
                        // The length received says nothing of the decoded length that the bar counts.
                        long total = parsed.has("--compressed") ? -1 : response.body().length();
                        Progress.copy(body(response, parsed), total, target,
                                !parsed.has("--silent") && System.console() != null, err);
                    }
                } catch (HttpCallException | BadContentEncodingException e) {
                    throw e;
                } catch (IOException e) {
                    throw new OutputException("cannot write " + file + ": " + reason(e));
                }
                GetConditions.setRemoteTime(parsed, file, response.head());
            } else {
                stdout.write(head);
                if (!headOnly) {
                    try (InputStream body = body(response, parsed)) {
                        body.transferTo(stdout);
                    }
                }
            }
        } finally {
            stdout.flush();
        }
        return failed ? ExitCodes.HTTP_ERROR : ExitCodes.OK;
    }

    /** The body as it is to be written: with --compressed, decoded from every coding it came in. */
    private static InputStream body(Response response, Arguments parsed) throws IOException {
        return parsed.has("--compressed") ? ContentCodings.decode(response.head(), response.body()) : response.body();
    }

    /** --create-dirs: the folders of the output file that do not exist. */
    private static void createFolders(Arguments parsed, Path file) throws OutputException {
        if (parsed.has("--create-dirs") && file.toAbsolutePath().getParent() != null) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new OutputException("cannot create the folder of " + file + ": " + reason(e));
            }
        }
    }

    /** -D: the heads' status lines and header fields, as -i prints them, to a file or ({@code -}) to stdout. */
    private static void dumpHeader(byte[] head, Arguments parsed, PrintStream out) throws IOException {
        Optional<String> target = parsed.value("--dump-header");
        if (target.isEmpty()) {
            return;
        }
        if (target.get().equals("-")) {
            OutputStream stdout = failing(out);
            stdout.write(head);
            stdout.flush();
            return;
        }
        try {
            Files.write(Path.of(target.get()), head);
        } catch (IOException | InvalidPathException e) {
            throw new OutputException("cannot write " + target.get() + ": "
                    + (e instanceof IOException io ? reason(io) : e.getMessage()));
        }
    }

    /**
     * The file that -o names ({@code -}: none, stdout), or -O (the URL's last path segment, as it is in the URL), in
     * --output-dir's folder unless it is absolute; empty for stdout.
     */
    private static Optional<Path> outputFile(Arguments parsed, URI url) throws OutputException {
        String name;
        if (parsed.has("--remote-name")) {
            String path = url.getRawPath() == null ? "" : url.getRawPath();
            name = path.substring(path.lastIndexOf('/') + 1);
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                throw new OutputException("no file name in " + url + " for -O (--remote-name)");
            }
        } else if (parsed.has("--output") && !parsed.value("--output").orElseThrow().equals("-")) {
            name = parsed.value("--output").orElseThrow();
        } else {
            return Optional.empty();
        }
        try {
            Path file = Path.of(name);
            Optional<String> folder = parsed.value("--output-dir");
            return Optional.of(folder.isEmpty() || file.isAbsolute() ? file : Path.of(folder.get()).resolve(file));
        } catch (InvalidPathException e) {
            throw new OutputException("cannot write " + name + ": " + e.getReason());
        }
    }

    /**
     * Standard output as a stream whose writes fail when they do. A {@link PrintStream} keeps a failed write (a full
     * disk, a reader gone) to itself, which would lose the body and exit 0; curl exits 23 there, and so do we, at
     * the first write that fails rather than after the whole body.
     */
    private static OutputStream failing(PrintStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                check();
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                check();
            }

            @Override
            public void flush() throws IOException {
                check();
            }

            /** Flushes, as {@link PrintStream#checkError()} does, so that a failure shows now. */
            private void check() throws OutputException {
                if (out.checkError()) {
                    throw new OutputException("cannot write the output (no space left, or the reader is gone)");
                }
            }
        };
    }

    /** Why a file could not be written: a file system exception's message is often the path alone. */
    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file or directory";
            case AccessDeniedException denied -> "permission denied";
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> e.getMessage();
        };
    }

    /** Whether error messages are silenced: -s without -S. */
    private static boolean isSilent(Arguments parsed) {
        return parsed.has("--silent") && !parsed.has("--show-error");
    }

    private static void report(PrintStream err, boolean silent, String message) {
        if (!silent) {
            err.println("wisp get: " + FlagNames.in(message));
        }
    }

    /** -f and a status of 400 or more: curl's words, which -w's errormsg gives too. */
    static final class FailedStatusException extends IOException {
        FailedStatusException(int status) {
            super("The requested URL returned error: " + status);
        }
    }

    /** The output file could not be written. */
    static final class OutputException extends IOException {
        OutputException(String message) {
            super(message);
        }
    }
}
