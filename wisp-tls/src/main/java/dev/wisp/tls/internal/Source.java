package dev.wisp.tls.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where key material comes from: a file, read anew at each load so that a rotated file is picked up, or bytes
 * given in memory. Immutable; the bytes are copied in and out.
 */
public final class Source {
    private final String name;
    private final Path path;
    private final byte[] bytes;

    private Source(String name, Path path, byte[] bytes) {
        this.name = name;
        this.path = path;
        this.bytes = bytes;
    }

    /** A file, named by its path in messages. */
    public static Source file(Path path) {
        return new Source(path.toString(), path, null);
    }

    /** Bytes in memory, named by {@code name} in messages ({@code "(certificate chain in memory)"}). */
    public static Source memory(String name, byte[] bytes) {
        return new Source(name, null, bytes.clone());
    }

    /** How messages name this source. */
    public String name() {
        return name;
    }

    /** The file, when the material comes from one. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * Reads the bytes.
     *
     * @throws PemException when the file cannot be read
     */
    public byte[] read() {
        if (path == null) {
            return bytes.clone();
        }
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new PemException("cannot read " + path + ": " + e, e);
        }
    }
}
