package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.testing.PeerTools;
import dev.wisp.transport.PlainTransport;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our client-role session against node's {@code ws} echo server ({@code ../shared/conformance/ws-echo.js}), after
 * a hand-written HTTP upgrade over a raw socket, with and without permessage-deflate. {@code bin/test} installs
 * {@code ws} into {@code /tmp/wspeer} (or {@code WISP_NODE_MODULES}).
 */
class NodeWsIT {
    /** The repository's sibling folder {@code shared}, seen from this module's folder, where tests run. */
    private static final Path ECHO = Path.of("../../shared/conformance/ws-echo.js");
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder().maxMessageBytes(4 << 20)
            .maxFrameBytes(4 << 20).build();

    private Process node;

    @AfterEach
    void stopNode() throws InterruptedException {
        if (node != null) {
            node.destroy();
            node.waitFor();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void echoesThroughNodeWs(boolean deflate) {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port = startEcho(deflate);
            WebSocketConfig config = CONFIG.toBuilder().permessageDeflate(deflate).build();
            WebSocketSession client = connect(port, config);
            client.sendText("hello ☃");
            assertEquals(Optional.of(new WebSocketMessage.Text("hello ☃")), client.receive());
            byte[] big = new byte[1 << 20];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 7 / 1000);
            }
            for (int round = 0; round < 3; round++) {
                client.sendBinary(big);
                assertArrayEquals(big, ((WebSocketMessage.Binary) client.receive().orElseThrow()).bytes());
            }
            try (OutputStream stream = client.binaryStream()) {
                for (int i = 0; i < 5; i++) {
                    stream.write(big, i * 1000, 1000);
                    stream.flush();
                }
            }
            assertEquals(5000, ((WebSocketMessage.Binary) client.receive().orElseThrow()).bytes().length);
            client.sendText("");
            assertEquals(Optional.of(new WebSocketMessage.Text("")), client.receive());
            client.close(1000, "done");
            assertEquals(Optional.empty(), client.receive());
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void agreesOnPermessageDeflateOnlyWhenBothOfferIt(boolean serverDeflate) throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port = startEcho(serverDeflate);
            Agreement agreement = handshake(port, CONFIG.toBuilder().permessageDeflate(true).build()).agreement;
            assertEquals(serverDeflate, agreement.deflate().isPresent());
        });
    }

    private record Upgraded(PlainTransport transport, WireInput input, Agreement agreement) {
    }

    private static WebSocketSession connect(int port, WebSocketConfig config) throws IOException {
        Upgraded upgraded = handshake(port, config);
        return new WebSocketSession("node", upgraded.transport, upgraded.input, SocketPair.POOL, Role.CLIENT, config,
                upgraded.agreement, null);
    }

    private static Upgraded handshake(int port, WebSocketConfig config) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        PlainTransport transport = PlainTransport.of(channel, Duration.ofSeconds(10).toNanos());
        ClientHandshake handshake = ClientHandshake.start(config);
        StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        handshake.requestHeaders().forEach((name, value) -> request.append(name).append(": ").append(value)
                .append("\r\n"));
        WireOutput out = WireOutput.of(transport.output(), SocketPair.POOL);
        out.writeLatin1(request.append("\r\n").toString());
        out.flush();
        WireInput in = WireInput.of(transport.input(), SocketPair.POOL);
        return new Upgraded(transport, in, handshake.check(readHead(in)));
    }

    /** Reads a response head line by line, leaving whatever follows it in the input. */
    private static ResponseHead readHead(WireInput in) throws IOException {
        String statusLine = readLine(in);
        Headers.Builder headers = Headers.builder();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.add(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return new ResponseHead(Version.HTTP_1_1, Status.of(Integer.parseInt(statusLine.substring(9, 12))),
                headers.build());
    }

    private static String readLine(WireInput in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.readByte(); b != '\n'; b = in.readByte()) {
            if (b < 0 || line.length() > 8192) {
                throw new IOException("no response head: " + Ascii.escape(line));
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private int startEcho(boolean deflate) throws IOException {
        String nodeBinary = PeerTools.require("node").toString();
        Assumptions.assumeTrue(Files.isRegularFile(ECHO), ECHO.toAbsolutePath() + " is missing");
        Path modules = Path.of(System.getenv().getOrDefault("WISP_NODE_MODULES", "/tmp/wspeer/node_modules"));
        if (!Files.isDirectory(modules.resolve("ws"))) {
            String message = "node module 'ws' is not in " + modules + " (bin/test installs it)";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        // ws-echo.js takes a fixed port: one from the range kept for such peers, free at the moment.
        int port = freePort();
        List<String> command = deflate ? List.of(nodeBinary, ECHO.toString(), String.valueOf(port), "/ws", "--deflate")
                : List.of(nodeBinary, ECHO.toString(), String.valueOf(port), "/ws");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("NODE_PATH", modules.toString());
        node = builder.start();
        BufferedReader output = new BufferedReader(new InputStreamReader(node.getInputStream(),
                StandardCharsets.UTF_8));
        String line = output.readLine();
        if (line == null || !line.contains("echo on ws://127.0.0.1:" + port)) {
            throw new IOException("node ws echo did not start: " + line);
        }
        return port;
    }

    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = 19500 + ThreadLocalRandom.current().nextInt(500);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 19500-19999");
    }
}
