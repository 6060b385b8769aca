package dev.linnet.controller.build;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/**
 * The order in which Ingresses claim hosts, paths and canaries: ingress-nginx's
 * {@code sortIngressSlice} (canary-spec.md §2, "Pre-processing"). Oldest
 * {@code creationTimestamp} first; ties broken by {@code namespace/name} in <em>descending</em>
 * string order. Manifest files usually carry no timestamp: a missing one counts as oldest, so
 * such Ingresses are ordered by name alone.
 */
final class IngressOrder {

    static final Comparator<IngressEntry> OLDEST_FIRST = Comparator
            .comparing(IngressEntry::created, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .thenComparing(IngressEntry::key, Comparator.reverseOrder());

    private IngressOrder() {
    }

    /** An RFC 3339 timestamp as the API server writes it, or {@code null} when absent or malformed. */
    static Instant parseTimestamp(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
