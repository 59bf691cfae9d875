package dev.wisp.cli;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.Request;
import dev.wisp.core.Ascii;
import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code wisp ws URL}: an interactive WebSocket client, as websocat is. Each line of standard input goes out as a
 * text message (binary with {@code --binary}); each message received is printed on a line of its own. It ends
 * when the peer closes, or when standard input ends and the closing handshake is done; {@code -n} waits for the
 * peer's close instead, and {@code --max-messages N} (or {@code -1}) closes once N messages came, as websocat's
 * {@code -n1}.
 *
 * <p>Threads: the caller's thread waits for the end; a virtual thread reads standard input and sends; the
 * WebSocket's own thread prints what arrives.
 */
final class WsCommand implements Command {
    private static final List<Option> OPTIONS = Stream.concat(Stream.of(
            new Option("--header", "-H", "'NAME: VALUE'", "add a header to the upgrade request; repeatable"),
            new Option("--subprotocol", null, "NAME", "offer this subprotocol; repeatable, in order of preference"),
            new Option("--binary", null, null, "send each line's bytes as a binary message (without its line end)"),
            new Option("--no-compression", null, null, "do not offer permessage-deflate"),
            new Option("--no-close", "-n", null, "when standard input ends, wait for the server to close"),
            new Option("--max-messages", null, "N", "close (1000) once N messages have been received"),
            new Option("--one-message", "-1", null, "close once one message has been received (--max-messages 1)"),
            new Option("--ping-interval", null, "SECONDS", "ping when nothing was received for this long; no pong"
                    + " within 10 s ends the connection"),
            new Option("--connect-timeout", null, "SECONDS", "limit DNS, connect and TLS handshake (default 10)"),
            new Option("--verbose", "-v", null, "print the upgrade's request and response heads on stderr"),
            new Option("--help", "-h", null, "show this help")),
            Stream.of(AuthOptions.OPTIONS, ClientTlsOptions.OPTIONS, SocketFlags.OPTIONS, ProxyOptions.OPTIONS)
                    .flatMap(List::stream))
            .toList();

    private final InputStream input;
    private final Map<String, String> environment;

