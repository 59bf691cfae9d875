package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ClientConfig;
import dev.wisp.core.Headers;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.http2.ConnectionException;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameRateLimit;
import dev.wisp.http2.HeadersFrame;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.ReceiveFlow;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.ResponseFields;
import dev.wisp.http2.StreamException;
import dev.wisp.http2.TrailerFields;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.http2.hpack.HpackDecoder;
import dev.wisp.http2.hpack.HpackException;
import dev.wisp.http2.hpack.HpackField;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What the reading thread of an {@link Http2ClientConnection} does with the frames on its streams: it decodes the
 * header blocks of HEADERS into a stream's response heads, interim and final, then its trailers (RFC 9113 §8.1),
 * within maxHeaderBytes and maxHeaderCount; it hands DATA to its stream through the connection's receive window; and
 * it passes on the server's RST_STREAM and a stream's WINDOW_UPDATE. A frame on a stream never opened is a connection
 * error (§5.1), one on a stream that ended is judged by {@link Http2ClosedStreams}, and one that breaks a rule of its
 * stream fails that stream alone ({@link #failStream}). The frames of the connection as a whole (SETTINGS, PING,
 * GOAWAY, the connection's WINDOW_UPDATE) and the ends of streams on the wire are the connection's.
 *
 * <p>On the connection's reading thread only. The streams it finds by id are the connection's, which the calls'
 * threads open and let go of meanwhile.
 */
final class Http2StreamFrames {
    private static final System.Logger LOG = System.getLogger(Http2StreamFrames.class.getName());
    private static final byte[] NO_BYTES = new byte[0];

    private final ClientConfig config;
    /** The connection's streams by id; a call's thread removes its own as it lets go of it. */
    private final Map<Integer, Http2ClientStream> streams;
    /** The id of the last stream the connection opened, for telling a closed stream from an idle one (§5.1). */
    private final IntSupplier highestOpened;
    private final HpackDecoder decoder;
    private final ReceiveFlow receiveFlow;
    private final Http2Output output;
    /** The connection's bound on frames that carry no response, empty DATA among them. */
    private final FrameRateLimit idleFrames;
    private final Http2ClosedStreams closedStreams;
    /** The connection's name, for log lines. */
    private final String name;

    Http2StreamFrames(ClientConfig config, Map<Integer, Http2ClientStream> streams, IntSupplier highestOpened,
            ReceiveFlow receiveFlow, Http2Output output, FrameRateLimit idleFrames, Http2ClosedStreams closedStreams,
            String name) {
        this.config = config;
        this.streams = streams;
        this.highestOpened = highestOpened;
        this.decoder = new HpackDecoder(config.maxHeaderBytes(), config.maxHeaderBytes());
        this.receiveFlow = receiveFlow;
        this.output = output;
        this.idleFrames = idleFrames;
        this.closedStreams = closedStreams;
        this.name = name;
    }

    void onHeaders(HeadersFrame frame) throws IOException {
        int id = frame.streamId();
        // The block changes the decoder's table whatever becomes of the stream, so it is decoded first.
        List<HpackField> fields;
        MessageTooLargeException tooLarge = null;
        try {
            fields = decoder.decode(frame.headerBlock());
        } catch (HpackException e) {
            if (!e.isPastLimit()) {
                throw new ConnectionException(ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
            tooLarge = headerSectionTooLarge();
            fields = List.of();
        }
        Http2ClientStream stream = knownStream(id, "HEADERS");
        if (closedStreams.dropsFrame("HEADERS", id, stream)) {
            return;
        }
        if (frame.priority().isPresent() && frame.priority().get().streamDependency() == id) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id, "HEADERS making stream " + id
                    + " depend on itself (RFC 9113 §5.3.1)");
        }
        if (tooLarge != null) {
            failStream(id, ErrorCode.CANCEL, tooLarge);
            return;
        }
        if (stream.hasFinalHead()) {
            if (!frame.endStream()) {
                throw new StreamException(ErrorCode.PROTOCOL_ERROR, id,
                        "a header block after the response head that does not end the stream (RFC 9113 §8.1)");
            }
            Headers trailers = TrailerFields.decode(fields, id);
            // The fields received count, not those kept: the prohibited ones are dropped from the trailers.
            if (!failsFieldCount(id, fields.size(), "trailer")) {
                stream.receiveTrailers(trailers);
            }
            return;
        }
        ResponseHead head = ResponseFields.decode(fields, id);
        if (failsFieldCount(id, head.headers().size(), "header")) {
            return;
        }
        boolean isFinal = !head.status().isInformational();
        if (!isFinal && frame.endStream()) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id,
                    "an interim response that ends the stream (RFC 9113 §8.1)");
        }
        if (isFinal) {
            stream.declareLength(stream.declaredLength(head));
        }
        stream.receiveHead(head, isFinal);
        if (frame.endStream()) {
            stream.receive(NO_BYTES, true);
        }
    }

    /** Fails the stream if a header or trailer section holds more fields than maxHeaderCount; returns whether. */
    private boolean failsFieldCount(int id, int count, String section) {
        if (count <= config.maxHeaderCount()) {
            return false;
        }
        failStream(id, ErrorCode.CANCEL, new MessageTooLargeException(Status.BAD_GATEWAY, "response with " + count
                + " " + section + " fields, more than maxHeaderCount (" + config.maxHeaderCount() + ")",
                "maxHeaderCount", config.maxHeaderCount()));
        return true;
    }

    /** What a call gets for a response header section larger than maxHeaderBytes. */
    MessageTooLargeException headerSectionTooLarge() {
        return new MessageTooLargeException(Status.BAD_GATEWAY, "response header section", config.maxHeaderBytes(),
                "maxHeaderBytes");
    }

    void onData(DataFrame frame, long now) throws IOException {
        int id = frame.streamId();
        receiveFlow.charge(frame);
        if (frame.data().length == 0 && !frame.endStream()) {
            idleFrames.take(now);
        }
        Http2ClientStream stream = knownStream(id, "DATA"); // its credit to the connection went back on arrival
        if (closedStreams.dropsData(id, stream, frame.flowControlledLength())) {
            return;
        }
        if (!stream.hasFinalHead()) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id,
                    "DATA on stream " + id + " before its response head");
        }
        receiveFlow.deliver(stream, frame);
    }

    /** A WINDOW_UPDATE on a stream; the connection's own (stream 0) is not one. */
    void onWindowUpdate(WindowUpdateFrame frame) throws IOException {
        Http2ClientStream stream = knownStream(frame.streamId(), "WINDOW_UPDATE");
        if (stream != null) {
            output.expandStream(stream, frame.increment());
        }
    }

    void onReset(ResetFrame frame) throws IOException {
        int id = frame.streamId();
        Http2ClientStream stream = knownStream(id, "RST_STREAM");
        if (stream == null || stream.isReset()) {
            return;
        }
        if (frame.errorCode().equals(ErrorCode.REFUSED_STREAM)) {
            stream.refusedUnprocessed();
        }
        // The content that came stays readable: a whole response must not be discarded (§8.1), and the part of one
        // is read up to the reset, whose error the read then gets, as when the connection ends under a download.
        output.resetByPeer(stream, frame.errorCode());
    }

    /**
     * The stream a frame names, or null for one its call let go of. A frame on a stream never opened is a connection
     * error (§5.1): even ids are the server's, which cannot open any with push disabled.
     */
    private Http2ClientStream knownStream(int id, String frameType) throws ConnectionException {
        Http2ClientStream stream = streams.get(id);
        if (stream == null && (id % 2 == 0 || id > highestOpened.getAsInt())) {
            throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, frameType + " on stream " + id
                    + ", which was never opened (RFC 9113 §5.1)");
        }
        return stream;
    }

    /** Fails a stream on our side: the call gets {@code cause}, the server RST_STREAM with {@code code}. */
    void failStream(int id, ErrorCode code, IOException cause) {
        Http2ClientStream stream = streams.get(id);
        if (stream == null) {
            if (id != 0 && id % 2 == 1 && id <= highestOpened.getAsInt()) {
                return; // ended here already
            }
            try {
                output.reset(id, code);
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "[" + name + "] reset " + id + ": " + e);
            }
            return;
        }
        stream.failed(cause);
        output.reset(stream, code);
        stream.discardBuffered();
    }
}
