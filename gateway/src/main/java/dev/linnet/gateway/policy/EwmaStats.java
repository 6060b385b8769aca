package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One event loop's response-time averages for {@code load-balance: ewma}, keyed by endpoint as
 * ingress-nginx keys its {@code balancer_ewma} dictionary by {@code address:port}; confined to the
 * loop, so no lock. Times are nanoseconds from the caller's clock; averages are seconds, as in
 * ingress-nginx's {@code balancer/ewma.lua} (Finagle's PeakEwma without the peak).
 *
 * <pre>
 *   score(e)      = ewma(e) · exp(-(now - touched(e)) / 10 s)       (no entry: 0)
 *   answered(e,t) = ewma(e) · w + t · (1 - w),  w = exp(-(now - touched(e)) / 10 s); touched = now
 *   pick          = the fittest endpoints (untried by this request, not skipped by the health
 *                   check) ─▶ one: it; more: 2 of them at random, the lower score wins
 *   sync (the backend's endpoints changed):
 *                   removed endpoints forget their entry; added ones start at the average of the
 *                   entries the new list has (slow start), or with none when there is none
 * </pre>
 *
 * Bounded: entries of removed endpoints go at sync; beyond {@link #MAX_ENTRIES} (backends that
 * vanished whole) everything is forgotten and learnt again, which costs a few unbalanced picks.
 */
final class EwmaStats {

    static final long DECAY_NANOS = 10_000_000_000L; // ingress-nginx DECAY_TIME = 10 s
    static final int PICK_SET_SIZE = 2;
    static final int MAX_ENTRIES = 16_384;

    private static final class Entry {
        double ewma;
        long touched;

        Entry(double ewma, long touched) {
            this.ewma = ewma;
            this.touched = touched;
        }
    }

    private final Map<Endpoint, Entry> entries = new HashMap<>();
    private final Map<String, List<Endpoint>> peers = new HashMap<>(); // by backend name: the list last synced
    private int[] scratch = new int[8];

    /** The decayed average of {@code endpoint} at {@code now}, in seconds; 0 without an entry. */
    double score(Endpoint endpoint, long now) {
        Entry e = entries.get(endpoint);
        return e == null ? 0 : e.ewma * weight(e.touched, now);
    }

    /** Records a response time of {@code rttNanos} for {@code endpoint} at {@code now}. */
    void answered(Endpoint endpoint, long rttNanos, long now) {
        double rtt = Math.max(0, rttNanos) / 1e9;
        Entry e = entries.get(endpoint);
        if (e == null) {
            bound();
            entries.put(endpoint, new Entry(rtt, now)); // ingress-nginx: ewma 0 touched at 0, weight ~0
            return;
        }
        double w = weight(e.touched, now);
        e.ewma = e.ewma * w + rtt * (1.0 - w);
        e.touched = now;
    }

    /** The stored average and time of {@code endpoint}, or {@code null} (tests). */
    double[] entry(Endpoint endpoint) {
        Entry e = entries.get(endpoint);
        return e == null ? null : new double[] {e.ewma, e.touched};
    }

    /** Sets an entry as ingress-nginx's tests seed its dictionaries (tests). */
    void put(Endpoint endpoint, double ewma, long touched) {
        entries.put(endpoint, new Entry(ewma, touched));
    }

    /** Brings the entries in line with {@code backend}'s endpoints when they changed (ingress-nginx's {@code sync}). */
    void sync(Backend backend, long now) {
        List<Endpoint> current = backend.endpoints();
        List<Endpoint> old = peers.get(backend.name());
        if (old == current) {
            return; // the same routing table: the common case, one map look-up
        }
        if (old != null && old.equals(current)) {
            peers.put(backend.name(), current);
            return;
        }
        if (peers.size() >= MAX_ENTRIES) {
            peers.clear();
        }
        peers.put(backend.name(), current);
        Set<Endpoint> kept = new HashSet<>(current);
        Set<Endpoint> before = old == null ? Set.of() : new HashSet<>(old);
        for (Endpoint gone : before) {
            if (!kept.contains(gone)) {
                entries.remove(gone);
            }
        }
        double sum = 0;
        int known = 0;
        for (Endpoint e : current) {
            Entry entry = entries.get(e);
            if (entry != null) {
                sum += entry.ewma;
                known++;
            }
        }
        if (known == 0) {
            return; // nothing learnt yet: new endpoints stay without an entry
        }
        double slowStart = sum / known;
        for (Endpoint added : current) {
            // a list seen for the first time on this loop keeps what another backend taught it
            if (!before.contains(added) && (old != null || !entries.containsKey(added))) {
                bound();
                entries.put(added, new Entry(slowStart, now));
            }
        }
    }

    /**
     * The index of the endpoint for the next try: power of two choices among the fittest
     * endpoints; -1 when the backend has none.
     */
    int pick(Backend backend, Backend.Fitness fitness, RandomGenerator random, long now) {
        int n = backend.endpoints().size();
        if (n <= 1) {
            return n - 1;
        }
        if (scratch.length < n) {
            scratch = new int[Math.max(n, scratch.length * 2)];
        }
        int[] fittest = scratch;
        int count = 0;
        int best = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            int rank = fitness.rank(i, backend.endpoint(i));
            if (rank < best) {
                best = rank;
                count = 0;
            }
            if (rank == best) {
                fittest[count++] = i;
            }
        }
        if (count == 1) {
            return fittest[0];
        }
        int k = Math.min(PICK_SET_SIZE, count);
        int chosen = -1;
        double lowest = Double.MAX_VALUE;
        for (int i = 0; i < k; i++) { // Fisher-Yates over the first k places, as ewma.lua's shuffle_peers
            int r = i + random.nextInt(count - i);
            int swap = fittest[i];
            fittest[i] = fittest[r];
            fittest[r] = swap;
            double score = score(backend.endpoint(fittest[i]), now);
            if (chosen < 0 || score < lowest) {
                chosen = fittest[i];
                lowest = score;
            }
        }
        return chosen;
    }

    private void bound() {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
    }

    private static double weight(long touched, long now) {
        long td = Math.max(0, now - touched);
        return Math.exp(-(double) td / DECAY_NANOS);
    }
}
