package dev.wisp.websocket.internal;

import static dev.wisp.websocket.CloseCode.INVALID_PAYLOAD;
import static dev.wisp.websocket.CloseCode.MESSAGE_TOO_BIG;
import static dev.wisp.websocket.CloseCode.PROTOCOL_ERROR;
import static dev.wisp.websocket.CloseCode.TRY_AGAIN_LATER;

import dev.wisp.core.SharedBudget;
import dev.wisp.core.WireInput;
import dev.wisp.transport.HeapPressure;
import dev.wisp.websocket.WebSocketProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads WebSocket frames (RFC 6455 §5) from a {@link WireInput} and assembles them into messages: it checks every
 * frame header, unmasks, joins fragments, validates text as UTF-8 fragment by fragment, inflates compressed
 * messages (RFC 7692) and enforces the frame and message size limits. Control frames come back as they arrive,
 * also between the fragments of a message.
 *
 * <p>Every violation is a {@link WebSocketProtocolException} carrying the close code to fail the connection
 * with: 1002 for framing, 1007 for bad UTF-8 or compressed data, 1009 for a limit, 1013 for a message a server has
 * no memory for now. After one, the reader is
 * done: the connection must be failed, not read further.
 *
 * <p>Not thread-safe: the connection's reading thread owns it.
 */
public final class WebSocketFrameReader {
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /**
     * The room a message takes at first, and the most a compressed frame's bytes take at once; past it the message
     * doubles as its bytes come. A server takes no room for a message while the heap is nearly full
     * ({@link HeapPressure}): close 1013, try again later.
     */
    private static final int ROOM_STEP = 64 * 1024;

    private final WireInput in;
    private final Role role;
    private final int maxFrameBytes;
    private final int maxMessageBytes;
    /** The peer's compressor's counterpart; null when permessage-deflate was not negotiated. */
    private final MessageInflater inflater;
    /** The data message being assembled; null between messages, so an idle connection holds none. */
    private MessageBuffer message;
    /** The UTF-8 check of the text message being assembled; null otherwise, as the message is. */
    private Utf8Validator utf8;
    /** The opcode of the fragmented message in progress (TEXT or BINARY), or null between messages. */
    private Opcode messageOpcode;
    private boolean messageCompressed;
    /** Where the room of messages is charged, or null; see {@link #chargeMessagesTo}. */
    private SharedBudget.Ledger messages;
    /** How much the message in progress, or the last one until {@link #messageHandled()}, was charged. */
    private int charged;

    /**
     * @param role this side: a server reads masked frames only, a client unmasked ones only
     * @param maxFrameBytes the largest frame payload accepted (1009 beyond)
     * @param maxMessageBytes the largest message accepted, after decompression (1009 beyond)
     * @param inflater the decompressor if permessage-deflate was negotiated, else null (then RSV1 is an error)
     */
    public WebSocketFrameReader(WireInput in, Role role, int maxFrameBytes, int maxMessageBytes,
            MessageInflater inflater) {
        this.in = in;
        this.role = role;
        this.maxFrameBytes = maxFrameBytes;
        this.maxMessageBytes = maxMessageBytes;
        this.inflater = inflater;
    }

    /**
     * Charges the room every message takes to this part of a budget that many connections share (a server's held
     * content), from its first bytes until {@link #messageHandled()}: a message past what the budget can spare fails
     * with 1013, try again later. Without it, the heap bounded what many connections assembled at once: 300 clients
     * each sending a megabyte to an echo that they never read filled a 32 MiB heap.
     */
    public void chargeMessagesTo(SharedBudget.Ledger ledger) {
        this.messages = ledger;
    }

    /** The last message was handled (its listener returned, or it was handed to the application): its charge goes. */
    public void messageHandled() {
        if (charged > 0) {
            messages.giveBack(charged);
            charged = 0;
        }
    }

    /** Charges room taken for the message in progress, if messages are charged; 1013 if the budget cannot spare it. */
    private void charge(int bytes) throws WebSocketProtocolException {
        if (messages == null || bytes <= 0) {
            return;
        }
        if (!messages.take(bytes)) {
            throw shortOfMemory();
        }
        charged += bytes;
    }

    private static WebSocketProtocolException shortOfMemory() {
        return new WebSocketProtocolException(TRY_AGAIN_LATER, HeapPressure.REFUSAL);
    }

