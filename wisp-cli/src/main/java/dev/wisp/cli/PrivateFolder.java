package dev.wisp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration folder kept private to the user who runs {@code wisp}, as it holds a private key: made with
 * mode 0700, and an existing one checked as ssh checks {@code ~/.ssh} (its StrictModes). A folder that belongs to
 * another user is refused: its owner could read or replace the key whatever its mode, and changing another user's
 * folder is not ours to do. A folder of one's own that others may enter is tightened to 0700, and said so; if others
 * could write in it, a key found there may have been replaced, so it is not trusted ({@link #othersCouldWrite}).
 * Where the file system has no POSIX permissions, only the folder's existence is seen to.
 *
 * @param notice what was changed, for the user; empty when nothing was
 * @param othersCouldWrite whether users other than the owner could create or replace files in the folder before it
 *     was tightened
 */
record PrivateFolder(Optional<String> notice, boolean othersCouldWrite) {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS_WRITE =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    /**
     * Makes the folder, or checks and tightens the one there.
     *
     * @throws IOException if it cannot be made or tightened, is not a folder, or belongs to another user
     */
    static PrivateFolder secure(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = folder.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (Files.getFileStore(parent).supportsFileAttributeView("posix")) {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createDirectory(folder);
            }
            return new PrivateFolder(Optional.empty(), false);
        }
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + " is not a folder");
        }
        if (!Files.getFileStore(folder).supportsFileAttributeView("posix")) {
            return new PrivateFolder(Optional.empty(), false);
        }
        PosixFileAttributes attributes = Files.readAttributes(folder, PosixFileAttributes.class);
        String foreignOwner = foreignOwner(folder, attributes.owner());
        if (foreignOwner != null) {
            throw new IOException(folder + " belongs to " + foreignOwner + "; its owner could read or replace the key"
                    + " in it");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (OWNER_ONLY.containsAll(permissions)) {
            return new PrivateFolder(Optional.empty(), false);
        }
        Files.setPosixFilePermissions(folder, EnumSet.copyOf(OWNER_ONLY));
        return new PrivateFolder(Optional.of("Made " + folder + " private to its owner (it was "
                + PosixFilePermissions.toString(permissions) + ", now rwx------): it holds the private key"),
                permissions.stream().anyMatch(OTHERS_WRITE::contains));
    }

    /**
     * Why a file in the folder cannot be trusted as a private key: others may read or write it, or it belongs to
     * another user; null when it can (or the file system has no POSIX permissions).
     */
    static String exposure(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
            return null;
        }
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        String foreignOwner = foreignOwner(file, attributes.owner());
        if (foreignOwner != null) {
            return file.getFileName() + " belongs to " + foreignOwner;
        }
        if (!attributes.isRegularFile()) {
            return file.getFileName() + " is not a regular file";
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (!OWNER_ONLY.containsAll(permissions)) {
            return file.getFileName() + " was open to other users (" + PosixFilePermissions.toString(permissions)
                    + ")";
        }
        return null;
    }

    /** The owner's name if it is not the user running this JVM; null if it is, or that user cannot be named. */
    private static String foreignOwner(Path path, UserPrincipal owner) throws IOException {
        UserPrincipal self;
        try {
            self = path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
        } catch (UserPrincipalNotFoundException e) {
            return null; // a user without a name (no passwd entry, as in some containers): nothing to compare
        }
        return owner.equals(self) ? null
                : "user " + owner.getName() + ", not to " + self.getName() + ", who runs wisp";
    }
}
