package dev.linnet.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ewma balancer's scores and picks, ported from ingress-nginx's {@code test/balancer/ewma_test.lua}. */
class EwmaStatsTest {

    private static final long S = 1_000_000_000L;
    private static final long NOW = 1_543_238_266L * S; // ewma_test.lua's ngx.now()
    private static final Backend.Fitness FRESH = (i, e) -> 0;

    private static final Endpoint E1 = new Endpoint("10.10.10.1", 8080);
    private static final Endpoint E2 = new Endpoint("10.10.10.2", 8080);
    private static final Endpoint E3 = new Endpoint("10.10.10.3", 8080);
    private static final Endpoint E4 = new Endpoint("10.10.10.4", 8080);
    private static final Endpoint E5 = new Endpoint("10.10.10.5", 8080);

    private final EwmaStats stats = new EwmaStats();
    private final Random random = new Random(42);

    private static Backend backend(Endpoint... endpoints) {
        return Backend.of("namespace", "service", "port", List.of(endpoints));
    }

    @BeforeEach
    void seedAsEwmaTestLua() {
        stats.put(E1, 0.2, NOW - 1 * S);
        stats.put(E2, 0.3, NOW - 5 * S);
        stats.put(E3, 1.2, NOW - 20 * S);
        stats.sync(backend(E1, E2, E3), NOW - 30 * S); // the instance's peers, as balancer_ewma:new
    }

    private void assertEntry(Endpoint e, double ewma, long touched) {
        assertThat(stats.entry(e)).as(e.toString()).containsExactly(ewma, touched);
    }

    @Test
    void afterBalanceUpdatesTheAverage() {
        stats.answered(E2, 120_000_000L, NOW); // connect 0.02 + response 0.1
        double weight = Math.exp(-5.0 / 10);
        assertThat(stats.entry(E2)[0]).isCloseTo(0.3 * weight + 0.12 * (1.0 - weight), within(1e-15));
        assertThat((long) stats.entry(E2)[1]).isEqualTo(NOW);
    }

    @Test
    void aFirstResponseIsTheAverage() {
        Endpoint fresh = new Endpoint("10.10.10.9", 8080);
        stats.answered(fresh, 250_000_000L, NOW);
        assertEntry(fresh, 0.25, NOW);
    }

    @Test
    void aSingleEndpointIsReturnedWithoutScoring() {
        assertThat(stats.pick(backend(E1), FRESH, random, NOW)).isZero();
        assertThat(stats.pick(backend(), FRESH, random, NOW)).isEqualTo(-1);
    }

    @Test
    void picksTheEndpointWithTheLowestDecayedScore() {
        // 10.10.10.1 has the lower average, but 10.10.10.3's has decayed further
        Backend two = backend(E1, E3);
        for (int i = 0; i < 20; i++) {
            assertThat(stats.pick(two, FRESH, random, NOW)).isEqualTo(1);
        }
        assertThat(stats.score(E3, NOW)).isCloseTo(0.16240233988393523723, within(1e-15));
        assertThat(stats.score(E1, NOW)).isCloseTo(0.2 * Math.exp(-0.1), within(1e-15));
    }

    @Test
    void twoChoicesNeverPickTheWorstOfThreeAndPickTheBestTwiceAsOftenAsTheMiddle() {
        Backend three = backend(E1, E2, E3); // scores at NOW: E3 0.162 < E1 0.181 < E2 0.182
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(stats.pick(three, FRESH, random, NOW), 1, Integer::sum);
        }
        assertThat(counts).doesNotContainKey(1); // E2 loses every pair it is in
        assertThat(counts.get(2)).isBetween(1800, 2200); // in 2 of the 3 pairs
        assertThat(counts.get(0)).isBetween(800, 1200);
    }

    @Test
    void retriesPickAmongUntriedEndpoints() {
        Backend three = backend(E1, E2, E3);
        Backend.Fitness triedE3 = (i, e) -> e.equals(E3) ? 2 : 0;
        Backend.Fitness triedAllButE2 = (i, e) -> e.equals(E2) ? 0 : 2;
        Backend.Fitness triedAll = (i, e) -> 2;
        for (int i = 0; i < 50; i++) {
            assertThat(stats.pick(three, triedE3, random, NOW)).as("E1 beats E2").isEqualTo(0);
            assertThat(stats.pick(three, triedAllButE2, random, NOW)).isEqualTo(1);
            assertThat(stats.pick(three, triedAll, random, NOW)).as("all tried: all compete").isNotEqualTo(1);
        }
    }

    @Test
    void theChooserLearnsTheTimeFromItsPickToTheResponseHead() {
        long[] clock = {NOW};
        Ewma.Choice choice = new Ewma.Choice(stats, () -> clock[0]);
        int index = choice.choose(backend(E1, E2, E3), (i, e) -> e.equals(E3) ? 0 : 2, false);
        assertThat(index).isEqualTo(2);
        clock[0] += 300_000_000L;
        choice.answered(E3);
        double weight = Math.exp(-20.3 / 10);
        assertThat(stats.entry(E3)[0]).isCloseTo(1.2 * weight + 0.3 * (1.0 - weight), within(1e-12));
    }

    @Test
    void syncKeepsTheAveragesWhenTheEndpointsDoNotChange() {
        stats.sync(backend(E1, E2, E3), NOW);
        assertEntry(E1, 0.2, NOW - 1 * S);
        assertEntry(E2, 0.3, NOW - 5 * S);
        assertEntry(E3, 1.2, NOW - 20 * S);
    }

    @Test
    void syncForgetsRemovedEndpointsAndStartsNewOnesAtTheAverage() {
        stats.sync(backend(E1, E4, E3, E5), NOW);
        assertEntry(E1, 0.2, NOW - 1 * S);
        assertThat(stats.entry(E2)).isNull();
        assertEntry(E3, 1.2, NOW - 20 * S);
        double slowStart = (0.2 + 1.2) / 2;
        assertEntry(E4, slowStart, NOW);
        assertEntry(E5, slowStart, NOW);
    }

    @Test
    void syncSetsNoSlowStartWhenNothingWasLearnt() {
        EwmaStats empty = new EwmaStats();
        empty.sync(backend(E1, E2, E3), NOW - S);
        empty.sync(backend(E1, E2, E3, E4), NOW);
        for (Endpoint e : List.of(E1, E2, E3, E4)) {
            assertThat(empty.entry(e)).isNull();
        }
    }

    @Test
    void theStatsStayBoundedWhenBackendsComeAndGo() {
        EwmaStats bounded = new EwmaStats();
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < EwmaStats.MAX_ENTRIES + 10; i++) {
            Endpoint e = new Endpoint("10.0." + (i >> 8) + "." + (i & 255), 80);
            bounded.answered(e, S, NOW);
            endpoints.add(e);
        }
        assertThat(bounded.entry(endpoints.get(0))).as("forgotten").isNull();
        assertThat(bounded.entry(endpoints.get(endpoints.size() - 1))).isNotNull();
    }
}
