package dev.wisp.server;

import dev.wisp.core.WireOutput;
import dev.wisp.http2.Frame;
import dev.wisp.http2.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.IntFunction;

/** Frames as bytes, and floods of them sent from a thread of their own, for the tests of the server's defences. */
final class Http2Floods {
    private Http2Floods() {
    }

    /** Sends frames until the server stops reading, on a thread of its own; a failed write ends it quietly. */
    static Thread flood(Http2TestPeer peer, int count, IntFunction<byte[]> frame) {
        return Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    peer.sendBytes(frame.apply(i));
                }
            } catch (IOException e) {
                // the server closed: what it sent before is what the test reads
            }
        });
    }

    static byte[] bytesOf(Frame frame) throws IOException {
        var out = new ByteArrayOutputStream();
        var writer = new FrameWriter(WireOutput.of(out));
        writer.write(frame);
        writer.flush();
        return out.toByteArray();
    }
}
