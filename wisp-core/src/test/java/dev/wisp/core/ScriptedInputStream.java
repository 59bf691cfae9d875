package dev.wisp.core;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers bytes in the pieces given, one piece (or what is left of it) per read at most, as a socket may; then
 * reports the end of the stream. Records the length each read asked for and runs a hook before every read. A
 * channel too, as the transport's socket input is, so that reading ahead into direct buffers can be tested.
 */
final class ScriptedInputStream extends InputStream implements ReadableByteChannel {
    private final byte[][] pieces;
    private int piece;
    private int offset;
    final List<Integer> requestedLengths = new ArrayList<>();
    Runnable beforeRead = () -> { };

    ScriptedInputStream(byte[]... pieces) {
        this.pieces = pieces;
    }

    static ScriptedInputStream of(String... pieces) {
        byte[][] bytes = new byte[pieces.length][];
        for (int i = 0; i < pieces.length; i++) {
            bytes[i] = Ascii.bytes(pieces[i]);
        }
        return new ScriptedInputStream(bytes);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] destination, int start, int length) {
        return read(ByteBuffer.wrap(destination, start, length));
    }

    @Override
    public int read(ByteBuffer destination) {
        beforeRead.run();
        requestedLengths.add(destination.remaining());
        while (piece < pieces.length && offset == pieces[piece].length) {
            piece++;
            offset = 0;
        }
        if (piece == pieces.length) {
            return -1;
        }
        int n = Math.min(destination.remaining(), pieces[piece].length - offset);
        destination.put(pieces[piece], offset, n);
        offset += n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return piece < pieces.length;
    }
}
