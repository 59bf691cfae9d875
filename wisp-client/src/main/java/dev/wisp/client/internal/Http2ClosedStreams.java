package dev.wisp.client.internal;

import dev.wisp.http2.ConnectionException;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameRateLimit;
import dev.wisp.http2.Http2Exception;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.StreamException;
import java.io.IOException;
import java.util.HashMap;
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
 * <p>Late frames cost the server nothing, so they are bounded: DATA after our RST_STREAM by what the stream's window
 * let the server send when we reset it (no credit goes back for it after that; past it, FLOW_CONTROL_ERROR: a server
 * that sent gigabytes on a stream the client had reset, taking back the connection's credit the whole time, made it
 * read them all), and HEADERS there, and any frame on a stream forgotten, as frames that carry no response.
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

    /** What the server may still send on each stream we reset that its call let go of; by id. Guarded by this. */
    private final Map<Integer, Integer> lateAllowance = new HashMap<>(4);

    Http2ClosedStreams(Http2Output output, FrameRateLimit answers) {
        this.output = output;
        this.answers = answers;
    }

    /** Notes how a stream ended as its call lets go of it, after a stream still open was reset. */
    synchronized void released(Http2ClientStream stream) {
        Ending ending = endingOf(stream);
        Ending kept = ending == null || ending == Ending.ENDED_BY_SERVER ? Ending.RESET_HERE : ending;
        ended.put(stream.id(), kept);
        if (kept == Ending.RESET_HERE) {
            lateAllowance.put(stream.id(), stream.receiveWindow.available());
        }
        lateAllowance.keySet().retainAll(ended.keySet()); // forgotten with the stream
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
        return dropsFrame(frameType, id, stream, -1);
    }

    /**
     * As {@link #dropsFrame(String, int, Http2ClientStream)}, for a DATA frame of this flow-controlled length.
     *
     * @throws ConnectionException FLOW_CONTROL_ERROR for DATA past what a stream we reset let the server send
     */
    boolean dropsData(int id, Http2ClientStream stream, int length) throws IOException {
        return dropsFrame("DATA", id, stream, length);
    }

    private boolean dropsFrame(String frameType, int id, Http2ClientStream stream, int dataLength)
            throws IOException {
        Ending ending = stream != null ? endingOf(stream) : recalled(id);
        if (ending == null) {
            return false;
        }
        return switch (ending) {
            case RESET_HERE -> {
                chargeLate(frameType, id, stream, dataLength);
                yield true;
            }
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

    /** Charges a late frame on a stream we reset: DATA to what its window allowed, the rest as frames for nothing. */
    private void chargeLate(String frameType, int id, Http2ClientStream stream, int dataLength) throws IOException {
        if (dataLength < 0) {
            answers.take(System.nanoTime());
            return;
        }
        if (stream != null) {
            try {
                stream.receiveWindow.take(dataLength);
            } catch (Http2Exception e) {
                throw latePastWindow(id);
            }
            return;
        }
        synchronized (this) {
            Integer allowed = lateAllowance.get(id);
            if (allowed == null) { // forgotten: a late frame now and then, not a stream of them
                answers.take(System.nanoTime());
            } else if (dataLength > allowed) {
                throw latePastWindow(id);
            } else {
                lateAllowance.put(id, allowed - dataLength);
            }
        }
    }

    private static ConnectionException latePastWindow(int id) {
        return new ConnectionException(ErrorCode.FLOW_CONTROL_ERROR, "DATA on stream " + id + " past the window it"
                + " had when we reset it (RFC 9113 §6.9)");
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
