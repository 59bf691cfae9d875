package dev.wisp.client;

import static dev.wisp.testing.ScriptedWebSocketPeer.BINARY;
import static dev.wisp.testing.ScriptedWebSocketPeer.CLOSE;
import static dev.wisp.testing.ScriptedWebSocketPeer.CONTINUATION;
import static dev.wisp.testing.ScriptedWebSocketPeer.PING;
import static dev.wisp.testing.ScriptedWebSocketPeer.PONG;
import static dev.wisp.testing.ScriptedWebSocketPeer.TEXT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.FuzzBytes;
import dev.wisp.testing.PeerDeflater;
import dev.wisp.testing.PeerInflater;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.testing.ScriptedWebSocketPeer.Frame;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the Autobahn catalogue's fuzzing server probes in a client that echoes every message, written as our own: a
 * scripted server on a real loopback socket answers the upgrade, sends frames (unmasked, as a server does) and reads
 * the client's (masked) frames back. Pings are answered with their payloads, in order, and unsolicited pongs with
 * nothing (2); pings among the fragments of a message are answered before it ends (5.19); text that turns invalid
 * UTF-8 is failed with 1007 at that byte, inside a frame whose rest never comes (6.4); reserved bits and opcodes after
 * an echo get 1002 and no pong (3, 4); frames after the server's close are not answered (7.1), a close code that may
 * not be sent gets 1002 and a valid one is echoed (7.7, 7.9); messages up to the 1 MiB default arrive in frames large
 * and small and one byte more gets 1009 (9); compressed messages are echoed with the windows the server's
 * permessage-deflate answer set (12, 13).
 */
class WebSocketClientCasesIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final int DEFAULT_LIMIT = WebSocketConfig.defaults().maxMessageBytes();

    /** The server's side of one test, played on the socket after the 101 was sent. */
    interface Script {
        void play(ServerSide server) throws IOException;
    }

    /** The accepted socket: frames written unmasked, as a server's, and the client's frames read. */
    record ServerSide(Socket socket, InputStream in, OutputStream out) {
        void write(byte[]... parts) throws IOException {
            out.write(FuzzBytes.concat(parts));
            out.flush();
        }

        Frame read() throws IOException {
            return ScriptedWebSocketPeer.read(in);
        }

        /** Sends a close with 1000 and expects the client's 1000 back. */
        void closeNormally() throws IOException {
            write(closeFrame(1000));
            assertEquals(1000, read().closeCode());
        }

        /** Fails if the client sends a byte within the wait; the end of its stream is silence too. */
        void assertSilentFor(Duration wait) throws IOException {
            socket.setSoTimeout((int) wait.toMillis());
            try {
                int b = in.read();
                if (b >= 0) {
                    throw new AssertionError("the client sent a byte " + b);
                }
            } catch (SocketTimeoutException e) {
                // nothing came, as it should
            } finally {
                socket.setSoTimeout(10_000);
            }
        }
    }

    @Test
    void answersPingsBetweenFragmentsBeforeTheMessageEndsAndEchoesIt() {
        converse(WebSocketConfig.defaults(), server -> {
            server.write(frame(false, TEXT, "fragment1"), frame(false, CONTINUATION, "fragment2"),
                    frame(true, PING, "pongme 1!"));
            assertFrame(PONG, "pongme 1!", server.read());
            server.write(frame(false, CONTINUATION, "fragment3"), frame(true, PING, "pongme 2!"),
                    frame(true, PONG, "unsolicited"), frame(true, CONTINUATION, "fragment4"));
            assertFrame(PONG, "pongme 2!", server.read());
            assertFrame(TEXT, "fragment1fragment2fragment3fragment4", server.read());
            server.closeNormally();
        });
    }

    @Test
    void answersEachPingWithItsPayloadInOrderAndUnsolicitedPongsWithNothing() {
        byte[] fe125 = new byte[125];
        Arrays.fill(fe125, (byte) 0xfe);
        byte[][] payloads = {new byte[0], "Hello, world!".getBytes(UTF_8), HexFormat.of().parseHex("00fffefdfcfb00ff"),
            fe125};
        converse(WebSocketConfig.defaults(), server -> {
            server.write(frame(true, PONG, ""), frame(true, PONG, "unsolicited pong payload"));
            for (byte[] payload : payloads) {
                server.write(ScriptedWebSocketPeer.frame(true, 0, PING, payload, false));
                assertPong(payload, server.read());
            }
            byte[] tenPings = new byte[0];
            for (int i = 0; i < 10; i++) {
                tenPings = FuzzBytes.concat(tenPings, frame(true, PING, "payload-" + i));
            }
            for (byte b : tenPings) {
                server.write(new byte[] {b}); // octet by octet
            }
            for (int i = 0; i < 10; i++) {
                assertPong(("payload-" + i).getBytes(UTF_8), server.read());
            }
            server.closeNormally();
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a second close", "a ping", "a text"})
    void answersTheServersCloseWith1000AndNothingThatFollowsIt(String what) {
        byte[] after = switch (what) {
            case "a second close" -> closeFrame(1000);
            case "a ping" -> frame(true, PING, "after the close");
            default -> frame(true, TEXT, "after the close");
        };
        converse(WebSocketConfig.defaults(), server -> {
            server.write(closeFrame(1000), after);
            assertEquals(1000, server.read().closeCode());
            server.assertSilentFor(Duration.ofMillis(300));
        });
    }

    @ParameterizedTest(name = "one frame: {0}")
    @ValueSource(booleans = {false, true})
    void failsTextWith1007AtTheByteThatMakesItInvalid(boolean oneFrame) {
        byte[] valid = HexFormat.of().parseHex("cebae1bdb9cf83cebcceb5");
        byte[] invalid = HexFormat.of().parseHex("f4908080");
        converse(WebSocketConfig.defaults(), server -> {
            if (oneFrame) {
                byte[] frame = ScriptedWebSocketPeer.frame(true, 0, TEXT, FuzzBytes.concat(valid, invalid,
                        "edited".getBytes(UTF_8)), false);
                server.write(Arrays.copyOf(frame, 2 + valid.length));
                server.assertSilentFor(Duration.ofMillis(200));
                server.write(Arrays.copyOfRange(frame, 2 + valid.length, 2 + valid.length + 2));
            } else {
                server.write(ScriptedWebSocketPeer.frame(false, 0, TEXT, valid, false));
                server.assertSilentFor(Duration.ofMillis(200));
                server.write(Arrays.copyOf(ScriptedWebSocketPeer.frame(false, 0, CONTINUATION, invalid, false), 4));
            }
            assertEquals(1007, server.read().closeCode(), "without the rest of the frame");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RSV 1", "RSV 2", "RSV 7 on a ping", "opcode 5", "opcode 13", "a fragmented pong",
        "a continuation with nothing to continue", "a text inside a fragmented text"})
    void echoesUntilABrokenFrameThenFailsWith1002AndAnswersNoLaterPing(String what) {
        byte[] broken = switch (what) {
            case "RSV 1" -> ScriptedWebSocketPeer.frame(true, 4, TEXT, new byte[] {'x'}, false);
            case "RSV 2" -> ScriptedWebSocketPeer.frame(true, 2, TEXT, new byte[] {'x'}, false);
            case "RSV 7 on a ping" -> ScriptedWebSocketPeer.frame(true, 7, PING, new byte[0], false);
            case "opcode 5" -> ScriptedWebSocketPeer.frame(true, 0, 5, new byte[0], false);
            case "opcode 13" -> ScriptedWebSocketPeer.frame(true, 0, 13, new byte[] {'x'}, false);
            case "a fragmented pong" -> FuzzBytes.concat(frame(false, PONG, "a"), frame(true, CONTINUATION, "b"));
            case "a continuation with nothing to continue" -> frame(false, CONTINUATION, "a");
            default -> FuzzBytes.concat(frame(false, TEXT, "a"), frame(true, TEXT, "b"));
        };
        converse(WebSocketConfig.defaults(), server -> {
            server.write(frame(true, TEXT, "Hello, world!"));
            assertFrame(TEXT, "Hello, world!", server.read());
            server.write(broken, frame(true, PING, "after"));
            Frame next = server.read();
            assertEquals(CLOSE, next.opcode(), what + ": a close frame, before any pong");
            assertEquals(1002, next.closeCode(), what);
        });
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void answersACloseCodeThatMayNotBeSentWith1002(int code) {
        converse(WebSocketConfig.defaults(), server -> {
            server.write(closeFrame(code));
            assertEquals(1002, server.read().closeCode());
        });
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
    void echoesAValidCloseCode(int code) {
        converse(WebSocketConfig.defaults(), server -> {
            server.write(closeFrame(code));
            assertEquals(code, server.read().closeCode());
        });
    }

    @ParameterizedTest(name = "frames of {0} bytes")
    @ValueSource(ints = {64, 65_536})
    void receivesAMessageOfTheDefaultLimitAndFailsOneByteMoreWith1009(int frameBytes) {
        byte[] message = new byte[DEFAULT_LIMIT];
        Arrays.fill(message, (byte) 0xfe);
        converse(WebSocketConfig.defaults(), server -> {
            server.write(fragments(BINARY, message, frameBytes));
            Frame echo = server.read();
            assertEquals(BINARY, echo.opcode());
            assertArrayEquals(message, echo.payload());
            server.write(fragments(BINARY, new byte[DEFAULT_LIMIT + 1], frameBytes));
            assertEquals(1009, server.read().closeCode());
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"permessage-deflate", "permessage-deflate; server_max_window_bits=15",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
        "permessage-deflate; client_max_window_bits=9"})
    void echoesCompressedMessagesWithTheWindowsTheServerAnswered(String answer) {
        WebSocketConfig config = WebSocketConfig.builder().permessageDeflate(true).build();
        converse(config, "Sec-WebSocket-Extensions: " + answer + "\r\n", server -> {
            PeerDeflater out = new PeerDeflater(answer.contains("server_no_context_takeover"));
            PeerInflater in = new PeerInflater(answer.contains("client_no_context_takeover"));
            Random random = new Random(FuzzBytes.SEED);
            for (int frameBytes : new int[] {Integer.MAX_VALUE, 256}) {
                for (int size : new int[] {16, 1024, 16_384, 131_072}) {
                    byte[] message = PeerDeflater.sampleText(random, size);
                    for (int opcode : new int[] {TEXT, BINARY}) {
                        server.write(ScriptedWebSocketPeer.fragments(opcode, 4, out.compress(message), frameBytes,
                                false));
                        Frame echo = server.read();
                        assertEquals(opcode, echo.opcode());
                        assertEquals(4, echo.rsv(), "RSV1: compressed");
                        if (answer.contains("client_max_window_bits=9") && size >= 1024) {
                            // Literals only, at some 5 bits a character; back-references would make far less.
                            assertTrue(echo.payload().length > size * 4 / 10, echo.payload().length + " bytes");
                        }
                        try {
                            assertArrayEquals(message, in.inflate(echo.payload()), size + " bytes");
                        } catch (DataFormatException e) {
                            throw new AssertionError("the echo of " + size + " bytes does not inflate", e);
                        }
                    }
                }
            }
            server.closeNormally();
        });
    }

    /**
     * Plays the script against a client that echoes every message it receives until the connection ends, and checks
     * that the client's side ended, all within {@link #LIMIT}.
     */
    static void converse(WebSocketConfig config, Script script) {
        converse(config, "", script);
    }

    /** As {@link #converse(WebSocketConfig, Script)}, the 101 carrying these header lines. */
    static void converse(WebSocketConfig config, String headerLines, Script script) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create()) {
                CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                    try (Socket socket = listener.accept()) {
                        socket.setSoTimeout(10_000);
                        ScriptedWebSocketServer.answerUpgrade(socket, headerLines);
                        script.play(new ServerSide(socket, socket.getInputStream(), socket.getOutputStream()));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/",
                        config)) {
                    echo(webSocket);
                }
                server.get(15, TimeUnit.SECONDS);
            }
        });
    }

    /** Echoes until the peer closes or the connection fails: what a client under the catalogue's tests does. */
    private static void echo(WebSocket webSocket) {
        try {
            for (Optional<WebSocketMessage> m = webSocket.receive(); m.isPresent(); m = webSocket.receive()) {
                switch (m.get()) {
                    case WebSocketMessage.Text text -> webSocket.sendText(text.text());
                    case WebSocketMessage.Binary binary -> webSocket.sendBinary(binary.bytes());
                }
            }
        } catch (IOException e) {
            // a failed connection: what the client sent about it is the script's to check
        }
    }

    private static byte[] closeFrame(int code) {
        return ScriptedWebSocketPeer.frame(true, 0, CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, false);
    }

    static byte[] frame(boolean fin, int opcode, String payload) {
        return ScriptedWebSocketPeer.frame(fin, 0, opcode, payload.getBytes(UTF_8), false);
    }

    /** The message as a server's (unmasked) frames of at most {@code frameBytes} each. */
    static byte[] fragments(int opcode, byte[] message, int frameBytes) {
        return ScriptedWebSocketPeer.fragments(opcode, 0, message, frameBytes, false);
    }

    private static void assertPong(byte[] payload, Frame frame) {
        assertEquals(PONG, frame.opcode(), "a pong");
        assertTrue(frame.masked(), "a client's frames are masked");
        assertArrayEquals(payload, frame.payload());
    }

    static void assertFrame(int opcode, String payload, Frame frame) {
        assertEquals(opcode, frame.opcode(), "opcode");
        assertTrue(frame.fin(), "a whole message");
        assertTrue(frame.masked(), "a client's frames are masked");
        assertEquals(payload, frame.text());
    }
}