    /**
     * A command that reads the lines to send from {@code input}, and its proxy variables ({@code http_proxy} for
     * ws:, {@code https_proxy} for wss:, {@code all_proxy}, {@code no_proxy}...) from {@code environment}.
     */
    WsCommand(InputStream input, Map<String, String> environment) {
        this.input = input;
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String name() {
        return "ws";
    }

    /**
     * A failure's message with this command's flags, where the client's names its options: the upgrade's time limit is
     * the call's timeout, which this command sets from --connect-timeout, where {@code wisp get} has --max-time.
     */
    private static String told(String message) {
        return FlagNames.in(message == null ? null
                : message.replace("(callTimeout)", "(--connect-timeout, and 30 s more for the answer)")
                        .replace("(readTimeout)", "(30 s for the answer)"));
    }

    @Override
    public String summary() {
        return "talk to a WebSocket: lines from stdin out, messages to stdout";
    }

    @Override
    public String usage() {
        return Option.usage("""
                Usage: wisp ws URL [options]

                Opens a WebSocket (ws: plaintext, wss: TLS verified against the JDK's CA
                certificates). Each line of standard input is sent as a text message (it must be
                UTF-8), or with --binary its bytes as they are as a binary message; each message
                received is printed on its own line (binary ones as their bytes). Ends when the
                server closes, or when standard input ends and the closing handshake is done (with
                --no-close, when the server closes; with --max-messages N, once N messages came and
                the closing handshake is done). Exit codes: 0 closed with 1000, 1001 or no status, 1
                the connection failed or a text line was not UTF-8, 3 the server closed with any
                other status (it is printed with the reason), 7 cannot connect, 8 bad handshake
                answer, 22 upgrade refused (the status is printed), 23 cannot write the output (it
                then closes), 28 no answer to the upgrade
                within 30 s, 35/60 TLS failures, 56 the connection closed before the upgrade's
                answer, 90 no --pinnedpubkey key in the server's chain. Through a proxy (-x, or
                http_proxy for ws: and https_proxy for wss: as curl reads them, all_proxy, no_proxy),
                the WebSocket goes through a CONNECT tunnel (a SOCKS5 one for socks5://); 56 if the
                proxy refuses it, 7 if a proxy variable names no proxy.

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
        Request request = request(parsed.positionals().getFirst(), parsed);
        int maxMessages = parsed.has("--one-message") ? 1
                : parsed.intValue("--max-messages", 0, 1, Integer.MAX_VALUE);
        if (parsed.has("--one-message") && parsed.has("--max-messages")) {
            throw new UsageException("-1 and --max-messages cannot be combined: choose one count");
        }
        WebSocketConfig config;
        try {
            WebSocketConfig.Builder builder = WebSocketConfig.builder();
            if (parsed.has("--ping-interval")) {
                builder.pingInterval(ClientFlags.seconds(parsed, "--ping-interval"));
            }
            config = builder
                    .subprotocols(parsed.values("--subprotocol"))
                    .permessageDeflate(!parsed.has("--no-compression"))
                    .maxFrameBytes(16 << 20)
                    .maxMessageBytes(16 << 20)
                    .build();
        } catch (IllegalArgumentException e) {
            // Only the subprotocols come from the command line; the other options are constants.
            throw new UsageException("option --subprotocol: " + e.getMessage());
        }
        Printer printer = new Printer(out, err, maxMessages);
        ClientConfig.Builder clientConfig = ClientFlags.configure(parsed);
        SocketFlags.apply(parsed, clientConfig);
        if (parsed.has("--verbose")) {
            clientConfig.eventListener(new VerboseListener(err));
        }
        try {
            ClientTlsOptions.tls(parsed).ifPresent(clientConfig::tls);
            ProxyOptions.apply(parsed, environment, request.uri(), clientConfig);
        } catch (ClientTlsOptions.TlsFileException e) {
            err.println("wisp ws: " + told(e.getMessage()));
            return e.exitCode();
        } catch (ProxyOptions.ProxyVariableException e) {
            err.println("wisp ws: " + told(e.getMessage()));
            return ExitCodes.CONNECT_FAILED;
        }
        // The upgrade's answer within the read timeout of the connection being made: a server that drips it byte by
        // byte keeps each read short of the read timeout. The call's timeout ends with the upgrade.
        ClientConfig chosen = clientConfig.build();
        clientConfig.callTimeout(chosen.connectTimeout().plus(chosen.readTimeout()));
        try (Client client = Client.create(clientConfig.build())) {
            WebSocket webSocket = open(client, request, config, printer);
            Thread.ofVirtual().name("wisp-ws-stdin").start(() -> sendLines(webSocket, parsed.has("--binary"),
                    !parsed.has("--no-close"), printer));
            printer.ended.await();
            return printer.outputFailed ? ExitCodes.WRITE_ERROR
                    : printer.inputFailed ? ExitCodes.FAILURE : printer.exitCode;
        } catch (HttpCallException e) {
            err.println("wisp ws: " + told(e.getMessage()));
            return ExitCodes.of(e);
        } catch (WebSocketHandshakeException e) {
            err.println("wisp ws: " + told(e.getMessage()));
            return ExitCodes.BAD_RESPONSE;
        } catch (IOException e) {
            err.println("wisp ws: " + told(e.getMessage()));
            return ExitCodes.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }

    private static Request request(String url, Arguments parsed) throws UsageException {
        Request.Builder request;
        try {
            request = Client.webSocketRequest(url.contains("://") ? url : "ws://" + url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("not a ws, wss, http or https URL: '" + url + "' (" + e.getMessage() + ")");
        }
        GetRequests.addHeaders(request, parsed);
        AuthOptions.apply(parsed, request);
        return request.build();
    }

    /**
     * Opens the WebSocket; a -H header the upgrade sets itself (Connection, Upgrade, Sec-WebSocket-Key and the
     * like), which the client refuses with IllegalArgumentException before connecting, is a usage error.
     */
    private static WebSocket open(Client client, Request request, WebSocketConfig config, Printer printer)
            throws IOException, UsageException {
        try {
            return client.webSocket(request, config, printer);
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --header: " + e.getMessage());
        }
    }

    /**
     * Sends each line of standard input, in binary mode its bytes as they are; closes with 1000 when it ends, if
     * told to. A text line that is not UTF-8 ends the session (1000) with an error: the exit code is 1.
     */
    private void sendLines(WebSocket webSocket, boolean binary, boolean closeAtEnd, Printer printer) {
        InputLines lines = new InputLines(input);
        try (input) {
            while (webSocket.isOpen()) {
                if (binary) {
                    byte[] line = lines.next();
                    if (line == null) {
                        break;
                    }
                    webSocket.sendBinary(line);
                } else {
                    String line = lines.nextText();
                    if (line == null) {
                        break;
                    }
                    webSocket.sendText(line);
                }
            }
            if (closeAtEnd) {
                webSocket.close(CloseCode.NORMAL_CLOSURE, "");
            }
        } catch (InputLines.NotUtf8Exception e) {
            printer.inputFailed(e.getMessage());
            try {
                webSocket.close(CloseCode.NORMAL_CLOSURE, "");
            } catch (IOException | IllegalStateException closing) {
                // closed meanwhile: the session ends either way
            }
        } catch (IOException | IllegalStateException e) {
            if (webSocket.isOpen()) {
                printer.err.println("wisp ws: " + told(e.getMessage()));
            }
        }
    }

    /**
     * Prints what arrives and notes how the connection ended; past the most messages it is to print, it closes and
     * prints no more. The WebSocket's one thread calls it.
     */
    private static final class Printer implements WebSocketListener {
        private final PrintStream out;
        private final PrintStream err;
        /** The most messages to print, 0 for no limit. */
        private final int maxMessages;
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile int exitCode = ExitCodes.OK;
        /** Whether standard input had a line that could not be sent; the exit code is then 1. */
        private volatile boolean inputFailed;
        /** Whether standard output could not take a message; the exit code is then 23, whatever follows. */
        private volatile boolean outputFailed;
        private int received;

        Printer(PrintStream out, PrintStream err, int maxMessages) {
            this.out = out;
            this.err = err;
            this.maxMessages = maxMessages;
        }

        @Override
        public void onText(WebSocket webSocket, String text) {
            if (take()) {
                out.println(text);
                printed(webSocket);
            }
        }

        @Override
        public void onBinary(WebSocket webSocket, byte[] bytes) {
            if (take()) {
                out.write(bytes, 0, bytes.length);
                out.println();
                printed(webSocket);
            }
        }

        /**
         * After a message was printed: closes past the last one to print, or, if standard output could not take it (a
         * full disk, a pipe whose reader left), says so and closes, to exit 23 as curl and {@code wisp get} do; the
         * messages were lost unsaid, and the exit was 0.
         */
        private void printed(WebSocket webSocket) {
            if (!out.checkError()) { // flushes first
                closeIfLast(webSocket);
                return;
            }
            if (!outputFailed) {
                outputFailed = true; // print nothing more
                err.println("wisp ws: cannot write the output (no space left, or the reader is gone); closing");
                try {
                    webSocket.close(CloseCode.NORMAL_CLOSURE, "");
                } catch (IOException | IllegalStateException e) {
                    // closed meanwhile: the exit code stays this one
                }
            }
        }

        /** Standard input had a line that could not be sent: says why; the session is closing. */
        void inputFailed(String why) {
            err.println("wisp ws: " + why);
            inputFailed = true;
        }

        /** Whether a message that arrived is one to print: those after the last one are not. */
        private boolean take() {
            if (outputFailed || maxMessages > 0 && received == maxMessages) {
                return false; // it came before the server saw our close
            }
            received++;
            return true;
        }

        private void closeIfLast(WebSocket webSocket) {
            if (received == maxMessages) {
                try {
                    webSocket.close(CloseCode.NORMAL_CLOSURE, "");
                } catch (IOException | IllegalStateException e) {
                    // closed meanwhile: onClose or onError says how
                }
            }
        }

        /**
         * The peer's text for the terminal: a control (C0, DEL, C1), a format character (a bidirectional override)
         * or a lone surrogate escaped, so that it can neither write control sequences nor disguise itself; other
         * characters, {@code ü} or {@code 日本}, as they are (a close reason is UTF-8).
         */
        static String printable(String text) {
            StringBuilder out = new StringBuilder(text.length());
            text.codePoints().forEach(c -> {
                int type = Character.getType(c);
                String character = Character.toString(c);
                out.append(Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
                        ? Ascii.escape(character) : character);
            });
            return out.toString();
        }

        /**
         * The code is the one in the server's close frame, also when it answers ours after standard input ended
         * (a server echoes 1000 then, or sends no status).
         */
        @Override
        public void onClose(WebSocket webSocket, int code, String reason) {
            if (code != CloseCode.NORMAL_CLOSURE && code != CloseCode.NO_STATUS_RECEIVED) {
                err.println("wisp ws: closed by the server: " + code + (reason.isEmpty() ? "" : " "
                        + printable(reason)));
            }
            if (!isCleanClose(code)) {
                exitCode = ExitCodes.CLOSED_WITH_ERROR;
            }
            ended.countDown();
        }

        /** A normal close, a server going away (stopping, a page left) and a close frame without a status. */
        private static boolean isCleanClose(int code) {
            return code == CloseCode.NORMAL_CLOSURE || code == CloseCode.GOING_AWAY
                    || code == CloseCode.NO_STATUS_RECEIVED;
        }

        @Override
        public void onError(WebSocket webSocket, IOException error) {
            err.println("wisp ws: " + FlagNames.in(error.getMessage()));
            exitCode = ExitCodes.FAILURE;
            ended.countDown();
        }
    }
}
