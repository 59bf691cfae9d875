package dev.wisp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A {@link Transport} of plaintext bytes: the socket channel's own streams with their deadlines. */
public final class PlainTransport extends Transport {
    /** The scratch space of {@link #discardArrived(long)}, made per call: only a closing connection drops input. */
    private static final int DISCARD_BYTES = 4096;

    private PlainTransport(StreamSocket socket, long writeTimeoutNanos) throws IOException {
        super(socket, writeTimeoutNanos);
    }

    /**
     * A transport over a connected blocking channel, which it then owns.
     *
     * @param writeTimeoutNanos how long each slice of a write may take before the sweeper closes the socket
     * @throws IOException if the channel is no longer connected
     */
    public static PlainTransport of(SocketChannel channel, long writeTimeoutNanos) throws IOException {
        return new PlainTransport(StreamSocket.of(channel), writeTimeoutNanos);
    }

    /**
     * A transport over another kind of connected socket, which it then owns.
     *
     * @param writeTimeoutNanos how long each slice of a write may take before the sweeper closes the socket
     * @throws IOException if the socket is no longer connected
     */
    public static PlainTransport of(StreamSocket socket, long writeTimeoutNanos) throws IOException {
        return new PlainTransport(socket, writeTimeoutNanos);
    }

    @Override
    public InputStream input() {
        return socketInput;
    }

    @Override
    public OutputStream output() {
        return socketOutput;
    }

    @Override
    public void handshake() {
        // plaintext: nothing to agree on
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return Optional.empty();
    }

    @Override
    public Optional<String> applicationProtocol() {
        return Optional.empty();
    }

    @Override
    public boolean hasInputEnded() {
        return socketInput.hasEnded();
    }

    @Override
    public IdleInput pollInput() throws IOException {
        return switch (socketInput.peekNow()) {
            case 0 -> IdleInput.EMPTY;
            case 1 -> IdleInput.DATA;
            default -> IdleInput.ENDED;
        };
    }

    @Override
    public boolean knowsNothingArrived() {
        return !socketInput.hasPeeked() && !socketInput.hasEnded() && socket().knowsNothingArrived();
    }

    @Override
    public long discardArrived(long maxBytes) throws IOException {
        byte[] scratch = new byte[DISCARD_BYTES];
        long dropped = 0;
        while (dropped < maxBytes) {
            int n = socketInput.readNow(scratch, 0, scratch.length);
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                break;
            }
            dropped += n;
        }
        return dropped;
    }

    @Override
    public boolean hasBufferedInput() {
        return socketInput.hasPeeked();
    }

    @Override
    public long bytesWritten() {
        return socketOutput.written();
    }

    @Override
    public void shutdownOutput() throws IOException {
        shutdownSocketOutput();
    }

    @Override
    public void releaseBuffers() {
        // plaintext: the codec above holds the buffers
    }
}
