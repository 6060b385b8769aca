package dev.linnet.gateway.split;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.HeaderPattern;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The decision table of canary-spec.md §3, with cases ported from ingress-nginx's
 * {@code balancer_test.lua} (L-cases) and {@code test/e2e/annotations/canary.go} (E-cases).
 */
class SplitDeciderTest {

    private static final Backend CANARY = Backend.of("ns", "canary", "80", List.of(new Endpoint("127.0.0.1", 9002)));
    private static final Backend EMPTY = Backend.of("ns", "canary", "80", List.of());

    /** A generator whose every draw is the given value, to pin the weighted branch. */
    private static RandomGenerator fixed(int value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return value;
            }

            @Override
            public int nextInt(int bound) {
                return value;
            }
        };
    }

    private static final RandomGenerator NEVER_DRAWN = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new AssertionError("weight must not be consulted");
        }
    };

    private static Builder rule() {
        return new Builder();
    }

    private static final class Builder {
        String header;
        String value;
        HeaderPattern pattern;
        String cookie;
        int weight;
        int total = 100;
        Backend backend = CANARY;

        Builder header(String h) { header = h; return this; }
        Builder value(String v) { value = v; return this; }
        Builder pattern(String p) { pattern = HeaderPattern.of(p); return this; }
        Builder cookie(String c) { cookie = c; return this; }
        Builder weight(int w) { weight = w; return this; }
        Builder total(int t) { total = t; return this; }
        Builder backend(Backend b) { backend = b; return this; }

        CanaryRule build() {
            return new CanaryRule("ns", "foo-canary", backend, header, value, pattern, cookie, weight, total);
        }
    }

    private static final class Req implements SplitRequest {
        final Map<String, String> headers = new HashMap<>();
        final Map<String, String> cookies = new HashMap<>();

        Req header(String n, String v) { headers.put(n.toLowerCase(Locale.ROOT), v); return this; }
        Req cookie(String n, String v) { cookies.put(n.toLowerCase(Locale.ROOT), v); return this; }

        @Override
        public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }

        @Override
        public String cookie(String name) { return cookies.get(name.toLowerCase(Locale.ROOT)); }
    }

    /** Draws r = 1, so a fall-through to a positive weight would show as canary. */
    private static final RandomGenerator LOWEST_DRAW = fixed(0);

    private static Decision decide(Builder rule, Req req) {
        return SplitDecider.decide(rule.build(), req, LOWEST_DRAW);
    }

    @Test
    void noCanaryMeansStable() {
        assertThat(SplitDecider.decide(null, new Req(), NEVER_DRAWN))
                .isEqualTo(Decision.of(Variant.STABLE, Reason.NO_CANARY));
    }

    @Test
    void canaryWithoutEndpointsIsNeverChosen() {
        assertThat(SplitDecider.decide(rule().header("X").backend(EMPTY).build(), new Req().header("X", "always"), NEVER_DRAWN))
                .isEqualTo(Decision.of(Variant.STABLE, Reason.NO_CANARY));
    }

    // L2, L6, E14
    @Test
    void weightZeroWithoutRulesIsStable() {
        assertThat(SplitDecider.decide(rule().build(), new Req(), NEVER_DRAWN))
                .isEqualTo(Decision.of(Variant.STABLE, Reason.WEIGHT));
    }

    // L5, E15, L7, L8, E16
    @Test
    void weightAtOrAboveTotalIsAlwaysCanary() {
        assertThat(SplitDecider.decide(rule().weight(100).build(), new Req(), NEVER_DRAWN).variant()).isEqualTo(Variant.CANARY);
        assertThat(SplitDecider.decide(rule().weight(1000).total(1000).build(), new Req(), NEVER_DRAWN).variant()).isEqualTo(Variant.CANARY);
        assertThat(SplitDecider.decide(rule().weight(150).build(), new Req(), NEVER_DRAWN).variant()).isEqualTo(Variant.CANARY);
    }

    @Test
    void negativeWeightMeansNeverByWeight() {
        assertThat(SplitDecider.decide(rule().weight(-5).build(), new Req(), NEVER_DRAWN).variant()).isEqualTo(Variant.STABLE);
    }

    @Test
    void weightedDrawIsInclusiveOneToTotal() {
        // r in [1, W], canary when r <= weight: draws 0..9 map to r 1..10
        CanaryRule ten = rule().weight(10).build();
        assertThat(SplitDecider.decide(ten, new Req(), fixed(9)).variant()).isEqualTo(Variant.CANARY);  // r = 10
        assertThat(SplitDecider.decide(ten, new Req(), fixed(10)).variant()).isEqualTo(Variant.STABLE); // r = 11
    }

    @Test
    void weightTotalBelowHundredIsHonoured() {
        // Deliberate difference 2: weight 25 of 50 is 50 % here (ingress-nginx: 25 %).
        CanaryRule half = rule().weight(25).total(50).build();
        assertThat(SplitDecider.decide(half, new Req(), fixed(24)).variant()).isEqualTo(Variant.CANARY);
        assertThat(SplitDecider.decide(half, new Req(), fixed(25)).variant()).isEqualTo(Variant.STABLE);
        assertThat(share(half, 100_000)).isBetween(0.48, 0.52);
    }

    // E17, E18
    @Test
    void weightSplitsStatistically() {
        assertThat(share(rule().weight(50).build(), 100_000)).isBetween(0.48, 0.52);
        assertThat(share(rule().weight(100).total(200).build(), 100_000)).isBetween(0.48, 0.52);
        assertThat(share(rule().weight(10).build(), 100_000)).isBetween(0.09, 0.11);
    }

    private static double share(CanaryRule rule, int n) {
        RandomGenerator random = new SplittableRandom(42);
        int canary = 0;
        for (int i = 0; i < n; i++) {
            if (SplitDecider.decide(rule, new Req(), random).isCanary()) {
                canary++;
            }
        }
        return canary / (double) n;
    }

    // L13-L16, E7
    @Test
    void headerAlwaysNeverOrFallThrough() {
        Builder r = rule().header("canaryHeader");
        assertThat(decide(r, new Req().header("canaryHeader", "always"))).isEqualTo(Decision.of(Variant.CANARY, Reason.HEADER));
        assertThat(decide(r, new Req().header("canaryHeader", "never"))).isEqualTo(Decision.of(Variant.STABLE, Reason.HEADER));
        assertThat(decide(r, new Req().header("canaryHeader", "foo"))).isEqualTo(Decision.of(Variant.STABLE, Reason.WEIGHT));
        assertThat(decide(r, new Req().header("other", "always"))).isEqualTo(Decision.of(Variant.STABLE, Reason.WEIGHT));
        assertThat(decide(r, new Req().header("canaryHeader", "Always")).reason()).isEqualTo(Reason.WEIGHT);
        assertThat(decide(r, new Req().header("canaryHeader", ""))).isEqualTo(Decision.of(Variant.STABLE, Reason.WEIGHT));
    }

    @Test
    void headerNeverShortCircuitsCookieAndWeight() {
        Builder r = rule().header("X-Canary").cookie("c").weight(100);
        assertThat(SplitDecider.decide(r.build(), new Req().header("X-Canary", "never").cookie("c", "always"), NEVER_DRAWN))
                .isEqualTo(Decision.of(Variant.STABLE, Reason.HEADER));
    }

    @Test
    void underscoreInConfiguredHeaderNameMatchesDash() {
        Builder r = rule().header("X_Canary");
        assertThat(decide(r, new Req().header("x-canary", "always")).variant()).isEqualTo(Variant.CANARY);
    }

    // L17-L19, E8
    @Test
    void headerValueIsExactAndDisablesAlwaysNever() {
        Builder r = rule().header("canaryHeader").value("DoCanary");
        assertThat(decide(r, new Req().header("canaryHeader", "DoCanary"))).isEqualTo(Decision.of(Variant.CANARY, Reason.HEADER_VALUE));
        assertThat(decide(r, new Req().header("canaryHeader", "docanary")).variant()).isEqualTo(Variant.STABLE);
        assertThat(decide(r, new Req().header("canaryHeader", "always")).variant()).isEqualTo(Variant.STABLE);
        assertThat(decide(r, new Req().header("canaryHeader", "never")).reason()).isEqualTo(Reason.WEIGHT);
        assertThat(decide(r, new Req().header("wrong", "DoCanary")).variant()).isEqualTo(Variant.STABLE);
    }

    // E9, E10
    @Test
    void headerPatternMatchesAndValueTakesPrecedence() {
        Builder byPattern = rule().header("canaryHeader").pattern("^Do[A-Z][a-z]+y$");
        assertThat(decide(byPattern, new Req().header("canaryHeader", "DoCanary"))).isEqualTo(Decision.of(Variant.CANARY, Reason.HEADER_PATTERN));
        assertThat(decide(byPattern, new Req().header("canaryHeader", "Docanary")).variant()).isEqualTo(Variant.STABLE);

        Builder both = rule().header("canaryHeader").value("DoCanary").pattern("^Do[A-Z][a-z]+y$");
        assertThat(decide(both, new Req().header("canaryHeader", "DoCananry")).variant()).isEqualTo(Variant.STABLE);
    }

    // E11
    @Test
    void patternErrorGoesToStableWithoutConsultingCookie() {
        Builder r = rule().header("canaryHeader").pattern("[][**da?$&*").cookie("CanaryByCookie").weight(100);
        assertThat(SplitDecider.decide(r.build(), new Req().header("canaryHeader", "DoCanary").cookie("CanaryByCookie", "always"), NEVER_DRAWN))
                .isEqualTo(Decision.of(Variant.STABLE, Reason.PATTERN_ERROR));
    }

    @Test
    void patternThatRunsOutOfBudgetIsAPatternError() {
        Builder r = rule().header("X").pattern("(a+)+$").weight(100);
        assertThat(SplitDecider.decide(r.build(), new Req().header("X", "a".repeat(8192) + "!"), NEVER_DRAWN))
                .isEqualTo(Decision.of(Variant.STABLE, Reason.PATTERN_ERROR));
    }

    @Test
    void patternIsNotRunWithoutTheHeader() {
        Builder r = rule().header("X").pattern("[][**da?$&*").cookie("c");
        assertThat(decide(r, new Req().cookie("c", "always"))).isEqualTo(Decision.of(Variant.CANARY, Reason.COOKIE));
    }

    // E12
    @Test
    void headerValueMismatchFallsThroughToCookie() {
        Builder r = rule().header("canaryHeader").value("DoCanary").cookie("CanaryByCookie");
        assertThat(decide(r, new Req().header("canaryHeader", "otherheadervalue").cookie("CanaryByCookie", "always")))
                .isEqualTo(Decision.of(Variant.CANARY, Reason.COOKIE));
    }

    // L9-L12, E13
    @Test
    void cookieAlwaysNeverOrFallThrough() {
        Builder r = rule().cookie("canaryCookie");
        assertThat(decide(r, new Req().cookie("canaryCookie", "always"))).isEqualTo(Decision.of(Variant.CANARY, Reason.COOKIE));
        assertThat(decide(r, new Req().cookie("canaryCookie", "never"))).isEqualTo(Decision.of(Variant.STABLE, Reason.COOKIE));
        assertThat(decide(r, new Req().cookie("canaryCookie", "foo"))).isEqualTo(Decision.of(Variant.STABLE, Reason.WEIGHT));
        assertThat(decide(r, new Req().cookie("other", "always"))).isEqualTo(Decision.of(Variant.STABLE, Reason.WEIGHT));
    }

    @Test
    void cookieNeverBeatsWeight() {
        Builder r = rule().cookie("c").weight(100);
        assertThat(SplitDecider.decide(r.build(), new Req().cookie("c", "never"), NEVER_DRAWN))
                .isEqualTo(Decision.of(Variant.STABLE, Reason.COOKIE));
    }

    @Test
    void headerOtherValueFallsThroughToWeight() {
        Builder r = rule().header("X").weight(100);
        assertThat(SplitDecider.decide(r.build(), new Req().header("X", "maybe"), NEVER_DRAWN))
                .isEqualTo(Decision.of(Variant.CANARY, Reason.WEIGHT));
    }

    @Test
    void decisionsAreSharedConstants() {
        assertThat(Decision.of(Variant.CANARY, Reason.COOKIE)).isSameAs(Decision.of(Variant.CANARY, Reason.COOKIE));
    }
}
