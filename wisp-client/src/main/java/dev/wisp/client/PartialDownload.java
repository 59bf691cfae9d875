package dev.wisp.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The bytes of a download so far, beside the file it will become: {@code NAME.part}, and {@code NAME.part.meta},
 * which says what they are (the URL, the validator that lets a later request ask for the rest of the same version,
 * the whole length when known). A download that stops, the process with it, leaves both for the next one to go on
 * from. Every byte in the part is the file's at its offset, as bytes are only appended, and the meta is written
 * (atomically) before the bytes it describes.
 *
 * <p>Held by one download at a time: the part is locked while open. Not thread-safe.
 */
final class PartialDownload implements AutoCloseable {
    private static final String FORMAT = "wisp-download 1";

    private final Path file;
    private final Path part;
    private final Path meta;
    private final URI uri;
    private final FileChannel channel;
    private final FileLock lock;
    private String validator;
    private long length = -1;
    private long size;
    /** The bytes an earlier download left that are still held: dropped by a restart. */
    private long kept;

    private PartialDownload(Path file, URI uri, FileChannel channel, FileLock lock) {
        this.file = file;
        this.part = sibling(file, ".part");
        this.meta = sibling(file, ".part.meta");
        this.uri = uri;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Opens the part of a download of this URL to this file, with what an earlier download of the same URL left;
     * a part of another URL, or without its meta, is started again.
     *
     * @throws IllegalStateException if another download to the file is under way
     */
    static PartialDownload open(Path file, URI uri) throws IOException {
        Path part = sibling(file, ".part");
        FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock(); // null if another process holds it
            } catch (OverlappingFileLockException e) {
                lock = null; // this process does
            }
            if (lock == null) {
                throw new IllegalStateException("another download to " + file + " is under way");
            }
            PartialDownload download = new PartialDownload(file, uri, channel, lock);
            download.load();
            return download;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Takes up what an earlier download left, if it was of the same URL and says what it holds. */
    private void load() throws IOException {
        size = channel.size();
        if (size == 0) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(meta, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            lines = List.of();
        }
        String savedUri = null;
        String savedValidator = null;
        long savedLength = -1;
        boolean known = !lines.isEmpty() && lines.get(0).equals(FORMAT);
        for (String line : known ? lines.subList(1, lines.size()) : List.<String>of()) {
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            String value = space < 0 ? "" : line.substring(space + 1);
            switch (key) {
                case "url" -> savedUri = value;
                case "validator" -> savedValidator = value;
                case "length" -> savedLength = parseLength(value);
                default -> known = false;
            }
        }
        if (!known || !uri.toString().equals(savedUri) || savedLength < -1
                || savedLength >= 0 && size > savedLength) {
            restart();
            return;
        }
        validator = savedValidator;
        length = savedLength;
        kept = size;
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    /** The bytes held so far. */
    long size() {
        return size;
    }

    /** The bytes an earlier download left that this one kept. */
    long kept() {
        return kept;
    }

    /** The whole file's length, or -1 while unknown. */
    long length() {
        return length;
    }

    /** What a request for the rest sends as {@code If-Range}; null when the rest cannot be asked for safely. */
    String validator() {
        return validator;
    }

    /** Drops the bytes held: the next request asks for the whole file. */
    void restart() throws IOException {
        channel.truncate(0);
        size = 0;
        kept = 0;
        validator = null;
        length = -1;
        Files.deleteIfExists(meta);
    }

    /**
     * Starts the file from its first byte, as a response with all of it describes it: its validator (null for none)
     * and length (-1 while unknown).
     */
    void begin(String validator, long length) throws IOException {
        if (size > 0) {
            channel.truncate(0);
            size = 0;
            kept = 0;
        }
        this.validator = validator;
        this.length = length;
        writeMeta();
    }

    /** Learns the whole length from a response with the rest, if the meta did not hold it. */
    void lengthKnown(long length) throws IOException {
        if (this.length < 0 && length >= 0) {
            this.length = length;
            writeMeta();
        }
    }

    private void writeMeta() throws IOException {
        StringBuilder text = new StringBuilder(FORMAT).append('\n').append("url ").append(uri).append('\n');
        if (validator != null) {
            text.append("validator ").append(validator).append('\n');
        }
        text.append("length ").append(length).append('\n');
        Path temporary = sibling(file, ".part.meta.tmp");
        Files.writeString(temporary, text, StandardCharsets.ISO_8859_1);
        move(temporary, meta);
    }

    /** Appends bytes at the end of what is held. */
    void append(byte[] bytes, int offset, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, count);
        while (buffer.hasRemaining()) {
            size += channel.write(buffer, size);
        }
    }

    /**
     * Makes the part the file: its bytes to the disk, its digest checked if one is expected, then the rename, which
     * replaces an older file of the name.
     *
     * @return whether it took its name: false if the digest differs (the part is dropped then)
     */
    boolean complete(String expectedSha256) throws IOException {
        channel.force(true);
        if (expectedSha256 != null && !expectedSha256.equals(sha256())) {
            restart();
            return false;
        }
        move(part, file);
        Files.deleteIfExists(meta);
        return true;
    }

    /** The SHA-256 of the bytes held, in lowercase hex. */
    String sha256() throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        channel.position(0);
        InputStream in = Channels.newInputStream(channel);
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                break;
            }
            digest.update(buffer, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Lets go of the part; one left empty, which holds nothing to go on from, is deleted with its meta. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            if (size == 0) {
                Files.deleteIfExists(meta);
                Files.deleteIfExists(part); // gone already if it became the file
            }
        }
    }
}
