package dev.wisp.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's side of a WebSocket upgrade written from RFC 6455 §4.2.2, not with Wisp's handshake code: reads the
 * client's request head on an accepted socket and answers 101 with the accept value of its key. What the socket
 * carries next is the test's script.
 */
final class ScriptedWebSocketServer {
    private static final Pattern KEY = Pattern.compile("(?i)Sec-WebSocket-Key: *(\\S+)");

    private ScriptedWebSocketServer() {
    }

    /** Reads the upgrade request on the socket and answers it with 101 Switching Protocols. */
    static void answerUpgrade(Socket socket) throws IOException {
        answerUpgrade(socket, "");
    }

    /** Answers the upgrade with 101 and these further header lines, each ending in CRLF (an extension agreed). */
    static void answerUpgrade(Socket socket, String headerLines) throws IOException {
        String head = readHead(socket.getInputStream());
        socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(head) + "\r\n" + headerLines + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** The Sec-WebSocket-Accept value that answers the key of this request head (RFC 6455 §4.2.2, item 5.4). */
    static String accept(String requestHead) throws IOException {
        Matcher key = KEY.matcher(requestHead);
        if (!key.find()) {
            throw new IOException("no Sec-WebSocket-Key in " + requestHead);
        }
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest((key.group(1)
                    + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a request head up to its empty line. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request head ended early: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
