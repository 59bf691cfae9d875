package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve} run by a user who may not read everything in its tree, as a service account often is: started
 * with {@code setpriv} as user nobody (root needs no permission, so the test needs root to drop it, as CI has). What
 * the server may not read or enter inside the root is its operator's trouble, a 500 logged at WARNING, never a 404
 * that would hide it; what it may not enter outside the root, behind a link, stays a 404.
 */
class ServePermissionsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EVENTUALLY = Duration.ofSeconds(20);
    private static final Pattern SERVING = Pattern.compile("Serving .+ on http://127\\.0\\.0\\.1:(\\d+)/");
    /** The user and group nobody on Debian, by number so that no name needs to exist. */
    private static final String NOBODY = "65534";

    @TempDir
    Path base;

    @Test
    void whatTheServerMayNotReadInsideTheRootIsAServerErrorAndOutsideItNotFound() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            if (!"root".equals(System.getProperty("user.name"))) {
                PeerTools.missing("dropping to user nobody needs root");
            }
            Path setpriv = PeerTools.require("setpriv");
            Path root = tree();
            ProcessBuilder asRoot = WispProcess.command("serve", root.toString(), "--plain", "--port", "0");
            List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + NOBODY,
                    "--regid=" + NOBODY, "--clear-groups", "--"));
            command.addAll(asRoot.command());
            // The build may sit where nobody may not go (a clone under /root): nobody runs a copy of the jar, from
            // the test's own folder.
            int jarArgument = command.indexOf("-jar") + 1;
            Path jar = Files.copy(Path.of(command.get(jarArgument)), base.resolve("wisp.jar"));
            command.set(jarArgument, jar.toString());
            try (WispProcess wisp = WispProcess.start(new ProcessBuilder(command).directory(base.toFile()))) {
                Matcher serving = SERVING.matcher(wisp.awaitOut("Serving ", EVENTUALLY));
                assertTrue(serving.matches(), serving.toString());
                int port = Integer.parseInt(serving.group(1));
                assertEquals(200, status(port, "/open.txt"));
                assertEquals(500, status(port, "/locked.txt"));
                wisp.awaitErr("WARNING: cannot open " + root.resolve("locked.txt"), EVENTUALLY);
                assertEquals(500, status(port, "/closed/"));
                assertEquals(500, status(port, "/closed/inner.txt"), "a 404 would hide the closed directory");
                wisp.awaitErr("WARNING: cannot open " + root.resolve("closed/inner.txt"), EVENTUALLY);
                assertEquals(404, status(port, "/link/secret.txt"), "outside the root, nothing is told");
                assertEquals(404, status(port, "/missing.txt"));
                wisp.signal("TERM");
                assertEquals(0, wisp.awaitExit(EVENTUALLY));
            }
        });
    }

    /**
     * {@code root/open.txt}; {@code root/locked.txt} (mode 000); {@code root/closed/inner.txt} in a directory of mode
     * 000; and {@code root/link}, a link to a directory of mode 000 beside the root.
     */
    private Path tree() throws IOException {
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = Files.createDirectory(base.resolve("root"));
        Files.writeString(root.resolve("open.txt"), "open\n");
        Files.writeString(root.resolve("locked.txt"), "locked\n");
        Files.setPosixFilePermissions(root.resolve("locked.txt"), PosixFilePermissions.fromString("---------"));
        Path closed = Files.createDirectory(root.resolve("closed"));
        Files.writeString(closed.resolve("inner.txt"), "inner\n");
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
        Path outside = Files.createDirectory(base.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret\n");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("---------"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        return root;
    }

    private static int status(int port, String target) throws IOException {
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return peer.readResponse().status();
        }
    }
}