    /**
     * Reads frames until a data message is complete or a control frame arrives, and returns it.
     *
     * @throws WebSocketProtocolException if the peer broke the protocol or a limit
     * @throws EOFException if the stream ends, between frames or inside one
     */
    public Incoming readNext() throws IOException {
        while (true) {
            FrameHeader header = readHeader();
            if (header.opcode().isControl()) {
                return readControl(header);
            }
            Incoming done = readData(header);
            if (done != null) {
                return done;
            }
        }
    }

    /** Whether no fragmented message is in progress: a reader made anew would go on where this one is. */
    public boolean isBetweenMessages() {
        return messageOpcode == null;
    }

    /*
     *  byte 0: FIN RSV1 RSV2 RSV3 opcode(4)    byte 1: MASK length(7)
     *  length 0-125: the length; 126: a 16-bit length follows; 127: a 64-bit length follows (top bit 0)
     *  then, if MASK, the 4-byte masking key; then the payload
     */
    private FrameHeader readHeader() throws IOException {
        int b0 = in.readByte();
        if (b0 < 0) {
            throw new EOFException("stream ended before a close frame");
        }
        int b1 = requireByte();
        boolean fin = (b0 & 0x80) != 0;
        boolean rsv1 = (b0 & 0x40) != 0;
        Opcode opcode = Opcode.of(b0);
        if (opcode == null) {
            throw protocolError("reserved opcode 0x" + Integer.toHexString(b0 & 0xf));
        }
        if ((b0 & 0x30) != 0) {
            throw protocolError("reserved bit RSV" + ((b0 & 0x20) != 0 ? 2 : 3)
                    + " set without a negotiated extension");
        }
        checkRsv1(rsv1, opcode);
        boolean masked = (b1 & 0x80) != 0;
        if (masked != (role == Role.SERVER)) {
            throw protocolError(masked ? "frame from the server is masked" : "frame from the client is not masked");
        }
        long length = readLength(b1 & 0x7f);
        if (opcode.isControl()) {
            if (!fin) {
                throw protocolError("fragmented " + opcode + " frame");
            }
            if (length > MAX_CONTROL_PAYLOAD) {
                throw protocolError(opcode + " frame payload of " + length + " bytes exceeds 125");
            }
        } else if (length > maxFrameBytes) {
            throw new WebSocketProtocolException(MESSAGE_TOO_BIG,
                    "frame payload of " + length + " bytes exceeds " + maxFrameBytes + " bytes (maxFrameBytes)");
        }
        int maskKey = masked ? requireByte() << 24 | requireByte() << 16 | requireByte() << 8 | requireByte() : 0;
        return new FrameHeader(fin, rsv1, opcode, masked, maskKey, length);
    }

    private void checkRsv1(boolean rsv1, Opcode opcode) throws WebSocketProtocolException {
        if (!rsv1) {
            return;
        }
        if (inflater == null) {
            throw protocolError("reserved bit RSV1 set without a negotiated extension");
        }
        // RFC 7692 §6: the "Per-Message Compressed" bit is set on the first frame of a data message only.
        if (opcode.isControl()) {
            throw protocolError("RSV1 set on a " + opcode + " frame");
        }
        if (opcode == Opcode.CONTINUATION) {
            throw protocolError("RSV1 set on a continuation frame");
        }
    }

    private long readLength(int length7) throws IOException {
        if (length7 < 126) {
            return length7;
        }
        // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length", so a 16-bit length below
        // 126 or a 64-bit length below 65536 is a protocol error, as is a 64-bit length with its top bit set.
        if (length7 == 126) {
            int length = requireByte() << 8 | requireByte();
            if (length < 126) {
                throw protocolError("16-bit payload length " + length + " is not minimally encoded");
            }
            return length;
        }
        long length = 0;
        for (int i = 0; i < 8; i++) {
            length = length << 8 | requireByte();
        }
        if (length < 0) {
            throw protocolError("64-bit payload length has its most significant bit set");
        }
        if (length <= 0xffff) {
            throw protocolError("64-bit payload length " + length + " is not minimally encoded");
        }
        return length;
    }

    private Incoming readControl(FrameHeader header) throws IOException {
        byte[] payload = new byte[(int) header.length()];
        readPayload(header, payload, 0, null);
        return switch (header.opcode()) {
            case PING -> new Incoming.Ping(payload);
            case PONG -> new Incoming.Pong(payload);
            default -> CloseFrames.parse(payload);
        };
    }

