package dev.wisp.client.internal;

import dev.wisp.client.Credentials;
import dev.wisp.client.Origin;
import dev.wisp.client.ProxyConfig;
import dev.wisp.client.SocksProxyException;
import dev.wisp.client.SocksProxyException.Failure;
import java.io.ByteArrayOutputStream;
import dev.wisp.transport.StreamSocket;
import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Opens a connection to an origin through a SOCKS5 proxy (RFC 1928) on a freshly connected socket: offers the
 * no-authentication method, and username/password (RFC 1929) when the proxy has credentials, then sends
 * {@code CONNECT} with the origin's address (or its name, for {@code socks5h}) and reads the reply to its last
 * byte, so that what follows on the socket is the origin's. Each failure is a {@link SocksProxyException}. Runs on
 * the calling thread, before the connection has a transport; reads are bounded by the deadline.
 */
final class SocksTunnel {
    private static final int VERSION = 5;
    private static final int NO_AUTHENTICATION = 0x00;
    private static final int USERNAME_PASSWORD = 0x02;
    private static final int NO_ACCEPTABLE_METHODS = 0xFF;
    private static final int CONNECT = 0x01;
    private static final int IPV4 = 0x01;
    private static final int DOMAIN_NAME = 0x03;
    private static final int IPV6 = 0x04;

    private SocksTunnel() {
    }

    /**
     * @param address the origin's address, resolved by the client; null to send its name ({@code socks5h})
     * @throws SocksProxyException if the proxy refuses or breaks the protocol
     * @throws SocketTimeoutException if it does not answer by the deadline
     */
    static void open(StreamSocket socket, Origin origin, InetAddress address, ProxyConfig proxy, long deadline)
            throws IOException {
        String target = origin.host() + ":" + origin.port() + " through " + proxy;
        Credentials credentials = proxy.credentials().orElse(null);
        // RFC 1928 §3: +----+----------+----------+
        //              |VER | NMETHODS | METHODS  |
        //              | 5  |    1     | 1 to 255 |
        TunnelIo.write(socket, credentials == null ? new byte[] {VERSION, 1, NO_AUTHENTICATION}
                : new byte[] {VERSION, 2, NO_AUTHENTICATION, USERNAME_PASSWORD});
        // +----+--------+
        // |VER | METHOD |
        byte[] choice = read(socket, 2, deadline);
        if (choice[0] != VERSION) {
            throw protocolError(target, "the answer to the greeting is not version 5 but " + (choice[0] & 0xFF));
        }
        int method = choice[1] & 0xFF;
        if (method == NO_ACCEPTABLE_METHODS) {
            throw new SocksProxyException(Failure.NO_ACCEPTABLE_METHOD, -1, "CONNECT to " + target + (credentials
                    == null ? " (it may want credentials, none were given)" : ""));
        }
        if (method == USERNAME_PASSWORD && credentials != null) {
            authenticate(socket, credentials, target, deadline);
        } else if (method != NO_AUTHENTICATION) {
            throw protocolError(target, "it chose method " + method + ", which was not offered");
        }
        TunnelIo.write(socket, request(origin, address, target));
        readReply(socket, target, deadline);
    }

    /** RFC 1929 §2: the sub-negotiation, version 1; any status but 0 is a refusal. */
    private static void authenticate(StreamSocket socket, Credentials credentials, String target, long deadline)
            throws IOException {
        // +----+------+----------+------+----------+
        // |VER | ULEN |  UNAME   | PLEN |  PASSWD  |
        // | 1  |  1   | 1 to 255 |  1   | 1 to 255 |
        byte[] user = credentials.user().getBytes(StandardCharsets.UTF_8);
        byte[] password = credentials.secret().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(user.length);
        out.writeBytes(user);
        out.write(password.length);
        out.writeBytes(password);
        TunnelIo.write(socket, out.toByteArray());
        // +----+--------+
        // |VER | STATUS |
        byte[] status = read(socket, 2, deadline);
        if (status[0] != 1) {
            throw protocolError(target, "the answer to the credentials is not version 1 but " + (status[0] & 0xFF));
        }
        if (status[1] != 0) {
            throw new SocksProxyException(Failure.AUTHENTICATION_REFUSED, status[1] & 0xFF, "CONNECT to " + target
                    + " as user '" + credentials.user() + "'");
        }
    }

    /**
     * RFC 1928 §4: <pre>
     * +----+-----+-------+------+----------+----------+
     * |VER | CMD |  RSV  | ATYP | DST.ADDR | DST.PORT |
     * | 5  |  1  | X'00' |  1   | Variable |    2     |
     * </pre>
     * An address is 4 or 16 bytes; a name is a length byte and the name.
     */
    private static byte[] request(Origin origin, InetAddress address, String target) throws SocksProxyException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {VERSION, CONNECT, 0});
        InetAddress literal = address != null ? address : literal(origin.host());
        if (literal != null) {
            out.write(literal instanceof Inet4Address ? IPV4 : IPV6);
            out.writeBytes(literal.getAddress());
        } else {
            byte[] name = origin.host().getBytes(StandardCharsets.US_ASCII);
            if (name.length > 255) {
                throw protocolError(target, "the host name is longer than the 255 bytes SOCKS5 allows");
            }
            out.write(DOMAIN_NAME);
            out.write(name.length);
            out.writeBytes(name);
        }
        out.write(origin.port() >> 8);
        out.write(origin.port() & 0xFF);
        return out.toByteArray();
    }

    /** The host as an address if it is an IP literal (which needs no lookup), else null. */
    private static InetAddress literal(String host) {
        boolean ipv4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!ipv4 && host.indexOf(':') < 0) {
            return null;
        }
        try {
            // A literal is parsed, never looked up.
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * RFC 1928 §6, read to its last byte: <pre>
     * +----+-----+-------+------+----------+----------+
     * |VER | REP |  RSV  | ATYP | BND.ADDR | BND.PORT |
     * | 5  |  1  | X'00' |  1   | Variable |    2     |
     * </pre>
     */
    private static void readReply(StreamSocket socket, String target, long deadline)
            throws IOException {
        byte[] head = read(socket, 4, deadline);
        if (head[0] != VERSION) {
            throw protocolError(target, "the reply is not version 5 but " + (head[0] & 0xFF));
        }
        int reply = head[1] & 0xFF;
        if (reply != 0) {
            throw new SocksProxyException(Failure.ofReply(reply), reply, "CONNECT to " + target);
        }
        int addressBytes = switch (head[3]) {
            case IPV4 -> 4;
            case IPV6 -> 16;
            case DOMAIN_NAME -> read(socket, 1, deadline)[0] & 0xFF;
            default -> throw protocolError(target, "the reply has address type " + (head[3] & 0xFF));
        };
        read(socket, addressBytes + 2, deadline);
    }

    private static SocksProxyException protocolError(String target, String what) {
        return new SocksProxyException(Failure.PROTOCOL_ERROR, -1, "CONNECT to " + target + ": " + what);
    }

    /** Exactly this many bytes, each read waiting no later than the deadline. */
    private static byte[] read(StreamSocket socket, int count, long deadline) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(count);
        while (bytes.hasRemaining()) {
            if (TunnelIo.read(socket, bytes, deadline, "SOCKS5 proxy did not answer in time") < 0) {
                throw new EOFException("SOCKS5 proxy closed the connection after " + bytes.position() + " of "
                        + count + " bytes it owed");
            }
        }
        return bytes.array();
    }
}
