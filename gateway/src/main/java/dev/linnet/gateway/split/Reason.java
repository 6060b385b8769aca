package dev.linnet.gateway.split;

/** Why the split went the way it did; the {@code reason} label of Linnet's split metrics. */
public enum Reason {
    /** {@code canary-by-header} said {@code always} or {@code never}. */
    HEADER,
    /** the header equalled {@code canary-by-header-value}. */
    HEADER_VALUE,
    /** the header matched {@code canary-by-header-pattern}. */
    HEADER_PATTERN,
    /** {@code canary-by-cookie} said {@code always} or {@code never}. */
    COOKIE,
    /** the client's session-affinity cookie pinned it to this side (affinity-spec.md §5). */
    AFFINITY,
    /** the weight decided on the user's sticky key ({@code linnet.dev/canary-sticky-key}), not a random draw. */
    STICKY,
    /** the weighted draw decided. */
    WEIGHT,
    /** the route has no canary, or its canary has no ready endpoint. */
    NO_CANARY,
    /** the header pattern failed to compile or ran out of its step budget: stable, nothing else checked. */
    PATTERN_ERROR;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
