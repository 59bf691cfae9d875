package dev.wisp.server.internal;

import dev.wisp.core.WireInput;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Frame;
import dev.wisp.http2.FrameReader;
import dev.wisp.http2.FrameType;
import dev.wisp.transport.Transport;
import java.io.EOFException;
import java.io.IOException;

/**
 * What the client of an HTTP/2 connection must finish within {@code headerTimeout} once it began: acknowledging our
 * SETTINGS (RFC 9113 §6.5.3), and sending each frame whole from its first byte, a header block with the CONTINUATION
 * frames that end it, as an HTTP/1.1 head must arrive whole. Without the second, a client that sent half a frame, or a
 * HEADERS without END_HEADERS, held the connection for the whole idle timeout, and for good while a stream was open.
 *
 * <p>Thread-safety: the connection's reading thread marks what began and ended; the sweeper calls {@link #expire} at
 * each tick and, when it says what is late, shuts the connection's input; the reading thread, finding the end of its
 * input, asks {@link #late()} why.
 */
final class Http2HeaderTimeout {
    /** What came too late, with the GOAWAY that ends the connection for it. */
    enum Late {
        SETTINGS(ErrorCode.SETTINGS_TIMEOUT, "SETTINGS not acknowledged in time"),
        // RFC 9113 names no code for a frame cut off by a timeout. Not NO_ERROR, that of a graceful close (which
        // Jetty's idle timeout sends, mid-frame or not): the framing layer stopped inside a frame, where the
        // connection can only end, which is what a connection error is (§5.4.1), and a client told that all was well
        // would send the same request as slowly again. PROTOCOL_ERROR, as nginx ends a connection whose frame its
        // client_header_timeout cut off.
        FRAME(ErrorCode.PROTOCOL_ERROR, "frame not received whole within headerTimeout (readTimeout for DATA)");

        final ErrorCode code;
        final String reason;

        Late(ErrorCode code, String reason) {
            this.code = code;
            this.reason = reason;
        }
    }

    /**
     * When our SETTINGS went out, made odd so that it is never 0, until the client acknowledged them; 0 then (and
     * before they went out). Fields are few: an idle connection's footprint is a headline number.
     */
    private volatile long settingsSentNanos;
    /** Since when the frame being read has been arriving, made odd likewise; 0 between frames. */
    private volatile long frameBeganNanos;
    /**
     * Whether that frame is DATA, which is bounded by {@code readTimeout} instead: request content on a slow link
     * (16 KiB a frame by default) is a body read, as an HTTP/1.1 body's, not a head that must come at once.
     */
    private volatile boolean frameIsData;
    private volatile Late late;

    void settingsSent(long nowNanos) {
        settingsSentNanos = nowNanos | 1;
    }

    void settingsAcknowledged() {
        settingsSentNanos = 0;
    }

    /** Whether the client acknowledged our SETTINGS; asked once they went out. */
    boolean isSettingsAcknowledged() {
        return settingsSentNanos == 0;
    }

    /**
     * Reads the next frame, a header block whole, marking it under way from its first byte to its last for
     * {@link #expire}. The wait for the first byte is not marked: between frames the connection waits as long as its
     * other deadlines let it. One clock read a frame, the transport's (a carrier loop's turn has read it already).
     *
     * @throws EOFException at the end of the input, between frames or inside one
     */
    Frame readFrame(WireInput input, FrameReader reader, Transport transport) throws IOException {
        if (input.buffered() == 0 && !input.fill()) {
            throw new EOFException("stream ended between frames");
        }
        // the type is the frame header's fourth byte; a DATA frame whose first three bytes came alone counts as a
        // head until its next read, which is rare enough to leave
        frameIsData = input.buffered() > 3 && input.buffer()[input.position() + 3] == FrameType.DATA.code();
        frameBeganNanos = transport.clockNanos() | 1;
        try {
            return reader.readFrame();
        } finally {
            frameBeganNanos = 0;
        }
    }

    /**
     * Marks the client's preface and first SETTINGS under way, a head as a frame is, until {@link #prefaceRead}: the
     * read's own deadline bounds it, and this lets a full server end it to make room ({@link #headSinceNanos}).
     */
    void prefaceBegan(long nowNanos) {
        frameIsData = false;
        frameBeganNanos = nowNanos | 1;
    }

    void prefaceRead() {
        frameBeganNanos = 0;
    }

    /**
     * Since when the preface or a frame other than DATA has been arriving, or 0: a head, for the registry; 0 too once
     * it is late, so that one already being ended is not chosen again.
     */
    long headSinceNanos() {
        long began = frameBeganNanos;
        return frameIsData || late != null ? 0 : began;
    }

    /**
     * Ends the head under way as its header timeout would, to make room on a full server: {@link #late()} says
     * {@link Late#FRAME} from now on. False if something was late already.
     */
    boolean endSlowHead() {
        if (late != null) {
            return false;
        }
        late = Late.FRAME;
        return true;
    }

    /** What came too late, once {@link #expire} said so; null before. */
    Late late() {
        return late;
    }

    /**
     * For the sweeper: what is late now and was not before, or null.
     *
     * @param timeoutNanos {@code headerTimeout}
     * @param dataTimeoutNanos {@code readTimeout}, for a DATA frame
     */
    Late expire(long nowNanos, long timeoutNanos, long dataTimeoutNanos) {
        if (late != null) {
            return null;
        }
        long settingsSent = settingsSentNanos;
        if (settingsSent != 0 && nowNanos - settingsSent > timeoutNanos) {
            late = Late.SETTINGS;
        } else {
            long frameBegan = frameBeganNanos;
            if (frameBegan != 0 && nowNanos - frameBegan > (frameIsData ? dataTimeoutNanos : timeoutNanos)) {
                late = Late.FRAME;
            }
        }
        return late;
    }
}