    /** Adds a data frame to the message in progress; returns the message when this frame ends it. */
    private Incoming readData(FrameHeader header) throws IOException {
        if (header.opcode() == Opcode.CONTINUATION) {
            if (messageOpcode == null) {
                throw protocolError("continuation frame without a message to continue");
            }
        } else {
            if (messageOpcode != null) {
                throw protocolError(header.opcode() + " frame inside a fragmented " + messageOpcode + " message");
            }
            messageOpcode = header.opcode();
            messageCompressed = header.rsv1();
            messageHandled(); // a message's charge goes at the next one's start, whoever forgot to say it was handled
            message = new MessageBuffer();
            utf8 = messageOpcode == Opcode.TEXT ? new Utf8Validator() : null;
        }
        int length = (int) header.length();
        int start = message.size();
        if (messageCompressed) {
            byte[] compressed = new byte[Math.min(length, ROOM_STEP)];
            for (int done = 0; done < length; ) {
                int slice = Math.min(length - done, compressed.length);
                readPayload(header, compressed, 0, done, slice, null);
                int before = message.size();
                inflater.inflate(compressed, 0, slice, message, maxMessageBytes);
                charge(message.size() - before);
                done += slice;
            }
            if (header.fin()) {
                inflater.finish(message, maxMessageBytes);
            }
            if (utf8 != null && !utf8.feed(message.array(), start, message.size() - start)) {
                throw notUtf8();
            }
        } else {
            if (length > maxMessageBytes - message.size()) {
                throw messageTooBig();
            }
            for (int done = 0; done < length; ) {
                // The room grows as the bytes come (doubling the message), not by the frame's length at once: a
                // header alone must not take its length's worth of memory, or a client that announces megabytes
                // on many connections and never sends them fills the heap for the price of a few bytes.
                int slice = Math.min(length - done, Math.max(ROOM_STEP, message.size()));
                if (role == Role.SERVER && HeapPressure.isHigh()) {
                    throw shortOfMemory();
                }
                charge(slice);
                message.reserve(slice);
                readPayload(header, message.array(), message.size(), done, slice, utf8);
                message.commit(slice);
                done += slice;
            }
        }
        return header.fin() ? completeMessage() : null;
    }

    private Incoming completeMessage() throws WebSocketProtocolException {
        Opcode opcode = messageOpcode;
        messageOpcode = null;
        try {
            if (opcode == Opcode.TEXT) {
                if (!utf8.isComplete()) {
                    throw new WebSocketProtocolException(INVALID_PAYLOAD,
                            "text message ends inside a UTF-8 sequence");
                }
                return new Incoming.Text(message.size() == 0 ? "" // no room was taken for it
                        : new String(message.array(), 0, message.size(), StandardCharsets.UTF_8));
            }
            return new Incoming.Binary(message.take());
        } finally {
            message = null;
            utf8 = null;
        }
    }

    /**
     * Reads a frame's payload and unmasks it, piece by piece as the bytes arrive; text is checked as UTF-8 on each
     * piece, so a frame whose payload turns invalid fails at that byte, not once the frame is whole (RFC 6455 §8.1
     * allows failing as soon as the text cannot be valid; the Autobahn cases 6.4.3 and 6.4.4 expect it).
     *
     * @param utf8 the check of the text message the payload belongs to, or null for bytes that are not checked here
     */
    private void readPayload(FrameHeader header, byte[] destination, int offset, Utf8Validator utf8)
            throws IOException {
        readPayload(header, destination, offset, 0, (int) header.length(), utf8);
    }

    /** As {@link #readPayload(FrameHeader, byte[], int, Utf8Validator)}, for the payload's bytes from {@code from}. */
    private void readPayload(FrameHeader header, byte[] destination, int offset, int from, int count,
            Utf8Validator utf8) throws IOException {
        for (int done = 0; done < count; ) {
            int n = in.read(destination, offset + done, count - done);
            if (n < 0) {
                throw new EOFException("stream ended inside a frame payload");
            }
            if (header.masked()) {
                Masking.apply(destination, offset + done, n, header.maskKey(), from + done);
            }
            if (utf8 != null && !utf8.feed(destination, offset + done, n)) {
                throw notUtf8();
            }
            done += n;
        }
    }

    private static WebSocketProtocolException notUtf8() {
        return new WebSocketProtocolException(INVALID_PAYLOAD, "text message is not valid UTF-8");
    }

    private int requireByte() throws IOException {
        int b = in.readByte();
        if (b < 0) {
            throw new EOFException("stream ended inside a frame header");
        }
        return b;
    }

    private WebSocketProtocolException messageTooBig() {
        return new WebSocketProtocolException(MESSAGE_TOO_BIG,
                "message exceeds " + maxMessageBytes + " bytes (maxMessageBytes)");
    }

    private static WebSocketProtocolException protocolError(String message) {
        return new WebSocketProtocolException(PROTOCOL_ERROR, message);
    }
}
