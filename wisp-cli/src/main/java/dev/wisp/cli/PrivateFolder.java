package dev.wisp.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
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
 * folder is not ours to do. A folder of one's own that others may enter is tightened to 0700, and said so, when it
 * holds only what {@code wisp} keeps there; one that holds anything else is refused rather than changed, since it
 * is someone's folder for other things ({@code WISP_CONFIG_HOME=/tmp}, or a home folder), whose mode is not ours to
 * take. If others could write in a folder that was tightened, a key found there may have been replaced, so it is
 * not trusted ({@link #othersCouldWrite}). Where the file system has no POSIX permissions, only the folder's
 * existence is seen to.
 *
 * @param notice what was changed, for the user; empty when nothing was
 * @param othersCouldWrite whether users other than the owner could create or replace files in the folder before it
 *     was tightened
 */
record PrivateFolder(Optional<String> notice, boolean othersCouldWrite) {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** What wisp keeps in the folder; besides them only its temporary files ({@code .key.pem…tmp}). */
    private static final Set<String> OWN_FILES = Set.of("cert.pem", "key.pem", ".lock");
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
        String others = otherEntry(folder);
        if (others != null) {
            throw new IOException(folder + " is open to other users (" + PosixFilePermissions.toString(permissions)
                    + ") and holds more than wisp's files (" + others + "); make it private (chmod 700 " + folder
                    + ") or choose a folder of wisp's own");
        }
        Files.setPosixFilePermissions(folder, EnumSet.copyOf(OWNER_ONLY));
        return new PrivateFolder(Optional.of("Made " + folder + " private to its owner (it was "
                + PosixFilePermissions.toString(permissions) + ", now rwx------): it holds the private key"),
                permissions.stream().anyMatch(OTHERS_WRITE::contains));
    }

    /** The name of an entry wisp does not make in the folder, or null if there is none. */
    private static String otherEntry(Path folder) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean ours = OWN_FILES.contains(name) || (name.startsWith(".") && name.endsWith(".tmp"));
                if (!ours) {
                    return name;
                }
            }
        }
        return null;
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
