package dev.wisp.client.internal;

import dev.wisp.http2.ConnectionException;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameRateLimit;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.StreamException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client connection does with a HEADERS or DATA frame on a stream the server ended or that is closed (RFC 9113
 * §5.1), and its memory of how its last streams ended, which that needs once a call has let go of its stream:
 *
 * <ul>
 * <li>after our RST_STREAM, the frames the server sent before it saw it are ignored ("closed"; DATA was charged to the
 *     connection's window on arrival all the same);
 * <li>after the server's RST_STREAM: a stream error STREAM_CLOSED, answered with RST_STREAM;
 * <li>after the server's END_STREAM: a stream error STREAM_CLOSED while the request still goes out ("half-closed
 *     (remote)"), a connection error STREAM_CLOSED once it ended too ("closed").
 * </ul>
 *
 * <p>A stream forgotten, with {@value #REMEMBERED} streams ended after it, is taken for one we reset: a late frame on
 * it is ignored, as §5.1 allows for some time after a reset, rather than ending a connection for a short memory.
 *
 * <p>Thread-safe: the reading thread judges frames, the calls' threads let go of their streams.
 */
final class Http2ClosedStreams {
    static final int REMEMBERED = 100;

    private enum Ending { ENDED_BY_SERVER, RESET_HERE, RESET_BY_SERVER, CLOSED }

    private final Http2Output output;
    /** Bounds the resets we answer with, as for any frame that carries no response. */
    private final FrameRateLimit answers;
    /** Small at first: an idle connection keeps it, mostly with a stream or two. */
    private final Map<Integer, Ending> ended = new LinkedHashMap<>(4) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Ending> eldest) {
            return size() > REMEMBERED;
        }
    };

    Http2ClosedStreams(Http2Output output, FrameRateLimit answers) {
        this.output = output;
        this.answers = answers;
    }

    /** Notes how a stream ended as its call lets go of it, after a stream still open was reset. */
    synchronized void released(Http2ClientStream stream) {
        Ending ending = endingOf(stream);
        ended.put(stream.id(), ending == null || ending == Ending.ENDED_BY_SERVER ? Ending.RESET_HERE : ending);
    }

    /**
     * Whether a HEADERS or DATA frame goes no further: it is late on a stream we reset, or was answered with
     * RST_STREAM STREAM_CLOSED on one the server reset.
     *
     * @param stream the stream, or null for one its call let go of
     * @throws StreamException STREAM_CLOSED on a stream the server ended while the request goes out
     * @throws ConnectionException STREAM_CLOSED on a stream closed both ways, ENHANCE_YOUR_CALM past the rate of
     *     resets to answer
     */
    boolean dropsFrame(String frameType, int id, Http2ClientStream stream) throws IOException {
        Ending ending = stream != null ? endingOf(stream) : recalled(id);
        if (ending == null) {
            return false;
        }
        return switch (ending) {
            case RESET_HERE -> true;
            case RESET_BY_SERVER -> {
                answers.take(System.nanoTime());
                output.reset(id, ErrorCode.STREAM_CLOSED);
                yield true;
            }
            case ENDED_BY_SERVER -> throw new StreamException(ErrorCode.STREAM_CLOSED, id, frameType + " on stream "
                    + id + " after the server ended it (RFC 9113 §5.1)");
            case CLOSED -> throw new ConnectionException(ErrorCode.STREAM_CLOSED, frameType + " on stream " + id
                    + ", which is closed (RFC 9113 §5.1)");
        };
    }

    private synchronized Ending recalled(int id) {
        return ended.getOrDefault(id, Ending.RESET_HERE);
    }

    /** How a stream ended, or null while the server may still send on it. */
    private static Ending endingOf(Http2ClientStream stream) {
        // The ends are read before the reset: a call's thread may reset its stream between the reads, and read the
        // other way round that reset would pass for an end of both sides (both count a reset stream as closed).
        boolean closed = stream.isClosed();
        boolean remoteEnded = stream.isRemoteEnded();
        if (stream.isReset()) {
            return stream.isResetByPeer() ? Ending.RESET_BY_SERVER : Ending.RESET_HERE;
        }
        if (closed) {
            return Ending.CLOSED;
        }
        return remoteEnded ? Ending.ENDED_BY_SERVER : null;
    }
}
