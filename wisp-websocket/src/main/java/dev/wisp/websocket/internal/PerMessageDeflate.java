package dev.wisp.websocket.internal;

import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.Deflater;

/**
 * The permessage-deflate extension (RFC 7692) as agreed for one connection, and its negotiation.
 *
 * <p><b>Window bits.</b> java.util.zip compresses with a 15-bit window only, and inflates data made with any
 * window up to 15 bits. So this side accepts any window for what the peer sends. A server asked for a smaller
 * window ({@code server_max_window_bits} 8-14) agrees and compresses with no LZ77 window at all: literals only,
 * Huffman-coded ({@link Deflater#HUFFMAN_ONLY}), which refer to no earlier byte and so fit any window (RFC 7692
 * §7.1.2.1 limits how far back the sender refers), at a cost in compression. For the same reason a client offers
 * {@code client_max_window_bits}, and compresses with literals only if the server answers with a window under 15
 * bits (§7.1.2.2).
 *
 * @param serverNoContextTakeover the server compresses each message with an empty window
 * @param clientNoContextTakeover the client compresses each message with an empty window
 * @param serverMaxWindowBits the server's window as stated in the answer, or 0 if not stated (then 15)
 * @param clientMaxWindowBits the client's window as the server's answer limits it, or 0 if not stated (then 15)
 */
