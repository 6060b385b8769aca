package dev.linnet.gateway.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Several canaries on one rule (issue 17 §3): rules oldest first, then weights as consecutive intervals. */
class MultiCanaryTest {

    private static final StickyCanary STICKY = new StickyCanary("X-User", null, "ns/main", "linnet_canary_id");

    private static CanaryRule canary(String name, String header, String cookie, int weight, int total) {
        Backend b = Backend.of("ns", name, "80", List.of(new Endpoint("127.0.0.1", 9000)));
        return new CanaryRule("ns", name, b, header, null, null, cookie, weight, total);
    }

    private static CanaryRule empty(String name, int weight) {
        return new CanaryRule("ns", name, Backend.of("ns", name, "80", List.of()), "X-Canary", null, null, null,
                weight, 100);
    }

    private static SplitRequest request(Map<String, String> headers, Map<String, String> cookies) {
        return new SplitRequest() {
            @Override
            public String header(String name) {
                return headers.get(name);
            }

            @Override
            public String cookie(String name) {
                return cookies.get(name);
            }
        };
    }

    private static final SplitRequest NOTHING = request(Map.of(), Map.of());

    private static RandomGenerator fixed(long u) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return u;
            }
        };
    }

    private static final RandomGenerator NEVER_DRAWN = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new AssertionError("weight must not be consulted");
        }
    };

    @Test
    void headerAlwaysOfALaterCanaryWinsOverTheWeights() {
        MultiCanary m = new MultiCanary(List.of(canary("a", "X-A", null, 100, 100), canary("b", "X-B", null, 0, 100)),
                null);
        Pick p = m.decide(request(Map.of("X-B", "always"), Map.of()), NEVER_DRAWN, null);
        assertThat(p.canary().ingress()).isEqualTo("b");
        assertThat(p.index()).isEqualTo(1);
        assertThat(p.decision()).isEqualTo(Decision.of(Variant.CANARY, Reason.HEADER));
    }

    @Test
    void theOldestCanaryWhoseRuleSaysAlwaysWins() {
        MultiCanary m = new MultiCanary(List.of(canary("a", "X-C", null, 0, 100), canary("b", "X-C", null, 0, 100)),
                null);
        assertThat(m.decide(request(Map.of("X-C", "always"), Map.of()), NEVER_DRAWN, null).index()).isZero();
    }

    @Test
    void neverOnlyRulesOutThatCanaryAndTheVisitGoesOn() {
        MultiCanary m = new MultiCanary(List.of(canary("a", "X-A", "ca", 50, 100), canary("b", null, "cb", 0, 100)),
                null);
        // a's header says never (its cookie is not read); b's cookie says always
        Pick p = m.decide(request(Map.of("X-A", "never"), Map.of("ca", "always", "cb", "always")), NEVER_DRAWN, null);
        assertThat(p.canary().ingress()).isEqualTo("b");
        assertThat(p.decision()).isEqualTo(Decision.of(Variant.CANARY, Reason.COOKIE));
    }

    @Test
    void aRuledOutCanarysIntervalGoesToStable() {
        MultiCanary m = new MultiCanary(List.of(canary("a", "X-A", null, 50, 100), canary("b", null, null, 50, 100)),
                null);
        SplitRequest never = request(Map.of("X-A", "never"), Map.of());
        assertThat(m.decide(never, fixed(0), null).canary()).isNull(); // a's interval [0, 1/2)
        assertThat(m.decide(never, fixed(Long.MIN_VALUE), null).canary().ingress()).isEqualTo("b"); // u = 1/2
        assertThat(m.decide(NOTHING, fixed(0), null).canary().ingress()).isEqualTo("a");
    }

    @Test
    void weightsAreConsecutiveIntervalsAtTheirExactBoundaries() {
        // F = 1/10, 1/10 + 1/4 = 7/20, 7/20 + 1/3 = 41/60
        MultiCanary m = new MultiCanary(List.of(canary("a", null, null, 10, 100), canary("b", null, null, 1, 4),
                canary("c", null, null, 1, 3)), null);
        long[] limits = {ceil(1, 10), ceil(7, 20), ceil(41, 60)};
        for (int i = 0; i < 3; i++) {
            assertThat(m.interval(limits[i] - 1)).as("just below F(%d)", i).isEqualTo(i);
            assertThat(m.interval(limits[i])).as("at F(%d)", i).isEqualTo(i == 2 ? -1 : i + 1);
        }
        assertThat(m.interval(0)).isZero();
        assertThat(m.interval(-1L)).isEqualTo(-1); // u = 2^64 - 1: stable
        assertThat(m.overfull()).isFalse();
    }

    @Test
    void stickyKeysLandInTheIntervalTheirPositionNames() {
        List<CanaryRule> rules = List.of(canary("a", null, null, 20, 100), canary("b", null, null, 30, 100),
                canary("c", null, null, 1, 10));
        MultiCanary m = new MultiCanary(rules, STICKY);
        long[][] f = {{1, 5}, {1, 2}, {3, 5}}; // F(i) = 20/100, + 30/100, + 1/10
        for (int k = 0; k < 2000; k++) {
            String key = "user-" + k;
            // u/2^64 < n/d  ⇔  u·d < n·2^64, in exact integers
            BigInteger u = new BigInteger(Long.toUnsignedString(StickyCanary.position("ns/main", key)));
            int expected = -1;
            for (int i = 0; i < 3 && expected < 0; i++) {
                if (u.multiply(BigInteger.valueOf(f[i][1])).compareTo(BigInteger.valueOf(f[i][0]).shiftLeft(64)) < 0) {
                    expected = i;
                }
            }
            Pick p = m.decide(NOTHING, NEVER_DRAWN, key);
            assertThat(p.index()).as(key).isEqualTo(expected);
            assertThat(p.decision().reason()).isEqualTo(Reason.STICKY);
            assertThat(p.canary()).isEqualTo(expected < 0 ? null : rules.get(expected));
        }
    }

    @Test
    void weightsOverTheWholeAreCappedAtOne() {
        MultiCanary m = new MultiCanary(List.of(canary("a", null, null, 60, 100), canary("b", null, null, 60, 100),
                canary("c", null, null, 10, 100)), null);
        assertThat(m.overfull()).isTrue();
        assertThat(m.interval(ceil(3, 5) - 1)).isZero();
        assertThat(m.interval(ceil(3, 5))).isEqualTo(1);
        assertThat(m.interval(-1L)).isEqualTo(1); // b takes the rest; c nothing
    }

    @Test
    void zeroWeightCanaryTakesNothingAndWeightAtTotalTakesTheRest() {
        MultiCanary m = new MultiCanary(List.of(canary("a", null, null, 0, 100), canary("b", null, null, 100, 100)),
                null);
        assertThat(m.interval(0)).isEqualTo(1);
        assertThat(m.interval(-1L)).isEqualTo(1);
        assertThat(m.overfull()).isFalse();
    }

    @Test
    void canaryWithoutEndpointsIsSkippedAndNoneLeftIsStable() {
        MultiCanary m = new MultiCanary(List.of(empty("a", 100), canary("b", "X-Canary", null, 0, 100)), null);
        assertThat(m.decide(request(Map.of("X-Canary", "always"), Map.of()), NEVER_DRAWN, null).index()).isEqualTo(1);
        assertThat(m.decide(NOTHING, fixed(0), null).canary()).isNull(); // a's interval, a has no endpoint
        MultiCanary none = new MultiCanary(List.of(empty("a", 100)), null);
        assertThat(none.decide(request(Map.of("X-Canary", "always"), Map.of()), NEVER_DRAWN, null).decision())
                .isEqualTo(Decision.of(Variant.STABLE, Reason.NO_CANARY));
    }

    @Test
    void uniformDrawSharesFollowTheWeights() {
        MultiCanary m = new MultiCanary(List.of(canary("a", null, null, 10, 100), canary("b", null, null, 20, 100),
                canary("c", null, null, 30, 100)), null);
        SplittableRandom random = new SplittableRandom(17);
        int[] counts = new int[4];
        int n = 100_000;
        for (int k = 0; k < n; k++) {
            counts[m.decide(NOTHING, random, null).index() + 1]++;
        }
        // expected 40 %, 10 %, 20 %, 30 %; binomial sd ≤ 0.16 %, the bound is over 6 sd
        double[] share = {0.4, 0.1, 0.2, 0.3};
        for (int i = 0; i < 4; i++) {
            assertThat(counts[i] / (double) n).as("side %d", i - 1).isCloseTo(share[i],
                    org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    void moreThanSixtyFourCanariesAreRefused() {
        List<CanaryRule> many = new ArrayList<>(Collections.nCopies(65, canary("a", null, null, 1, 100)));
        assertThatThrownBy(() -> new MultiCanary(many, null)).hasMessage("canaries: 65 (expected: 1-64)");
    }

    /** ceil(n/d · 2^64) as an unsigned long (n/d &lt; 1). */
    private static long ceil(long n, long d) {
        BigInteger[] qr = BigInteger.valueOf(n).shiftLeft(64).divideAndRemainder(BigInteger.valueOf(d));
        return qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO).longValue();
    }
}
