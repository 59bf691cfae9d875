package dev.wisp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A file system of a few kilobytes, mounted for one test ({@code tmpfs} with a size), so that a test can fill a
 * disk and free it again: what a server or client does when writes fail with "No space left on device", and
 * whether it recovers once there is room. Mounting needs root: elsewhere the test is skipped (failed in CI, see
 * {@link PeerTools#missing}).
 */
public final class SmallDisk implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a file system of {@code kibibytes} KiB on a new directory under {@code parent}. */
    public static SmallDisk mount(Path parent, int kibibytes) throws IOException, InterruptedException {
        PeerTools.require("mount");
        PeerTools.require("umount");
        Path mountPoint = Files.createDirectory(parent.resolve("small-disk"));
        PeerTools.Result mounted = PeerTools.run(COMMAND_TIMEOUT,
                List.of("mount", "-t", "tmpfs", "-o", "size=" + kibibytes + "k,mode=0700", "tmpfs",
                        mountPoint.toString()));
        if (mounted.exitCode() != 0) {
            Files.delete(mountPoint);
            PeerTools.missing("cannot mount a small file system (mount needs root): " + mounted.stderr().strip());
        }
        return new SmallDisk(mountPoint);
    }

    /** The directory the file system is mounted on. */
    public Path path() {
        return mountPoint;
    }

    /** Fills the file system with a file named {@code name}, until a write fails for want of space. */
    public Path fill(String name) throws IOException {
        Path filler = mountPoint.resolve(name);
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1_000_000; i++) { // bounded: a few kilobytes fill it long before
                out.write(block);
            }
        } catch (IOException full) {
            return filler;
        }
        throw new IllegalStateException("the small disk did not fill up");
    }

    /** Unmounts the file system, with whatever is on it, and removes its directory. */
    @Override
    public void close() throws IOException {
        try {
            PeerTools.Result unmounted = PeerTools.run(COMMAND_TIMEOUT, List.of("umount", mountPoint.toString()));
            if (unmounted.exitCode() != 0) {
                throw new IOException("cannot unmount " + mountPoint + ": " + unmounted.stderr().strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountPoint, e);
        }
        Files.deleteIfExists(mountPoint);
    }
}