public record PerMessageDeflate(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
        int serverMaxWindowBits, int clientMaxWindowBits) {
    public static final String NAME = "permessage-deflate";
    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";
    /**
     * Every agreement a server can make, made once: each connection that agrees
     * on permessage-deflate keeps its agreement, and an idle connection should keep nothing of its own it can share.
     */
    private static final List<PerMessageDeflate> SERVER_AGREEMENTS = serverAgreements();

    /** An agreement that leaves the client's window as it is, as every server's agreement does. */
    public PerMessageDeflate(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
            int serverMaxWindowBits) {
        this(serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, 0);
    }

    /**
     * A server's choice among a client's offers: the first permessage-deflate offer it can honour, or empty to
     * answer without the extension.
     */
    public static Optional<PerMessageDeflate> negotiate(List<WebSocketExtension> offers, WebSocketConfig config) {
        for (WebSocketExtension offer : offers) {
            if (offer.name().equalsIgnoreCase(NAME)) {
                Optional<PerMessageDeflate> accepted = accept(offer, config);
                if (accepted.isPresent()) {
                    return accepted;
                }
            }
        }
        return Optional.empty();
    }

    /** The server's view of one offer; empty if it must be declined (RFC 7692 §5.1, §7.1). */
    private static Optional<PerMessageDeflate> accept(WebSocketExtension offer, WebSocketConfig config) {
        boolean serverNoContextTakeover = config.serverNoContextTakeover();
        boolean clientNoContextTakeover = config.clientNoContextTakeover();
        int serverMaxWindowBits = 0;
        Set<String> seen = new HashSet<>();
        for (WebSocketExtension.Parameter parameter : offer.parameters()) {
            String name = parameter.name().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                return Optional.empty(); // §7: a repeated parameter declines the offer
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER, CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (parameter.value() != null) {
                        return Optional.empty();
                    }
                    if (name.equals(SERVER_NO_CONTEXT_TAKEOVER)) {
                        serverNoContextTakeover = true;
                    } else {
                        clientNoContextTakeover = true;  // a hint; answering it costs the client nothing
                    }
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    serverMaxWindowBits = windowBits(parameter.value());
                    if (serverMaxWindowBits < 0) {
                        return Optional.empty();
                    }
                    // §7.1.2.1: an offered limit must be answered; under 15 bits, we send literals only.
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    // The client allows us to limit its window; we need not, any window inflates here.
                    if (parameter.value() != null && windowBits(parameter.value()) < 0) {
                        return Optional.empty();
                    }
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        PerMessageDeflate agreed = new PerMessageDeflate(serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits);
        int shared = SERVER_AGREEMENTS.indexOf(agreed);
        return Optional.of(shared >= 0 ? SERVER_AGREEMENTS.get(shared) : agreed);
    }

    private static List<PerMessageDeflate> serverAgreements() {
        List<PerMessageDeflate> agreements = new ArrayList<>();
        for (boolean serverNoContextTakeover : new boolean[] {false, true}) {
            for (boolean clientNoContextTakeover : new boolean[] {false, true}) {
                for (int serverMaxWindowBits : new int[] {0, 8, 9, 10, 11, 12, 13, 14, 15}) {
                    agreements.add(new PerMessageDeflate(serverNoContextTakeover, clientNoContextTakeover,
                            serverMaxWindowBits));
                }
            }
        }
        return List.copyOf(agreements);
    }

    /** The server's answer: only parameters the offer allowed, or that a server may always add. */
    public WebSocketExtension response() {
        List<WebSocketExtension.Parameter> parameters = new ArrayList<>();
        if (serverNoContextTakeover) {
            parameters.add(new WebSocketExtension.Parameter(SERVER_NO_CONTEXT_TAKEOVER, null));
        }
        if (clientNoContextTakeover) {
            parameters.add(new WebSocketExtension.Parameter(CLIENT_NO_CONTEXT_TAKEOVER, null));
        }
        if (serverMaxWindowBits != 0) {
            parameters.add(new WebSocketExtension.Parameter(SERVER_MAX_WINDOW_BITS,
                    Integer.toString(serverMaxWindowBits)));
        }
        return new WebSocketExtension(NAME, parameters);
    }

    /**
     * A client's offer, from its configuration, with {@code client_max_window_bits}: any window the server asks for
     * is honoured (literals only under 15 bits).
     */
    public static WebSocketExtension offer(WebSocketConfig config) {
        List<WebSocketExtension.Parameter> parameters = new ArrayList<>(new PerMessageDeflate(
                config.serverNoContextTakeover(), config.clientNoContextTakeover(), 0).response().parameters());
        parameters.add(new WebSocketExtension.Parameter(CLIENT_MAX_WINDOW_BITS, null));
        return new WebSocketExtension(NAME, parameters);
    }

    /**
     * A client's check of the server's answer to {@link #offer(WebSocketConfig)}.
     *
     * @throws WebSocketHandshakeException if the answer holds what the offer did not allow
     */
    public static PerMessageDeflate accepted(WebSocketExtension answer, WebSocketConfig config)
            throws WebSocketHandshakeException {
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = config.clientNoContextTakeover();
        int serverMaxWindowBits = 0;
        int clientMaxWindowBits = 0;
        Set<String> seen = new HashSet<>();
        for (WebSocketExtension.Parameter parameter : answer.parameters()) {
            String name = parameter.name().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw refused("repeats " + name);
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> serverNoContextTakeover = true;
                case CLIENT_NO_CONTEXT_TAKEOVER -> clientNoContextTakeover = true;
                case SERVER_MAX_WINDOW_BITS -> {
                    serverMaxWindowBits = windowBits(parameter.value());
                    if (serverMaxWindowBits < 0) {
                        throw refused("has an invalid server_max_window_bits");
                    }
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    clientMaxWindowBits = windowBits(parameter.value()); // §7.1.2.2: the answer gives a value
                    if (clientMaxWindowBits < 0) {
                        throw refused("has an invalid client_max_window_bits");
                    }
                }
                default -> throw refused("has an unknown parameter " + name);
            }
            if ((name.endsWith("context_takeover")) && parameter.value() != null) {
                throw refused("gives " + name + " a value");
            }
        }
        if (config.serverNoContextTakeover() && !serverNoContextTakeover) {
            throw refused("drops server_no_context_takeover, which was offered");
        }
        return new PerMessageDeflate(serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits,
                clientMaxWindowBits);
    }

    /** The compressor for what this side sends: literals only if its window was limited under 15 bits. */
    public MessageDeflater newDeflater(Role role) {
        boolean reset = role == Role.SERVER ? serverNoContextTakeover : clientNoContextTakeover;
        int windowBits = role == Role.SERVER ? serverMaxWindowBits : clientMaxWindowBits;
        boolean smallWindow = windowBits != 0 && windowBits < 15;
        return new MessageDeflater(reset, Deflater.DEFAULT_COMPRESSION, smallWindow);
    }

    /** The decompressor for what the peer sends. */
    public MessageInflater newInflater(Role role) {
        return new MessageInflater(role == Role.SERVER ? clientNoContextTakeover : serverNoContextTakeover);
    }

    /** A window size 8-15 in plain decimal, or -1. */
    private static int windowBits(String value) {
        if (value == null || value.length() > 2 || value.isEmpty() || value.charAt(0) == '0') {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;
            }
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : -1;
    }

    private static WebSocketHandshakeException refused(String what) {
        return new WebSocketHandshakeException("the server's permessage-deflate answer " + what);
    }
}
