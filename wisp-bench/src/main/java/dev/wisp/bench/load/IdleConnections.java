package dev.wisp.bench.load;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Opens N keep-alive connections to a server, completes one {@code GET /plaintext} on each, and holds them all
 * open and idle, so that the harness can measure the server's memory per idle connection.
 *
 * <p>Usage: {@code IdleConnections [--tls CHAIN_PEM] [--websocket PATH] [--events PATH] [--deflate] [--message]
 * [--http2] HOST PORT COUNT [MAX_SECONDS]}. With {@code --events} the one request is a GET of PATH for server-sent
 * events, and the connection is held as an open event stream once its head and first event have come (HTTP/1.1,
 * chunked). With {@code --http2} the connections speak HTTP/2 ({@link Http2SingleRequest}): h2c with
 * prior knowledge, or h2 chosen by ALPN with {@code --tls}. With {@code --websocket} the one request is a WebSocket
 * upgrade of PATH, answered with {@code 101} (over HTTP/2, an extended CONNECT of RFC 8441 answered with 200, the
 * WebSocket then stream 1, without {@code --deflate} or {@code --message}), after which the connection is a WebSocket
 * that sends nothing (the peers of {@code websocket.sh} never ping); {@code --deflate} offers permessage-deflate in
 * that upgrade (RFC 7692, no parameters) and counts a {@code 101} that does not accept it as a failure, so every
 * connection held has agreed on compression; {@code --message} sends one short text message on each WebSocket and reads
 * its echo before holding it, so the server holds a session that has been used (with compression, its zlib streams
 * exist by then). With {@code --tls} every
 * connection is HTTPS: a full TLS handshake (no session is resumed: each connection names a different peer
 * host, so the JDK's client session cache never matches, and sends no SNI), trusting only the given
 * certificate chain, then the one request; after it the client's {@link SSLSocket} is dropped and only the
 * socket is kept, so the server holds an established TLS session that sits idle. It talks to the harness over
 * standard input and output (which is why a benchmark tool prints to {@code System.out}):
 * <ol>
 *   <li>after opening, it prints {@code ready opened=N failed=F response_bytes=B millis=T};</li>
 *   <li>each {@code check} line on stdin is answered with {@code open N}: the connections the server has not
 *       closed (probed without sending anything);</li>
 *   <li>end of stdin, a {@code quit} line or MAX_SECONDS (default 600) after start closes every connection
 *       and exits.</li>
 * </ol>
 * Opening stops early after 20 failures in a row or 120 s, so a server that refuses connections cannot hang
 * the harness. Everything runs on the main thread except one daemon thread that reads stdin, and the threads
 * that open the connections (one for plaintext, four for HTTPS) before it serves commands.
 */
public final class IdleConnections {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_FAILURES_IN_A_ROW = 20;
    private static final long OPEN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final int MAX_HEAD_BYTES = 8192;

    private static final int TLS_OPENERS = 4;

    /** Connections open and answered; guarded by itself while the openers run. */
    private final List<SocketChannel> channels = new ArrayList<>();
    /** Connections being opened now; guarded by {@code channels}. */
    private int reserved;
    private final PrintStream out;
    /** The factory for HTTPS connections; null for plaintext. */
    private final SSLSocketFactory tls;
    /** The path to upgrade to a WebSocket; null for an HTTP request. */
    private final String webSocketPath;
    /** Whether the upgrade offers permessage-deflate. */
    private final boolean deflate;
    /** Whether each WebSocket echoes one message before it is held. */
    private final boolean message;
    /** The path of an event stream that each connection holds open, or null. */
    private final String eventsPath;
    /** Whether the connections speak HTTP/2: h2 by ALPN over TLS, else h2c with prior knowledge. */
    private final boolean http2;

    private IdleConnections(PrintStream out, SSLSocketFactory tls, String webSocketPath, String eventsPath,
            boolean deflate, boolean message, boolean http2) {
        this.out = out;
        this.eventsPath = eventsPath;
        this.tls = tls;
        this.webSocketPath = webSocketPath;
        this.deflate = deflate;
        this.message = message;
        this.http2 = http2;
    }

    public static void main(String[] args) throws Exception {
        SSLSocketFactory tls = null;
        String webSocketPath = null;
        String eventsPath = null;
        boolean deflate = false;
        boolean message = false;
        boolean http2 = false;
        while (args.length > 1 && args[0].startsWith("--")) {
            int used = 2;
            switch (args[0]) {
                case "--tls" -> tls = trusting(Path.of(args[1]));
                case "--websocket" -> webSocketPath = args[1];
                case "--events" -> eventsPath = args[1];
                case "--deflate" -> {
                    deflate = true;
                    used = 1;
                }
                case "--message" -> {
                    message = true;
                    used = 1;
                }
                case "--http2" -> {
                    http2 = true;
                    used = 1;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[0]);
            }
            args = Arrays.copyOfRange(args, used, args.length);
        }
        if (args.length < 3 || args.length > 4 || http2 && (deflate || message || eventsPath != null)
                || eventsPath != null && webSocketPath != null) {
            throw new IllegalArgumentException("usage: IdleConnections [--tls CHAIN_PEM] [--websocket PATH]"
                    + " [--events PATH] [--deflate] [--message] [--http2] HOST PORT COUNT [MAX_SECONDS]");
        }
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        long maxSeconds = args.length == 4 ? Long.parseLong(args[3]) : 600;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        new IdleConnections(System.out, tls, webSocketPath, eventsPath, deflate, message, http2)
                .run(address, count, deadline);
    }

    /** A client socket factory that trusts the certificates of one PEM file and nothing else. */
    private static SSLSocketFactory trusting(Path chainPem) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(chainPem)) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("trusted-" + i++, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private void run(InetSocketAddress address, int count, long deadline) throws IOException, InterruptedException {
        BlockingQueue<String> commands = readCommands();
        try {
            open(address, count);
            try (Selector selector = Selector.open()) {
                for (SocketChannel channel : channels) {
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ);
                }
                serve(commands, selector, deadline);
            }
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }

    private void open(InetSocketAddress address, int count) throws InterruptedException {
        long start = System.nanoTime();
        String host = address.getHostString() + ":" + address.getPort();
        // The key is fixed: the server's answer is not checked beyond its status, so no fresh nonce is needed.
        byte[] request = http2 ? Http2SingleRequest.request(host, tls != null, webSocketPath) : (webSocketPath == null
                ? "GET " + (eventsPath == null ? "/plaintext" : eventsPath) + " HTTP/1.1\r\nHost: " + host
                        + "\r\nUser-Agent: wisp-bench\r\nAccept: " + (eventsPath == null ? "*/*" : "text/event-stream")
                        + "\r\n\r\n"
                : "GET " + webSocketPath + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: wisp-bench\r\n"
                        + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "") + "\r\n")
                .getBytes(US_ASCII);
        // A TLS handshake costs the client far more than the server's plaintext answer, so HTTPS connections are
        // opened by a few threads at once; plaintext ones one at a time, as before.
        List<Opener> openers = new ArrayList<>();
        for (int i = 0; i < (tls == null ? 1 : TLS_OPENERS); i++) {
            Opener opener = new Opener(address, request, count, start);
            opener.start();
            openers.add(opener);
        }
        int failed = 0;
        int responseBytes = 0;
        for (Opener opener : openers) {
            opener.join();
            failed += opener.failed;
            responseBytes = Math.max(responseBytes, opener.responseBytes);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        out.printf("ready opened=%d failed=%d response_bytes=%d millis=%d%n", channels.size(), failed,
                responseBytes, millis);
        out.flush();
    }

    /** One thread that opens connections until there are enough, or it fails too often, or time is up. */
    private final class Opener extends Thread {
        private final InetSocketAddress address;
        private final byte[] request;
        private final int count;
        private final long start;
        private int failed;
        private int responseBytes;

        Opener(InetSocketAddress address, byte[] request, int count, long start) {
            super("opener");
            this.address = address;
            this.request = request;
            this.count = count;
            this.start = start;
        }

        @Override
        public void run() {
            int failedInARow = 0;
            while (failedInARow < MAX_FAILURES_IN_A_ROW && System.nanoTime() - start < OPEN_LIMIT_NANOS) {
                int index;
                synchronized (channels) {
                    if (channels.size() + reserved >= count) {
                        return;
                    }
                    index = channels.size() + reserved++;
                }
                SocketChannel channel = null;
                try {
                    channel = SocketChannel.open();
                    channel.socket().connect(address, CONNECT_TIMEOUT_MILLIS);
                    channel.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
                    Socket socket = tls == null ? channel.socket() : handshake(channel, address.getPort(), index);
                    socket.getOutputStream().write(request);
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 512);
                    responseBytes = http2
                            ? Http2SingleRequest.readResponse(in, socket.getOutputStream(), webSocketPath != null)
                            : eventsPath != null ? readEventStreamStart(in)
                            : readResponse(in, webSocketPath != null, deflate);
                    if (message && webSocketPath != null) {
                        echoOneMessage(socket.getOutputStream(), in);
                    }
                    synchronized (channels) {
                        channels.add(channel);
                    }
                    failedInARow = 0;
                } catch (IOException e) {
                    failed++;
                    failedInARow++;
                    closeQuietly(channel);
                } finally {
                    synchronized (channels) {
                        reserved--;
                    }
                }
            }
        }
    }

    /** A TLS socket over the channel's, after a full handshake; closing it would not close the channel. */
    private SSLSocket handshake(SocketChannel channel, int port, int index) throws IOException {
        // The handshake's last flight and the request are separate writes: without this, Nagle's algorithm and
        // the server's delayed ACK stall each connection for tens of milliseconds.
        channel.socket().setTcpNoDelay(true);
        // The peer host is only the key of the client's session cache here: one name per connection, no reuse.
        SSLSocket socket = (SSLSocket) tls.createSocket(channel.socket(), "idle-" + index, port, false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of());
        if (http2) {
            parameters.setApplicationProtocols(new String[] {"h2"});
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.startHandshake();
        if (http2 && !"h2".equals(socket.getApplicationProtocol())) {
            throw new IOException("the server did not choose h2 by ALPN");
        }
        return socket;
    }

    /**
     * Reads one response and returns its size: a 200 with a Content-Length body, or for a WebSocket upgrade a 101,
     * which has no body; fails on any other status, or on a 101 that does not accept permessage-deflate when
     * {@code deflate} asks for it.
     */
    private static int readResponse(InputStream in, boolean upgrade, boolean deflate) throws IOException {
        String text = readHead(in, upgrade ? "HTTP/1.1 101 " : "HTTP/1.1 200 ");
        if (upgrade) {
            if (deflate && !text.toLowerCase(Locale.ROOT).contains("permessage-deflate")) {
                throw new IOException("the server did not accept permessage-deflate");
            }
            return text.length();
        }
        int contentLength = contentLength(text);
        in.readNBytes(contentLength);
        return text.length() + contentLength;
    }

    /** Reads a response head, up to its blank line, and checks that it starts with the status line given. */
    private static String readHead(InputStream in, String statusLineStart) throws IOException {
        byte[] head = new byte[MAX_HEAD_BYTES];
        int length = 0;
        while (length < 4 || !endsWithBlankLine(head, length)) {
            if (length == head.length) {
                throw new IOException("response head exceeds " + MAX_HEAD_BYTES + " bytes");
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head");
            }
            head[length++] = (byte) b;
        }
        String text = new String(head, 0, length, US_ASCII);
        if (!text.startsWith(statusLineStart)) {
            throw new IOException("unexpected status line: " + text.lines().findFirst().orElse(""));
        }
        return text;
    }

    /** Reads an event stream's head (200) and its first event, up to the blank line that ends it. */
    private static int readEventStreamStart(InputStream in) throws IOException {
        int length = readHead(in, "HTTP/1.1 200 ").length();
        StringBuilder event = new StringBuilder();
        while (event.length() < 2 || !event.substring(event.length() - 2).equals("\n\n")) {
            if (event.length() == MAX_HEAD_BYTES) {
                throw new IOException("no event within " + MAX_HEAD_BYTES + " bytes");
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the first event");
            }
            event.append((char) b);
        }
        return length + event.length();
    }

    /**
     * Sends a short text message, masked as a client must (RFC 6455 §5.3), and reads the echo's one frame, which
     * the server may have compressed: its payload is skipped, not checked.
     */
    private static void echoOneMessage(OutputStream out, InputStream in) throws IOException {
        byte[] key = {0x11, 0x22, 0x33, 0x44};
        byte[] text = "idle".getBytes(US_ASCII);
        byte[] frame = new byte[2 + key.length + text.length];
        frame[0] = (byte) 0x81; // FIN, text
        frame[1] = (byte) (0x80 | text.length);
        System.arraycopy(key, 0, frame, 2, key.length);
        for (int i = 0; i < text.length; i++) {
            frame[6 + i] = (byte) (text[i] ^ key[i & 3]);
        }
        out.write(frame);
        out.flush();
        int b0 = in.read();
        int length = in.read();
        if (b0 < 0 || length < 0 || (b0 & 0x0f) != 1 || length > 125) {
            throw new IOException("no short text frame echoed (" + b0 + ", " + length + ")");
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("connection closed inside the echo");
        }
    }

    private static boolean endsWithBlankLine(byte[] head, int length) {
        return head[length - 4] == '\r' && head[length - 3] == '\n' && head[length - 2] == '\r'
                && head[length - 1] == '\n';
    }

    private static int contentLength(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                return Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        throw new IOException("response has no Content-Length");
    }

    private void serve(BlockingQueue<String> commands, Selector selector, long deadline)
            throws IOException, InterruptedException {
        int closedByServer = 0;
        ByteBuffer scratch = ByteBuffer.allocate(1024);
        while (true) {
            String command = commands.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (command == null || command.equals("quit")) {
                return;
            }
            if (command.equals("check")) {
                closedByServer += reapClosed(selector, scratch);
                out.printf("open %d%n", channels.size() - closedByServer);
                out.flush();
            }
        }
    }

    /** Counts and cancels the connections that reached end of stream; stray bytes are read and dropped. */
    private static int reapClosed(Selector selector, ByteBuffer scratch) throws IOException {
        int closed = 0;
        selector.selectNow();
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel channel = (SocketChannel) key.channel();
            scratch.clear();
            int read;
            try {
                read = channel.read(scratch);
            } catch (IOException e) {
                read = -1;
            }
            if (read < 0) {
                key.cancel();
                closed++;
            }
        }
        selector.selectedKeys().clear();
        return closed;
    }

    /** Stdin lines go to a queue; end of stdin becomes {@code quit}. */
    private static BlockingQueue<String> readCommands() {
        BlockingQueue<String> commands = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, US_ASCII))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    commands.add(line.trim());
                }
            } catch (IOException e) {
                // Unreadable stdin means the harness is gone: treat it as end of input.
            }
            commands.add("quit");
        }, "stdin-reader");
        reader.setDaemon(true);
        reader.start();
        return commands;
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Already failing this connection; the close error adds nothing.
        }
    }
}
