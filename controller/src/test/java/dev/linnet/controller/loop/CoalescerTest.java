package dev.linnet.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CoalescerTest {

    private static final long MS = 1_000_000L;

    private final Coalescer coalescer = new Coalescer(100 * MS, 500 * MS);

    /** A build just started at {@code t}: what follows closely is a burst to coalesce. */
    private void builtAt(long t) {
        coalescer.signal(t);
        coalescer.take(t);
    }

    @Test
    void nothingIsPendingBeforeASignal() {
        assertThat(coalescer.pending()).isFalse();
    }

    @Test
    void theFirstSignalEverIsDueAtOnce() {
        coalescer.signal(5 * MS);

        assertThat(coalescer.nanosUntilDue(5 * MS)).isZero();
    }

    @Test
    void aSignalAfterAnIdleSpellIsDueAtOnce() {
        builtAt(0);
        coalescer.signal(100 * MS);

        assertThat(coalescer.nanosUntilDue(100 * MS)).isZero();
    }

    @Test
    void aBurstRightAfterABuildIsDueOneHoldoffAfterItsLastSignal() {
        builtAt(0);
        coalescer.signal(10 * MS);
        coalescer.signal(30 * MS);
        coalescer.signal(60 * MS);

        assertThat(coalescer.pending()).isTrue();
        assertThat(coalescer.nanosUntilDue(60 * MS)).isEqualTo(100 * MS);
        assertThat(coalescer.nanosUntilDue(160 * MS)).isZero();
    }

    @Test
    void aSteadyTrickleIsDueAtMostMaxDelayAfterItsFirstSignal() {
        builtAt(0);
        for (long t = 50; t <= 500; t += 50) {
            coalescer.signal(t * MS);
        }

        assertThat(coalescer.nanosUntilDue(500 * MS)).isEqualTo(50 * MS);
    }

    @Test
    void aStormCostsOneBuildAtItsStartAndOnePerHoldoffAfter() {
        int builds = 0;
        for (long t = 0; t < 1000; t++) { // a signal every millisecond for a second
            coalescer.signal(t * MS);
            if (coalescer.nanosUntilDue(t * MS) <= 0) {
                coalescer.take(t * MS);
                builds++;
            }
        }

        assertThat(builds).as("leading build, then one per maxDelay while the storm lasts").isBetween(2, 4);
    }

    @Test
    void takeReportsTheFirstSignalOfTheBurst() {
        builtAt(0);
        coalescer.signal(20 * MS);
        coalescer.signal(30 * MS);

        assertThat(coalescer.take(130 * MS)).as("the burst started with its first signal").isEqualTo(20 * MS);
        assertThat(coalescer.pending()).isFalse();
    }

    @Test
    void refusesAMaxDelayShorterThanTheHoldoff() {
        assertThatThrownBy(() -> new Coalescer(100, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDelayNanos: 50 (expected: >= holdoffNanos 100)");
    }
}
