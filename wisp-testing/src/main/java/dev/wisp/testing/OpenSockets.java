package dev.wisp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Counts of the sockets a test left open, narrow enough to ignore what other tests of the same JVM open and close
 * meanwhile (test classes may run side by side): counting all of {@code /proc/self/fd} also counts their sockets,
 * the JDK's pollers and the jars it opens as classes load. Linux only, read from {@code /proc}.
 */
public final class OpenSockets {
    private static final List<Path> TCP_TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private OpenSockets() {
    }

    /**
     * The TCP sockets of this network namespace whose remote end is this port, in any state (a connection attempt
     * waiting for its SYN's answer, an established or a closing connection): the ones a client holds to a listener
     * on that port.
     */
    public static long tcpConnectionsTo(int port) throws IOException {
        long count = 0;
        for (Path table : TCP_TABLES) {
            if (Files.exists(table)) {
                // "  sl  local_address rem_address   st ...", addresses as hex "ADDRESS:PORT"
                count += Files.readAllLines(table).stream().skip(1)
                        .map(line -> line.trim().split("\\s+")[2])
                        .filter(remote -> Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16) == port)
                        .count();
            }
        }
        return count;
    }

    /** The Unix domain sockets this process has open. */
    public static long unixSocketsOfThisProcess() throws IOException {
        // "Num RefCount Protocol Flags Type St Inode Path", the inode being what /proc/self/fd links to
        Set<String> unixInodes = new HashSet<>();
        Files.readAllLines(Path.of("/proc/net/unix")).stream().skip(1)
                .forEach(line -> unixInodes.add(line.trim().split("\\s+")[6]));
        return socketInodesOfThisProcess().filter(unixInodes::contains).count();
    }

    private static Stream<String> socketInodesOfThisProcess() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.map(OpenSockets::target)
                    .filter(target -> target.startsWith("socket:["))
                    .map(target -> target.substring("socket:[".length(), target.length() - 1))
                    .toList().stream();
        }
    }

    private static String target(Path descriptor) {
        try {
            return Files.readSymbolicLink(descriptor).toString();
        } catch (IOException e) {
            return ""; // closed between the listing and the reading: not open
        }
    }
}
