package dev.wisp.server.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file of a server's Unix domain socket: a stale one (a socket nobody listens on, left by a server that has gone
 * without removing it, as a killed process does) is replaced at bind, and the file is removed at close if it is still
 * the one bound. A live server's socket, or a file that is no socket, is never touched.
 */
final class UnixSocketFile {
    /**
     * What a connection on a Unix domain socket gives for its own and its peer's address, both having none: the
     * loopback address and port 0, as the peer is on this host.
     */
    static final InetSocketAddress LOCAL_PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;

    private final Path path;
    private Object boundFileKey;

    UnixSocketFile(Path path) {
        this.path = path;
    }

    /**
     * Binds a server socket to the path, replacing a stale socket file there.
     *
     * @throws BindException if a server listens on the path
     * @throws IOException if the path holds a file that is no socket, or the bind fails
     */
    ServerSocketChannel bind(int backlog) throws IOException {
        replaceIfStale();
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path), backlog);
            boundFileKey = fileKey();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private void replaceIfStale() throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if ((mode & FILE_TYPE_MASK) != SOCKET_TYPE) {
            throw new IOException(path + " exists and is not a socket: left as it is");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Without blocking: a live server whose backlog is full would hold a blocking connect until it accepts.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException refused) {
            Files.deleteIfExists(path); // nobody listens: a socket left by a server that has gone
            return;
        }
        throw new BindException(path + " is in use: a server listens on it");
    }

    /** Removes the socket file, unless it is gone or another server has bound a new one there meanwhile. */
    void remove() {
        try {
            if (boundFileKey != null && boundFileKey.equals(fileKey())) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // gone already, or no longer ours to read: nothing to remove
        }
    }

    private Object fileKey() throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
