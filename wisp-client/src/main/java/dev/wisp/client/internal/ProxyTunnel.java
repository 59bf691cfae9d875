package dev.wisp.client.internal;

import dev.wisp.client.ConnectFailedException;
import dev.wisp.client.Origin;
import dev.wisp.client.ProxyAuthenticationException;
import dev.wisp.client.ProxyConfig;
import dev.wisp.client.ProxyTunnelRefusedException;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.WireInput;
import dev.wisp.http1.Http1Limits;
import dev.wisp.http1.Http1ResponseReader;
import dev.wisp.transport.StreamSocket;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Opens a {@code CONNECT} tunnel through an HTTP proxy (RFC 9110 §9.3.6) on a freshly connected socket: sends the
 * request, reads the proxy's response head a byte at a time (so nothing of the tunnel is read ahead), and accepts
 * only a 2xx; a 407 is a {@link ProxyAuthenticationException} carrying the head, another status a
 * {@link ProxyTunnelRefusedException}. Runs on the calling thread, before the connection has a transport.
 */
final class ProxyTunnel {
    /** The most a proxy's answer to CONNECT may take up. */
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private ProxyTunnel() {
    }

    /**
     * @return the proxy's 2xx answer
     * @throws ConnectFailedException if the proxy refuses (the status line says why) or breaks the protocol
     * @throws SocketTimeoutException if it does not answer by the deadline
     */
    static ResponseHead open(StreamSocket socket, Origin origin, ProxyConfig proxy, long deadline) throws IOException {
        String authority = (origin.host().indexOf(':') >= 0 ? "[" + origin.host() + "]" : origin.host()) + ":"
                + origin.port();
        StringBuilder request = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        proxy.authorization().ifPresent(value -> request.append("Proxy-Authorization: ").append(value).append("\r\n"));
        TunnelIo.write(socket, request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        byte[] head = readHead(socket, deadline);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String statusLine = text.substring(0, text.indexOf('\n')).strip();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new ConnectFailedException("proxy " + proxy.host() + ":" + proxy.port() + " answered CONNECT with '"
                    + shown(statusLine) + "'", null);
        }
        // A CONNECT is the proxy's own request, so a 401 to it can only be the proxy's too: tinyproxy answers
        // credentials it refuses with 401 rather than 407.
        if (parts[1].equals("407") || parts[1].equals("401")) {
            throw new ProxyAuthenticationException(proxy, parse(head, proxy), proxy.hasCredentials());
        }
        if (parts[1].charAt(0) != '2') {
            throw new ProxyTunnelRefusedException("proxy " + proxy.host() + ":" + proxy.port()
                    + " refused CONNECT to " + authority + ": " + shown(statusLine.substring(parts[0].length() + 1)),
                    Integer.parseInt(parts[1]));
        }
        return parse(head, proxy);
    }

    /** At most 64 characters of the proxy's text, control characters escaped. */
    private static String shown(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** The proxy's answer as a response head, by the client's own HTTP/1.1 codec. */
    private static ResponseHead parse(byte[] head, ProxyConfig proxy) throws ConnectFailedException {
        try {
            return new Http1ResponseReader(new Http1Limits(MAX_HEAD_BYTES, MAX_HEAD_BYTES, 100, 1024))
                    .readHead(WireInput.of(head));
        } catch (IOException e) {
            throw new ConnectFailedException("proxy " + proxy.host() + ":" + proxy.port()
                    + " answered CONNECT with a malformed head: " + e.getMessage(), e);
        }
    }

    /** Reads up to the blank line that ends the head, a byte at a time; returns the whole head. */
    private static byte[] readHead(StreamSocket socket, long deadline) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        int newlines = 0;
        while (newlines < 2) {
            one.clear();
            if (TunnelIo.read(socket, one, deadline, "proxy did not answer CONNECT in time") < 0) {
                throw new EOFException("proxy closed the connection before answering CONNECT");
            }
            if (head.size() >= MAX_HEAD_BYTES) {
                throw new ConnectFailedException("proxy's answer to CONNECT exceeds " + MAX_HEAD_BYTES
                        + " bytes", null);
            }
            int b = one.get(0);
            head.write(b);
            newlines = b == '\n' ? newlines + 1 : b == '\r' ? newlines : 0;
        }
        return head.toByteArray();
    }
}
