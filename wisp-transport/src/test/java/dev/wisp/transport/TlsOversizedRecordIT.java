package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * A peer that opens with a record header claiming more bytes than a record buffer holds (18,687 here, against
 * about 16.7 KiB), then sends that much: the handshake fails at once, on either side. It used to spin for good,
 * a read into a full buffer returning nothing, and the unwrap asking for more again: one core per such connection,
 * for a few bytes, before any handshake, past every timeout.
 */
class TlsOversizedRecordIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    /** A handshake record (22), TLS 1.0 on the wire, of 0x48ff = 18,687 bytes. */
    private static final byte[] OVERSIZED_HEADER = {0x16, 0x03, 0x01, 0x48, (byte) 0xff};

    @Test
    void aServerFailsTheHandshakeOfAnOversizedFirstRecord() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SSLContext context = TestTls.serverContext();
            try (ServerSocketChannel listener = ServerSocketChannel.open()
                    .bind(new InetSocketAddress("127.0.0.1", 0));
                    Socket peer = new Socket("127.0.0.1", ((InetSocketAddress) listener.getLocalAddress()).getPort());
                    SocketChannel channel = listener.accept()) {
                sendOversizedRecord(peer);
                SSLEngine engine = context.createSSLEngine();
                engine.setUseClientMode(false);
                Transport transport = TlsTransport.of(channel, engine, TlsBuffers.forContext(context, 4),
                        WRITE_TIMEOUT);
                assertThrows(IOException.class, transport::handshake);
            }
        });
    }

    @Test
    void aClientFailsTheHandshakeOfAnOversizedFirstRecord() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SSLContext context = TestTls.clientContext();
            try (ServerSocketChannel listener = ServerSocketChannel.open()
                    .bind(new InetSocketAddress("127.0.0.1", 0));
                    SocketChannel channel = SocketChannel.open(listener.getLocalAddress());
                    Socket peer = listener.accept().socket()) {
                sendOversizedRecord(peer);
                SSLEngine engine = context.createSSLEngine("localhost", 443);
                engine.setUseClientMode(true);
                Transport transport = TlsTransport.of(channel, engine, TlsBuffers.forContext(context, 4),
                        WRITE_TIMEOUT);
                assertThrows(IOException.class, transport::handshake);
            }
        });
    }

    private static void sendOversizedRecord(Socket peer) throws IOException {
        OutputStream out = peer.getOutputStream();
        out.write(OVERSIZED_HEADER);
        byte[] body = new byte[0x48ff];
        body[0] = 0x01; // a ClientHello's type, then zeros
        out.write(body);
        out.flush();
    }
}
