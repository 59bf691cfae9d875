package dev.wisp.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A limit on how many threads a child process may have, made for one test: a cgroup of the kernel's pids controller
 * (cgroup v1's {@code /sys/fs/cgroup/pids}, or cgroup v2's root where it offers that controller) that the child
 * joins, whose limit the test sets to the threads the child has, so that it can start none, and lifts again: what a
 * server or client does when {@code pthread_create} fails ("unable to create native thread"), as it does at a
 * container's {@code pids.max} or the system's {@code threads-max}, and whether it recovers once threads are back.
 * Making a cgroup needs root: elsewhere the test is skipped (failed in CI, see {@link PeerTools#missing}).
 */
public final class ThreadLimit implements AutoCloseable {
    private static final List<Path> HIERARCHIES = List.of(Path.of("/sys/fs/cgroup/pids"), Path.of("/sys/fs/cgroup"));

    private final Path group;

    private ThreadLimit(Path group) {
        this.group = group;
    }

    /** Makes a cgroup of its own for the process, which joins it with all its threads, with no limit yet. */
    public static ThreadLimit of(long pid) throws IOException {
        for (Path hierarchy : HIERARCHIES) {
            if (offersPids(hierarchy)) {
                Path group = hierarchy.resolve("wisp-test-" + ProcessHandle.current().pid() + "-" + pid);
                try {
                    Files.createDirectory(group);
                } catch (IOException e) {
                    return PeerTools.missing("cannot make a cgroup to limit a child's threads (" + e + ")");
                }
                ThreadLimit limit = new ThreadLimit(group);
                limit.write("cgroup.procs", Long.toString(pid));
                return limit;
            }
        }
        return PeerTools.missing("no cgroup hierarchy with the pids controller to limit a child's threads");
    }

    private static boolean offersPids(Path hierarchy) {
        if (hierarchy.endsWith("pids")) {
            return Files.isRegularFile(hierarchy.resolve("cgroup.procs"));
        }
        Path controllers = hierarchy.resolve("cgroup.subtree_control");
        try {
            return Files.isRegularFile(controllers) && Files.readString(controllers).contains("pids");
        } catch (IOException e) {
            return false;
        }
    }

    /** From now on no thread can be started: the limit is the number of threads the process has. */
    public void reach() throws IOException {
        write("pids.max", read("pids.current"));
    }

    /** Lifts the limit. */
    public void lift() throws IOException {
        write("pids.max", "max");
    }

    /** How many threads the process has now. */
    public long threads() throws IOException {
        return Long.parseLong(read("pids.current"));
    }

    /** How many times a thread could not be started for the limit, since the cgroup was made. */
    public long refusals() throws IOException {
        String events = read("pids.events");
        for (String line : events.split("\n")) {
            if (line.startsWith("max ")) {
                return Long.parseLong(line.substring("max ".length()).strip());
            }
        }
        return 0;
    }

    /** Lifts the limit, moves the process back to the hierarchy's root if it still runs, and removes the cgroup. */
    @Override
    public void close() throws IOException {
        lift();
        for (String pid : read("cgroup.procs").split("\n")) {
            if (!pid.isBlank()) {
                Files.writeString(group.getParent().resolve("cgroup.procs"), pid.strip(), StandardCharsets.US_ASCII);
            }
        }
        Files.delete(group);
    }

    private String read(String file) throws IOException {
        return Files.readString(group.resolve(file), StandardCharsets.US_ASCII).strip();
    }

    private void write(String file, String value) throws IOException {
        Files.writeString(group.resolve(file), value, StandardCharsets.US_ASCII);
    }
}
