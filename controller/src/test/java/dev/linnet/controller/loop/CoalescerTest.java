package dev.linnet.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    private static final long MS = 1_000_000L;

    private final Coalescer coalescer = new Coalescer(100 * MS, 500 * MS);

    /** A build ran from {@code start} to {@code end}: what follows closely is a burst to coalesce. */
    private void built(long start, long end) {
        coalescer.signal(start);
        coalescer.take();
        coalescer.built(start, end);
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
        built(0, 5 * MS);
        coalescer.signal(100 * MS);

        assertThat(coalescer.nanosUntilDue(100 * MS)).isZero();
    }

    @Test
    void aBurstRightAfterABuildIsDueOneHoldoffAfterTheBuildStarted() {
        built(0, 5 * MS);
        coalescer.signal(10 * MS);
        coalescer.signal(30 * MS);
        coalescer.signal(60 * MS);

        assertThat(coalescer.pending()).isTrue();
        assertThat(coalescer.nanosUntilDue(60 * MS)).isEqualTo(40 * MS);
        assertThat(coalescer.nanosUntilDue(100 * MS)).isZero();
    }

    @Test
    void aSlowBuildIsFollowedByARestAsLongAsItTookUpToMaxDelay() {
        built(0, 300 * MS);
        coalescer.signal(310 * MS);
        assertThat(coalescer.nanosUntilDue(310 * MS)).isEqualTo(290 * MS);

        coalescer.take();
        coalescer.built(600 * MS, 2600 * MS); // a two-second build
        coalescer.signal(2610 * MS);
        assertThat(coalescer.nanosUntilDue(2610 * MS)).isEqualTo(490 * MS);
    }

    @Test
    void underSteadyChurnNoChangeWaitsLongerThanOneHoldoffPlusABuild() {
        // Issue 15, item 8: a weight change and an Ingress edit every 100 ms each (a signal every
        // 50 ms) for 10 s, builds taking 5 ms. The old rule waited for a quiet 100 ms that never
        // came, so every change waited the 500 ms maxDelay.
        List<Long> signals = new ArrayList<>();
        List<Long> lags = new ArrayList<>();
        long buildEnd = -1;
        for (long t = 0; t <= 10_000; t++) {
            long now = t * MS;
            if (t == buildEnd) {
                coalescer.built((t - 5) * MS, now);
            }
            if (t % 50 == 0) {
                coalescer.signal(now);
                signals.add(now);
            }
            if (t >= buildEnd && coalescer.pending() && coalescer.nanosUntilDue(now) <= 0) {
                coalescer.take();
                buildEnd = t + 5;
                for (long s : signals) {
                    lags.add(buildEnd * MS - s); // served once this build is published
                }
                signals.clear();
            }
        }

        assertThat(lags).isNotEmpty().allSatisfy(lag -> assertThat(lag).isLessThanOrEqualTo(105 * MS));
    }

    @Test
    void aStormCostsOneBuildAtItsStartAndAboutOnePerHoldoffAfter() {
        int builds = 0;
        for (long t = 0; t < 1000; t++) { // a signal every millisecond for a second, instant builds
            coalescer.signal(t * MS);
            if (coalescer.nanosUntilDue(t * MS) <= 0) {
                coalescer.take();
                coalescer.built(t * MS, t * MS);
                builds++;
            }
        }

        assertThat(builds).as("leading build, then one per holdoff while the storm lasts").isBetween(9, 11);
    }

    @Test
    void takeReportsTheFirstSignalOfTheBurst() {
        built(0, 5 * MS);
        coalescer.signal(20 * MS);
        coalescer.signal(30 * MS);

        assertThat(coalescer.take()).as("the burst started with its first signal").isEqualTo(20 * MS);
        assertThat(coalescer.pending()).isFalse();
    }

    @Test
    void refusesAMaxDelayShorterThanTheHoldoff() {
        assertThatThrownBy(() -> new Coalescer(100, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDelayNanos: 50 (expected: >= holdoffNanos 100)");
    }
}
