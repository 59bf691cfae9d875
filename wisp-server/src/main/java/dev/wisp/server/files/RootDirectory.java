package dev.wisp.server.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;

/**
 * The directory a {@link FileHandler} serves, and the one place that turns request path segments into a file
 * inside it. Every path is resolved with {@link Path#toRealPath} (all symbolic links followed) and must then lie
 * under the root's own real path, so neither a crafted path nor a link can lead outside. Segments name files by
 * their UTF-8 bytes, whatever the locale ({@link FileNames}).
 *
 * <p>Immutable and thread-safe. The check and the later open are two steps: someone who can write inside the
 * root could swap a checked directory for a link in between. Serve trees that untrusted users cannot write.
 */
final class RootDirectory {
    private final Path realPath;
    private final boolean servesHidden;

    /**
     * @param servesHidden whether names that start with a dot are served and listed
     * @throws IOException if the directory does not exist or cannot be resolved
     */
    RootDirectory(Path directory, boolean servesHidden) throws IOException {
        this.realPath = directory.toRealPath();
        this.servesHidden = servesHidden;
    }

    Path realPath() {
        return realPath;
    }

    /**
     * Resolves decoded path segments to the real path of an existing file or directory inside the root.
     *
     * @return the real path, or {@code null} if a segment is unsafe, nothing exists there, or it lies outside the
     *     root
     * @throws AccessDeniedException if the server may not look up the path in a directory inside the root (one it
     *     may not enter): the tree is misconfigured, which a 404 would hide. A denial outside the root, behind a
     *     link, is a {@code null}, so nothing about the tree outside is revealed.
     */
    Path resolve(List<String> segments) throws AccessDeniedException {
        Path path = realPath;
        try {
            for (String segment : segments) {
                if (!isSafeSegment(segment)) {
                    return null;
                }
                path = FileNames.child(path, segment);
            }
        } catch (IllegalArgumentException e) {
            return null; // InvalidPathException among others: no file has that name
        }
        try {
            Path real = path.toRealPath();
            return real.startsWith(realPath) ? real : null;
        } catch (AccessDeniedException e) {
            if (isInside(nearestResolvableAncestor(path))) {
                throw e;
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The real path of the nearest ancestor of a path that resolves, or null if none does. */
    private static Path nearestResolvableAncestor(Path path) {
        for (Path ancestor = path.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            try {
                return ancestor.toRealPath();
            } catch (IOException e) {
                // Not this one either: try the next one up.
            }
        }
        return null;
    }

    private boolean isInside(Path real) {
        return real != null && real.startsWith(realPath);
    }

    /** The real path of an existing path if it lies inside the root, else {@code null}. */
    Path inside(Path path) {
        try {
            Path real = path.toRealPath();
            return real.startsWith(realPath) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether the real path of something inside the root lies under a hidden name there: a link with a plain name
     * can lead to {@code .env} or into {@code .git}, which the rule on hidden names keeps from the web whatever the
     * name it is asked by.
     */
    boolean leadsToHidden(Path real) {
        for (Path name : realPath.relativize(real)) {
            if (hides(name.toString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a name is kept from the web: an upload's temporary file always ({@link FileWrites#isTemporaryName}), a
     * name hidden by the Unix convention (it starts with a dot) unless hidden files are served.
     */
    boolean hides(String name) {
        return FileWrites.isTemporaryName(name) || (!servesHidden && name.startsWith("."));
    }

    /** Whether any of these path segments is a name kept from the web ({@link #hides}). */
    boolean hidesAny(List<String> segments) {
        for (String segment : segments) {
            if (hides(segment)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a decoded segment names one entry of a directory. Dot segments are gone after
     * {@link dev.wisp.core.RequestTarget} parsing, but a decoded {@code %2F}, {@code %5C} or {@code %00} is not, and
     * must not become a separator or truncate the name.
     */
    static boolean isSafeSegment(String segment) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\' || c == 0) {
                return false;
            }
        }
        return true;
    }
}
