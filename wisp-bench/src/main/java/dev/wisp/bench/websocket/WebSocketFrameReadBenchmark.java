package dev.wisp.bench.websocket;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.websocket.internal.Incoming;
import dev.wisp.websocket.internal.Opcode;
import dev.wisp.websocket.internal.Role;
import dev.wisp.websocket.internal.WebSocketFrameReader;
import dev.wisp.websocket.internal.WebSocketFrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reads one masked frame as a server does, with {@link WebSocketFrameReader} over a {@code byte[]}: a 32-byte text
 * message (header, unmasking, the UTF-8 check, the string) and a 64 KiB binary one (mostly unmasking and the
 * copy). The frames are made once by the client's {@link WebSocketFrameWriter}; each invocation reads them from a
 * new {@link WireInput}, as the echo benchmark's server reads each message, and returns the message.
 *
 * <p>Public and not final because JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WebSocketFrameReadBenchmark {
    private static final int MAX_BYTES = 1024 * 1024;

    private byte[] smallText;
    private byte[] largeBinary;

    @Setup
    public void setUp() throws IOException {
        smallText = frame(Opcode.TEXT, "x".repeat(32).getBytes(UTF_8));
        byte[] payload = new byte[64 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        largeBinary = frame(Opcode.BINARY, payload);
    }

    private static byte[] frame(Opcode opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        WebSocketFrameWriter writer = new WebSocketFrameWriter(WireOutput.of(wire), Role.CLIENT);
        writer.writeFrame(opcode, true, false, payload, 0, payload.length);
        writer.flush();
        return wire.toByteArray();
    }

    @Benchmark
    public Incoming smallText() throws IOException {
        return read(smallText);
    }

    @Benchmark
    public Incoming largeBinary() throws IOException {
        return read(largeBinary);
    }

    private static Incoming read(byte[] frame) throws IOException {
        return new WebSocketFrameReader(WireInput.of(frame), Role.SERVER, MAX_BYTES, MAX_BYTES, null).readNext();
    }
}
