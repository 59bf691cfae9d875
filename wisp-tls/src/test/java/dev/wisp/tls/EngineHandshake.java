package dev.wisp.tls;

import java.nio.ByteBuffer;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Runs a handshake between two engines in memory, passing records back and forth, then delivers what is still in
 * flight (TLS 1.3 session tickets). Bounded: fails after a fixed number of rounds.
 */
final class EngineHandshake {
    private static final int MAX_ROUNDS = 200;

    private final ByteBuffer clientToServer = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer serverToClient = ByteBuffer.allocate(1 << 17);

    /** The facts of each side after the handshake. */
    record Result(TlsSessionInfo client, TlsSessionInfo server) {
    }

    static Result run(TlsContext clientContext, TlsContext serverContext, String host) throws SSLException {
        SSLEngine client = clientContext.newClientEngine(host, 443);
        SSLEngine server = serverContext.newServerEngine();
        Instant started = Instant.now();
        new EngineHandshake().pump(client, server);
        Result result = new Result(clientContext.handshakeCompleted(client, started),
                serverContext.handshakeCompleted(server, started));
        // The connection ends here: the contexts hear of it, as a transport's close tells them.
        clientContext.connectionClosed(client.getSession());
        serverContext.connectionClosed(server.getSession());
        return result;
    }

    /** A handshake against a server engine made without Wisp, to present what Wisp's configuration refuses. */
    static TlsSessionInfo run(TlsContext clientContext, SSLEngine server, String host) throws SSLException {
        SSLEngine client = clientContext.newClientEngine(host, 443);
        Instant started = Instant.now();
        new EngineHandshake().pump(client, server);
        return clientContext.handshakeCompleted(client, started);
    }

    private void pump(SSLEngine client, SSLEngine server) throws SSLException {
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean moved = step(client, serverToClient, clientToServer);
            moved |= step(server, clientToServer, serverToClient);
            if (!moved && done(client) && done(server)) {
                return;
            }
        }
        throw new AssertionError("handshake did not finish in " + MAX_ROUNDS + " rounds");
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    private static boolean step(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws SSLException {
        ByteBuffer application = ByteBuffer.allocate(1 << 17);
        switch (engine.getHandshakeStatus()) {
            case NEED_TASK -> {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                return true;
            }
            case NEED_WRAP -> {
                engine.wrap(ByteBuffer.allocate(0), out);
                return true;
            }
            default -> {
                if (in.position() == 0) {
                    return false;
                }
                in.flip();
                var result = engine.unwrap(in, application);
                in.compact();
                return result.bytesConsumed() > 0;
            }
        }
    }
}
