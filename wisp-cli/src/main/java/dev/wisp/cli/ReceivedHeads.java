package dev.wisp.cli;

import dev.wisp.client.EventListener;
import dev.wisp.client.Request;
import dev.wisp.core.ResponseHead;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every response head of a call as it came off the wire, in order: those of the redirects and authentication
 * challenges followed, then the last, each after the interim ones that came before it ({@code 100 Continue},
 * {@code 103 Early Hints}). What {@code -i}, {@code -I} and {@code -D} print, as curl prints each hop's heads; and the
 * last head before the client's decoding of a {@code --compressed} body took its {@code Content-Encoding} and
 * {@code Content-Length} away. Heads may arrive on a connection's thread, so they are kept in a concurrent list.
 */
final class ReceivedHeads implements EventListener {
    private final List<ResponseHead> heads = new CopyOnWriteArrayList<>();
    /** Whether the last head was followed up: its redirect's next request made, or its challenge answered. */
    private volatile boolean lastFollowed;

    @Override
    public void interimResponse(Request request, ResponseHead head) {
        heads.add(head);
    }

    @Override
    public void responseHeaders(Request request, ResponseHead head) {
        heads.add(head);
        lastFollowed = false;
    }

    @Override
    public void redirected(Request request, ResponseHead response, Request next) {
        lastFollowed = true;
    }

    @Override
    public void authenticating(Request request, ResponseHead response, Request next) {
        lastFollowed = true;
    }

    /** Whether the last head is a redirect with a Location that no request followed: one the client refused. */
    boolean isLastRedirectUnfollowed() {
        ResponseHead last = heads.isEmpty() ? null : heads.getLast();
        return last != null && last.status().code() / 100 == 3 && last.headers().contains("Location") && !lastFollowed;
    }

    /**
     * Every head as {@link HeadText}, one after the other, each ending with its blank line, as curl writes them; the
     * fallback alone when none came through this listener.
     */
    byte[] text(ResponseHead fallback) {
        StringBuilder text = new StringBuilder();
        (heads.isEmpty() ? List.of(fallback) : heads).forEach(head -> text.append(HeadText.of(head)));
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
