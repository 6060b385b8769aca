package dev.linnet.gateway.split;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.CanaryRule;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * Several canaries on one rule ({@code linnet.dev/multi-canary: "true"} on the main Ingress;
 * issue 17 §3, canary-spec.md §8 item 1, ingress-nginx #5848). Built once per table.
 *
 * <pre>
 *   for each canary, oldest first (a canary without endpoints is skipped):
 *     header rule, then cookie rule, as {@link SplitDecider}:
 *       selects it ─▶ that canary
 *       never, pattern error ─▶ this canary is ruled out; go on with the next
 *   no rule decided: u in [0, 2^64) (the sticky key's position, else uniform)
 *     canary i iff F(i−1) ≤ u/2^64 &lt; F(i),  F(i) = min(1, Σ_{j≤i} weight_j / total_j)
 *     a ruled-out canary's interval, and [F(n), 1), go to the stable backend
 * </pre>
 *
 * The limits are exact: {@code u/2^64 < F(i)} iff {@code u < ceil(F(i)·2^64)}, computed here
 * with big integers, so the hot path compares unsigned longs only.
 */
public final class MultiCanary {

    /** At most this many canaries on one rule: the ruled-out set is one {@code long}. */
    public static final int MAX = 64;

    private final CanaryRule[] canaries;
    private final StickyCanary sticky;
    private final long[] below; // canary i's interval ends before below[i] (unsigned), for i < whole
    private final int whole; // the first canary whose F reaches 1 (its interval ends at 2^64); n when none
    private final boolean overfull;
    private final Pick[][] canaryPicks; // [canary][reason]
    private final Pick[] stablePicks; // [reason]

    /**
     * @param canaries oldest first
     * @param sticky the main Ingress's {@code linnet.dev/canary-sticky-*} assignment, or
     *     {@code null} for a uniform draw per request
     */
    public MultiCanary(List<CanaryRule> canaries, StickyCanary sticky) {
        requireNonNull(canaries, "canaries");
        if (canaries.isEmpty() || canaries.size() > MAX) {
            throw new IllegalArgumentException("canaries: " + canaries.size() + " (expected: 1-" + MAX + ")");
        }
        this.canaries = canaries.toArray(CanaryRule[]::new);
        this.sticky = sticky;
        int n = this.canaries.length;
        below = new long[n];
        int full = n;
        BigInteger num = BigInteger.ZERO; // F(i) = num / den
        BigInteger den = BigInteger.ONE;
        for (int i = 0; i < n; i++) {
            CanaryRule c = this.canaries[i];
            long w = Math.max(0, Math.min(c.weight(), c.weightTotal()));
            num = num.multiply(BigInteger.valueOf(c.weightTotal())).add(BigInteger.valueOf(w).multiply(den));
            den = den.multiply(BigInteger.valueOf(c.weightTotal()));
            if (num.compareTo(den) >= 0) {
                full = Math.min(full, i);
                continue;
            }
            BigInteger[] qr = num.shiftLeft(64).divideAndRemainder(den); // ceil(F·2^64) < 2^64 since F < 1
            below[i] = qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO).longValue();
        }
        whole = full;
        overfull = num.compareTo(den) > 0;
        Reason[] reasons = Reason.values();
        canaryPicks = new Pick[n][reasons.length];
        stablePicks = new Pick[reasons.length];
        for (Reason r : reasons) {
            stablePicks[r.ordinal()] = new Pick(null, -1, Decision.of(Variant.STABLE, r));
            for (int i = 0; i < n; i++) {
                canaryPicks[i][r.ordinal()] = new Pick(this.canaries[i], i, Decision.of(Variant.CANARY, r));
            }
        }
    }

    /** The canaries, oldest first. */
    public List<CanaryRule> canaries() {
        return List.of(canaries);
    }

    public CanaryRule canary(int index) {
        return canaries[index];
    }

    public int size() {
        return canaries.length;
    }

    public StickyCanary sticky() {
        return sticky;
    }

    /** Whether the weights add up to more than the whole (the later canaries get only what is left). */
    public boolean overfull() {
        return overfull;
    }

    /** This set with {@code next} appended (the controller attaches canaries oldest first). */
    public MultiCanary with(CanaryRule next) {
        List<CanaryRule> all = new ArrayList<>(List.of(canaries));
        all.add(next);
        return new MultiCanary(all, sticky);
    }

    /** The same canaries with other rules or backends (new endpoints), in the same order. */
    public MultiCanary map(UnaryOperator<CanaryRule> f) {
        List<CanaryRule> all = new ArrayList<>(canaries.length);
        for (CanaryRule c : canaries) {
            all.add(f.apply(c));
        }
        return new MultiCanary(all, sticky);
    }

    /**
     * @param stickyKey the user's key when {@link #sticky()} is set (the request's, or the
     *     assignment id issued with this response); {@code null} for a uniform draw
     */
    public Pick decide(SplitRequest request, RandomGenerator random, String stickyKey) {
        long ruledOut = 0;
        boolean any = false;
        for (int i = 0; i < canaries.length; i++) {
            CanaryRule c = canaries[i];
            if (!c.backend().hasEndpoints()) {
                ruledOut |= 1L << i;
                continue;
            }
            any = true;
            Decision d = SplitDecider.byRules(c, request);
            if (d != null) {
                if (d.isCanary()) {
                    return canaryPicks[i][d.reason().ordinal()];
                }
                ruledOut |= 1L << i;
            }
        }
        if (!any) {
            return stablePicks[Reason.NO_CANARY.ordinal()];
        }
        Reason reason = Reason.WEIGHT;
        long u;
        if (stickyKey != null && sticky != null) {
            u = StickyCanary.position(sticky.seed(), stickyKey);
            reason = Reason.STICKY;
        } else {
            u = random.nextLong();
        }
        int i = interval(u);
        if (i < 0 || (ruledOut & 1L << i) != 0) {
            return stablePicks[reason.ordinal()];
        }
        return canaryPicks[i][reason.ordinal()];
    }

    /** The canary whose interval holds {@code u/2^64}, or {@code -1} for the rest of [0,1). */
    int interval(long u) {
        for (int i = 0; i < canaries.length; i++) {
            if (i >= whole || Long.compareUnsigned(u, below[i]) < 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiCanary m && Arrays.equals(canaries, m.canaries)
                && Objects.equals(sticky, m.sticky);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(canaries) * 31 + Objects.hashCode(sticky);
    }

    @Override
    public String toString() {
        return "MultiCanary" + List.of(canaries) + (sticky == null ? "" : " " + sticky);
    }
}
