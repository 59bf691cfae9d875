package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.wisp.core.BufferPool;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.http2.hpack.HpackDecoder;
import dev.wisp.http2.hpack.HpackEncoder;
import dev.wisp.http2.hpack.HpackField;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Another implementation against ours: Python's h2 (Debian's python3-h2, which {@code bin/test} installs) as a client
 * makes frames our reader parses and our HPACK decoder decodes, and as a server receives what our writer and HPACK
 * encoder make, without a protocol error. A missing python3 or h2 skips the tests, except in CI, where they fail.
 */
class FramePythonPeerTest {
    @BeforeAll
    static void requirePythonH2() throws IOException, InterruptedException {
        PythonPeer.require("h2.connection");
    }

    @Test
    void weReadWhatPythonsClientSends() throws IOException, InterruptedException {
        List<String> lines = runPython("", "client");
        byte[] wire = HexFormat.of().parseHex(lines.get(0));
        String large = lines.get(1);
        // Fed in pieces of 1,000 bytes over a pooled buffer, as from a socket.
        FrameReader reader = new FrameReader(
                WireInput.of(new Frames.ChunkedStream(wire, 1000), new BufferPool(4096, 1)),
                Frames.MAX_FRAME, 64 * 1024);
        HpackDecoder decoder = new HpackDecoder(64 * 1024, 64 * 1024);
        reader.readPreface();
        // h2's client settings, with its SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8, RFC 8441).
        assertEquals("SETTINGS 1=4096 2=1 4=65535 5=16384 8=0 3=100 6=65536", Frames.describe(reader.readFrame()));

        HeadersFrame post = assertInstanceOf(HeadersFrame.class, reader.readFrame());
        assertEquals(1, post.streamId());
        assertEquals(false, post.endStream());
        assertEquals(List.of(field(":method", "POST"), field(":path", "/upload"), field(":scheme", "https"),
                field(":authority", "example.com")), decoder.decode(post.headerBlock()));

        // A block above 16,384 bytes: h2 sent HEADERS and CONTINUATION frames, joined here.
        HeadersFrame get = assertInstanceOf(HeadersFrame.class, reader.readFrame());
        assertEquals(3, get.streamId());
        assertEquals(true, get.endStream());
        assertEquals(true, get.headerBlock().length > Frames.MAX_FRAME, "block of " + get.headerBlock().length);
        assertEquals(List.of(field(":method", "GET"), field(":path", "/large"), field(":scheme", "https"),
                field(":authority", "example.com"), field("x-large", large)), decoder.decode(get.headerBlock()));

        DataFrame data = assertInstanceOf(DataFrame.class, reader.readFrame());
        assertEquals("DATA 1 68656c6c6f padding 11", Frames.describe(data));
        assertEquals(16, data.flowControlledLength());
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rest.add(Frames.describe(reader.readFrame()));
        }
        assertEquals(List.of("PING " + Long.toHexString(0x3132333435363738L), "WINDOW_UPDATE 0 1000",
                "WINDOW_UPDATE 1 500", "RST_STREAM 1 CANCEL", "GOAWAY last 0 NO_ERROR 627965"), rest);
        assertEquals(List.of(), Frames.readAll(reader));
    }

    @Test
    void pythonsServerReceivesWhatWeWrite() throws IOException, InterruptedException {
        StringBuilder large = new StringBuilder();
        for (int i = 0; i < 6000; i++) {
            large.append(Integer.toString(i * 7919, 36)).append(',');
        }
        HpackEncoder encoder = new HpackEncoder(4096);
        byte[] request = encoder.encode(List.of(field(":method", "POST"), field(":scheme", "https"),
                field(":path", "/upload"), field(":authority", "example.com"), field("x-large", large.toString())));
        byte[] second = encoder.encode(List.of(field(":method", "GET"), field(":scheme", "https"),
                field(":path", "/"), field(":authority", "example.com")));
        assertEquals(true, request.length > Frames.MAX_FRAME, "block of " + request.length);

        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(WireOutput.of(sink));
        writer.writePreface();
        writer.write(new SettingsFrame(Settings.builder().enablePush(false).initialWindowSize(1 << 20).build()
                .differencesFrom(Settings.DEFAULT)));
        writer.write(new HeadersFrame(1, request, false));
        writer.writeData(1, "hello".getBytes(), 0, 5, true);
        writer.write(new HeadersFrame(3, second, false, Optional.of(new Priority(false, 1, 32)), 0));
        writer.write(new PriorityFrame(3, new Priority(true, 0, 200)));
        writer.write(new WindowUpdateFrame(0, 1000));
        writer.write(new WindowUpdateFrame(3, 500));
        writer.write(new PingFrame(false, 0x0102030405060708L));
        writer.write(new ResetFrame(3, ErrorCode.CANCEL));
        writer.write(new GoAwayFrame(0, ErrorCode.NO_ERROR, "bye".getBytes()));
        writer.flush();

        List<String> events = runPython(HexFormat.of().formatHex(sink.toByteArray()), "server");
        assertEquals(List.of("settings 2=0 4=1048576",
                "request 1 :method=POST :scheme=https :path=/upload :authority=example.com x-large="
                        + large.length() + " bytes",
                "data 1 68656c6c6f flow 5", "end 1",
                "request 3 :method=GET :scheme=https :path=/ :authority=example.com",
                "priority 3 on 1 weight 32 exclusive False",
                "priority 3 on 0 weight 200 exclusive True",
                "window 0 1000", "window 3 500", "ping 0102030405060708", "reset 3 8",
                "goaway 0 last 0 debug 627965"), events);
    }

    private static HpackField field(String name, String value) {
        return new HpackField(name, value);
    }

    private static List<String> runPython(String input, String mode) throws IOException, InterruptedException {
        return PythonPeer.run("h2_frames_peer.py", input, mode);
    }
}
