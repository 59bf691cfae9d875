package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.CallCanceledException;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.Origin;
import dev.wisp.client.Request;
import java.time.Duration;

/**
 * One call as the internals see it: the request, the configuration, the clock, the call deadline, and
 * cancellation. {@link #cancel()} may come from any thread: it closes whatever the call is blocked on (the socket
 * being connected, or the connection of the exchange) so the blocked thread fails at once.
 */
public final class CallContext {
    private static final System.Logger LOG = System.getLogger(CallContext.class.getName());

    private volatile Request request;
    private final ClientConfig config;
    private final CallClock clock = new CallClock();
    private final long deadlineNanos;
    /** The request's own timeout, or the client's; null for none. */
    private final Duration callTimeout;
    private volatile boolean canceled;
    private volatile AutoCloseable blockedOn;
    /** The call's place in line on an explicit connection; null on a pool or before it is taken. */
    private volatile ConnectionTurns.Ticket ticket;
    /** The place an asynchronous call took in a pool's line when it was made; null once its lease took it. */
    private ConnectionPool.ReservedPlace reservedPlace;
    /** The server declared the call's last attempt unprocessed: it goes again, ahead of the calls waiting. */
    private volatile boolean goingAgain;
    /** The HTTP/2 connection that refused the last attempt, passed over by the next while another can be had. */
    private volatile Http2ClientConnection refusedOn;

    public CallContext(Request request, ClientConfig config) {
        this.request = request;
        this.config = config;
        this.callTimeout = request.timeout().or(config::callTimeout).orElse(null);
        this.deadlineNanos = callTimeout == null ? 0 : nonZero(clock.startNanos() + callTimeout.toNanos());
    }

    /** The call's timeout: its request's own, or the client's {@code callTimeout}; zero for none. */
    public Duration callTimeout() {
        return callTimeout == null ? Duration.ZERO : callTimeout;
    }

    private static long nonZero(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }

    /**
     * Marks the call as going again after the server declared its attempt unprocessed (RFC 9113 §8.7).
     *
     * @param refusedOn the HTTP/2 connection that refused it, which the next attempt passes over while another can
     *     be had (one that refuses every stream would refuse it again); null if none is to be
     */
    void goAgain(Http2ClientConnection refusedOn) {
        goingAgain = true;
        this.refusedOn = refusedOn;
    }

    /** The connection that refused the call's last attempt, or null. */
    Http2ClientConnection refusedOn() {
        return refusedOn;
    }

    /** Whether the call goes again after an attempt the server declared unprocessed. */
    boolean isGoingAgain() {
        return goingAgain;
    }

    public Request request() {
        return request;
    }

    /**
     * Moves the call on to a follow-up request (a redirect, an answer to a challenge): the same deadline, clock
     * and cancellation carry over.
     */
    public void followUp(Request next) {
        this.request = next;
        clock.nextHop();
    }

    public ClientConfig config() {
        return config;
    }

    public CallClock clock() {
        return clock;
    }

    /** The {@link System#nanoTime()} by which the whole call must end, or 0 for none. */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** The sooner of the call deadline and {@code timeout} from now. */
    long deadlineWithin(Duration timeout) {
        long local = System.nanoTime() + timeout.toNanos();
        return deadlineNanos != 0 && deadlineNanos - local < 0 ? deadlineNanos : local;
    }

    /** Whether the call deadline, rather than {@code timeout}, bounds a wait that ends at {@code deadline}. */
    boolean isCallDeadline(long deadline) {
        return deadlineNanos != 0 && deadline == deadlineNanos;
    }

    /** Records what a cancel must close; closes it at once if the call was canceled already. */
    void blockedOn(AutoCloseable resource) {
        blockedOn = resource;
        if (canceled) {
            closeQuietly(resource);
        }
    }

    /** The call's place in line on an explicit connection, or null. */
    ConnectionTurns.Ticket ticket() {
        return ticket;
    }

    /** Records the call's place in line, so a cancel gives it up; gives it up at once if the call was canceled. */
    void holdTicket(ConnectionTurns.Ticket taken) {
        ticket = taken;
        if (canceled) {
            taken.abandon();
        }
    }

    /** Records the place the call took in a pool's line; gives it up at once if the call was canceled. */
    void holdReservedPlace(ConnectionPool.ReservedPlace place) {
        synchronized (this) {
            reservedPlace = place;
        }
        if (canceled) { // a cancel that came meanwhile found no place to give up
            abandonReservedPlace();
        }
    }

    /**
     * The ticket of the place the call reserved in this pool's line for this origin, now the lease's to give up; null
     * if it reserved none (a place for another origin, which a follow-up never has, is given up).
     */
    WaitingCalls.Ticket takeReservedPlace(ConnectionPool pool, Origin origin) {
        ConnectionPool.ReservedPlace place = takeReservedPlace();
        if (place == null) {
            return null;
        }
        if (place.pool() != pool || !place.origin().equals(origin)) {
            place.abandon();
            return null;
        }
        return place.ticket();
    }

    private void abandonReservedPlace() {
        ConnectionPool.ReservedPlace place = takeReservedPlace();
        if (place != null) {
            place.abandon();
        }
    }

    /** The reserved place, now the caller's alone (a lease's, or a cancel's to give up); null if none is held. */
    private synchronized ConnectionPool.ReservedPlace takeReservedPlace() {
        ConnectionPool.ReservedPlace place = reservedPlace;
        reservedPlace = null;
        return place;
    }

    /**
     * Gives up the call's place in line if its turn has not come: the call ended (failed) before it needed it.
     * Does nothing once the turn was taken.
     */
    public void abandonTicket() {
        ConnectionTurns.Ticket held = ticket;
        if (held != null) {
            held.abandon();
        }
        abandonReservedPlace();
    }

    public boolean isCanceled() {
        return canceled;
    }

    /** Cancels the call from any thread, closing what it is blocked on and giving up its place in line. */
    public void cancel() {
        canceled = true;
        abandonTicket();
        AutoCloseable resource = blockedOn;
        if (resource != null) {
            closeQuietly(resource);
        }
    }

    /** @throws CallCanceledException if the call was canceled */
    public void checkNotCanceled() throws CallCanceledException {
        if (canceled) {
            throw canceledException();
        }
    }

    public CallCanceledException canceledException() {
        return new CallCanceledException(request + " was canceled");
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.log(DEBUG, () -> "closing on cancel: " + e);
        }
    }
}
