package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.BufferPool;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.WireInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Http1AnswerToPrefaceTest {
    private static final String BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    /** An empty SETTINGS frame: what a server that speaks HTTP/2 begins with. */
    private static final byte[] SETTINGS = HexFormat.of().parseHex("000000040000000000");

    /** The input as it comes one byte a read, as a slow network may hand it over. */
    private static WireInput oneByteAtATime(byte[] bytes) {
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] destination, int offset, int length) {
                return super.read(destination, offset, Math.min(length, 1));
            }
        };
        return WireInput.of(in, new BufferPool(1024, 1));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void refusesAnHttp1StatusLineNamingIt(boolean oneByteAtATime) {
        byte[] answer = BAD_REQUEST.getBytes(StandardCharsets.US_ASCII);
        WireInput input = oneByteAtATime ? oneByteAtATime(answer) : WireInput.of(answer);
        MalformedMessageException failure = assertThrows(MalformedMessageException.class,
                () -> Http1AnswerToPreface.reject(input, false));
        assertEquals("the server answered in HTTP/1.x (\"HTTP/1.1 400 Bad Request\"): it does not speak HTTP/2 with "
                + "prior knowledge (h2c)", failure.getMessage());
    }

    /** An answer without a status line (Python's http.server answers the preface's HTTP/2.0 with a bare page). */
    @Test
    void refusesTextWithoutAStatusLineNamingIt() {
        WireInput input = WireInput.of("<!DOCTYPE HTML>\n<html>".getBytes(StandardCharsets.US_ASCII));
        MalformedMessageException failure = assertThrows(MalformedMessageException.class,
                () -> Http1AnswerToPreface.reject(input, false));
        assertEquals("the server answered in text (\"<!DOCTYPE HTML>\"): it does not speak HTTP/2 with prior knowledge"
                + " (h2c)", failure.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void leavesAFrameUnreadForTheFrameReader(boolean oneByteAtATime) throws IOException {
        WireInput input = oneByteAtATime ? oneByteAtATime(SETTINGS) : WireInput.of(SETTINGS);
        assertDoesNotThrow(() -> Http1AnswerToPreface.reject(input, false));
        byte[] left = new byte[SETTINGS.length];
        input.readFully(left, 0, left.length);
        assertArrayEquals(SETTINGS, left);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "HTTP/1", "\u0000\u0000"})
    void leavesAnInputThatEndsEarlyToTheFrameReader(String bytes) {
        WireInput input = oneByteAtATime(bytes.getBytes(StandardCharsets.ISO_8859_1));
        assertDoesNotThrow(() -> Http1AnswerToPreface.reject(input, true));
    }
}
