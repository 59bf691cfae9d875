package dev.wisp.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that plays a fixed script on each connection it accepts, for the misbehaviour real servers
 * will not produce on demand: stalls, truncated bodies, resets, a keep-alive connection closed after reading a
 * request. Records every request head it read.
 */
final class ScriptedServer implements AutoCloseable {
    /** What the server does on one connection; {@code index} counts connections from 0. */
    interface Script {
        void play(Socket socket, int index, ScriptedServer self) throws Exception;
    }

    private final ServerSocket listener;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger playing = new AtomicInteger();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private ScriptedServer(Script script) throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    sockets.add(socket);
                    int index = accepted.getAndIncrement();
                    playing.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            script.play(socket, index, this);
                        } catch (Exception e) {
                            // the client closed first; the test checks what the client saw
                        } finally {
                            playing.decrementAndGet();
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    static ScriptedServer start(Script script) throws IOException {
        return new ScriptedServer(script);
    }

    int port() {
        return listener.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    int connections() {
        return accepted.get();
    }

    /** The connections whose script is still playing: those neither side has closed yet, for a script that reads on. */
    int openConnections() {
        return playing.get();
    }

    /** The request heads read so far, in order, each without its final empty line. */
    List<String> heads() {
        return heads;
    }

    /** Reads a request head up to its empty line, records it and returns it. */
    String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("client closed");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1).strip();
        heads.add(text);
        return text;
    }

    static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
