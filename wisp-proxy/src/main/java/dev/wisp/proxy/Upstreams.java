package dev.wisp.proxy;

import dev.wisp.client.ConnectFailedException;
import dev.wisp.client.ConnectRefusedException;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.client.TlsHandshakeException;
import dev.wisp.client.UnresolvedHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The upstream servers of a proxy, taken in turn (round robin), as nginx's {@code upstream} block with its defaults:
 * one that could not be connected to is left out for {@link #DOWN_NANOS} (nginx's {@code max_fails=1
 * fail_timeout=10s}), and a request that could not be connected goes to the next one, since nothing of it was sent.
 * When every one is out, all are tried again, as nginx does. Thread-safe.
 */
final class Upstreams {
    /** How long an upstream that refused a connection is left out. */
    static final long DOWN_NANOS = 10_000_000_000L;

    private final List<Upstream> members;
    private final AtomicInteger next = new AtomicInteger();
    /** Per member: the {@link System#nanoTime()} until which it is left out; 0 while it is in. */
    private final AtomicLongArray downUntil;

    Upstreams(List<Upstream> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a proxy needs an upstream");
        }
        this.members = List.copyOf(members);
        this.downUntil = new AtomicLongArray(members.size());
    }

    List<Upstream> members() {
        return members;
    }

    /**
     * The members to try for one request, in order: those not left out, starting with the next in turn among them (so
     * that they share the requests evenly); all of them if every one is left out.
     */
    List<Upstream> order() {
        if (members.size() == 1) {
            return members;
        }
        long now = System.nanoTime();
        List<Upstream> up = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            long until = downUntil.get(i);
            if (until == 0 || until - now <= 0) {
                up.add(members.get(i));
            }
        }
        List<Upstream> candidates = up.isEmpty() ? members : up;
        int first = Math.floorMod(next.getAndIncrement(), candidates.size());
        List<Upstream> order = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            order.add(candidates.get((first + i) % candidates.size()));
        }
        return order;
    }

    /** The member could not be connected to: left out for a while. */
    void failed(Upstream member) {
        int index = members.indexOf(member);
        long until = System.nanoTime() + DOWN_NANOS;
        downUntil.set(index, until == 0 ? 1 : until);
    }

    /** The member answered: in again. */
    void answered(Upstream member) {
        int index = members.indexOf(member);
        if (downUntil.get(index) != 0) {
            downUntil.set(index, 0);
        }
    }

    /** Whether the call failed before anything of the request was sent: the next upstream may take it. */
    static boolean failedToConnect(HttpCallException e) {
        return e instanceof ConnectRefusedException || e instanceof ConnectFailedException
                || e instanceof UnresolvedHostException || e instanceof TlsHandshakeException
                || e instanceof TimeoutExceededException timeout
                        && (timeout.timeout() == TimeoutExceededException.Timeout.CONNECT
                                || timeout.timeout() == TimeoutExceededException.Timeout.HANDSHAKE);
    }
}
