package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one thing shared between the control plane and the data plane. The control loop
 * {@link #swap}s in a new table; every request reads {@link #current()} once and uses that
 * snapshot to the end, so a swap never changes a request half-way.
 */
public final class RouteTableHolder {

    private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.EMPTY);
    private volatile Instant publishedAt; // null until the first swap

    public RouteTable current() {
        return table.get();
    }

    /** Publishes {@code next}; from now on new requests route by it. Returns the previous table. */
    public RouteTable swap(RouteTable next) {
        RouteTable previous = table.getAndSet(requireNonNull(next, "next"));
        publishedAt = Instant.now();
        return previous;
    }

    /** Whether a table has been published at least once (readiness). */
    public boolean isPublished() {
        return publishedAt != null;
    }

    /** When the current table was published, or {@code null} before the first. */
    public Instant publishedAt() {
        return publishedAt;
    }
}
