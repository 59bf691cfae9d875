package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.ProxyAuthenticationException;
import dev.wisp.client.ProxyConfig;
import dev.wisp.client.Request;
import dev.wisp.client.WebSocketRefusedException;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Version;
import java.io.IOException;

/**
 * Runs a call through its follow-ups: each hop is one exchange ({@link CallRunner}); a redirect the policy follows
 * or an authentication challenge that can be answered becomes the next hop, on the same call (deadline, clock,
 * cancellation). The body of a response that is followed up is read and dropped when short, so its connection
 * can be reused, and abandoned otherwise.
 *
 * <p>Runs on the call's thread; the shared {@link FollowUpState} is thread-safe.
 */
public final class CallChain {
    private static final System.Logger LOG = System.getLogger(CallChain.class.getName());
    /** The most of a followed-up response's body read to keep its connection; a longer one closes it. */
    private static final int MAX_DRAIN_BYTES = 64 * 1024;

    private CallChain() {
    }

    /**
     * Sends the request and its follow-ups; returns the last response. Each hop is prepared ({@link
     * FollowUpState.CallFollowUps#prepare}) from the request as the caller, a redirect or the answer to a challenge
     * made it, once the previous answer's cookies are in the jar: a session or CSRF cookie set on a 401 or a 302
     * goes out on the hop that follows it.
     */
    public static ExchangeResult execute(ConnectionSource source, CallContext call, FollowUpState state)
            throws IOException {
        int redirects = 0;
        boolean challengeAnswered = false;
        boolean staleAnswered = false;
        // The request as the caller (or the last redirect) made it, and this hop's before its cookies and credentials.
        Request plain = call.request();
        Request hop = plain;
        FollowUpState.CallFollowUps followUps = state.forCall();
        call.followUp(followUps.prepare(hop));
        while (true) {
            Request request = call.request();
            ExchangeResult result = CallRunner.execute(source, call);
            ResponseHead head = result.head();
            Request next;
            try {
                refuseProxyChallenge(call, request, head);
                state.received(request, head);
                // One answer to a challenge, and one more when the server says that answer's nonce had gone stale.
                boolean stale = challengeAnswered && !staleAnswered && head.status().code() == 401
                        && DigestSession.saysStale(AuthChallengeParser.parse(head.headers().all("WWW-Authenticate")));
                hop = challengeAnswered && !stale ? null : followUps.answerChallenge(hop, head);
                staleAnswered |= stale && hop != null;
                challengeAnswered = hop != null;
                boolean redirect = false;
                if (hop == null) {
                    hop = Redirects.next(plain, head, call.config().redirectPolicy(), redirects);
                    if (hop != null && !source.reaches(hop.origin())) {
                        return result; // an explicit connection cannot go to another origin
                    }
                    if (hop != null) {
                        redirects++;
                        plain = hop;
                        redirect = true;
                    }
                }
                next = hop == null ? null : followUps.prepare(hop);
                if (next != null) {
                    announce(call, request, head, next, redirect);
                }
            } catch (IOException | RuntimeException | Error e) {
                result.abandon();
                CallRunner.failed(call, e instanceof IOException io ? io : new IOException(e));
                throw e;
            }
            if (next == null) {
                return result;
            }
            drain(result.body());
            call.followUp(next);
        }
    }

    /** One attempt at a WebSocket's opening handshake with the request as it goes out. */
    @FunctionalInterface
    public interface WebSocketOpening<T> {
        T open(Request request) throws IOException;
    }

    /**
     * Opens a WebSocket with the follow-ups its handshake allows: the credentials and the jar's cookies a call would
     * send, and one answer to a {@code 401} challenge (Digest, or Basic for {@link dev.wisp.client.Credentials#any});
     * no redirects (RFC 6455 §4.1 lets a client follow them, and browsers do not). The opening keeps each answer's
     * cookies in the jar, a refusal's as a 101's ({@link WebSocketUpgrader#answered}).
     */
    public static <T> T openWebSocket(Request request, ClientConfig config, FollowUpState state,
            WebSocketOpening<T> opening) throws IOException {
        FollowUpState.CallFollowUps followUps = state.forCall();
        Request prepared = followUps.prepare(request);
        try {
            return opening.open(prepared);
        } catch (WebSocketRefusedException refused) {
            ResponseHead head = new ResponseHead(Version.HTTP_1_1, refused.status(), refused.headers());
            Request answer = followUps.answerChallenge(request, head);
            if (answer == null) {
                throw refused;
            }
            // Prepared now, as a call's hop is: the refusal's cookies are in the jar (WebSocketUpgrader#answered).
            Request retry = followUps.prepare(answer);
            Events.fire(config.eventListener(), listener -> listener.authenticating(prepared, head, retry));
            return opening.open(retry);
        }
    }

    /**
     * A 407 on a request sent through an HTTP proxy (absolute-form, for http): the proxy wants credentials it was not
     * given, or refused those it was, and the origin never saw the request. Returned as the response instead when
     * the proxy's configuration asks for it.
     */
    private static void refuseProxyChallenge(CallContext call, Request request, ResponseHead head)
            throws ProxyAuthenticationException {
        if (head.status().code() == 407) {
            ProxyConfig proxy = call.config().proxyFor(request.origin()).orElse(null);
            if (proxy != null && proxy.forwardsRequests(request.origin()) && !proxy.returnsChallenges()) {
                throw new ProxyAuthenticationException(proxy, head, proxy.hasCredentials());
            }
        }
    }

    private static void announce(CallContext call, Request request, ResponseHead head, Request next,
            boolean redirect) {
        Events.fire(call.config().eventListener(), listener -> {
            if (redirect) {
                listener.redirected(request, head, next);
            } else {
                listener.authenticating(request, head, next);
            }
        });
    }

    /** Reads a short body to its end (the connection goes back to the pool) or abandons a long one. */
    private static void drain(BodyInputStream body) {
        try (body) {
            long left = MAX_DRAIN_BYTES;
            byte[] buffer = new byte[8192];
            int n;
            while (left > 0 && (n = body.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= n;
            }
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "dropping the body of a followed-up response: " + e.getMessage());
        }
    }
}
