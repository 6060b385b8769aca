package dev.linnet.gateway.upstream;

import dev.linnet.gateway.route.Endpoint;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the event loops' passive health checks ({@link EndpointHealth}) decided, for the metric
 * and {@code /debug/routes}: written only when an endpoint gets skipped (rare), read by the
 * admin listener. Each loop decides on its own, so an endpoint shown here is skipped by at least
 * one loop, for at most the time shown.
 */
public final class Ejections {

    private static final int PRUNE_ABOVE = 256;

    private final ConcurrentHashMap<Endpoint, Long> until = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final LongSupplier nanoClock;

    Ejections(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    void ejected(Endpoint endpoint, long untilNanos) {
        total.increment();
        until.merge(endpoint, untilNanos, (a, b) -> b - a > 0 ? b : a);
        if (until.size() > PRUNE_ABOVE) { // endpoints long gone from the tables
            long now = nanoClock.getAsLong();
            until.values().removeIf(t -> t - now <= 0);
        }
    }

    /** Times an endpoint was skipped by a loop's passive health check, since start. */
    public long total() {
        return total.sum();
    }

    /** The endpoints skipped now by at least one event loop, and for how much longer at most. */
    public Map<Endpoint, Duration> current() {
        long now = nanoClock.getAsLong();
        Map<Endpoint, Duration> out = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        until.forEach((endpoint, t) -> {
            if (t - now > 0) {
                out.put(endpoint, Duration.ofNanos(t - now));
            } else {
                until.remove(endpoint, t);
            }
        });
        return out;
    }
}
