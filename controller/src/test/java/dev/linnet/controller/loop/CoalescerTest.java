package dev.linnet.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CoalescerTest {

    private static final long MS = 1_000_000L;

    private final Coalescer coalescer = new Coalescer(100 * MS, 500 * MS);

    @Test
    void nothingIsPendingBeforeASignal() {
        assertThat(coalescer.pending()).isFalse();
    }

    @Test
    void aBurstIsDueOneHoldoffAfterItsLastSignal() {
        coalescer.signal(0);
        coalescer.signal(30 * MS);
        coalescer.signal(60 * MS);

        assertThat(coalescer.pending()).isTrue();
        assertThat(coalescer.nanosUntilDue(60 * MS)).isEqualTo(100 * MS);
        assertThat(coalescer.nanosUntilDue(160 * MS)).isZero();
    }

    @Test
    void aSteadyTrickleIsDueAtMostMaxDelayAfterItsFirstSignal() {
        for (long t = 0; t <= 450; t += 50) {
            coalescer.signal(t * MS);
        }

        assertThat(coalescer.nanosUntilDue(450 * MS)).isEqualTo(50 * MS);
    }

    @Test
    void signalsAfterTakeStartANewBurst() {
        coalescer.signal(0);
        coalescer.signal(30 * MS);
        assertThat(coalescer.take()).as("the burst started with its first signal").isZero();
        assertThat(coalescer.pending()).isFalse();

        coalescer.signal(1000 * MS);

        assertThat(coalescer.nanosUntilDue(1000 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void refusesAMaxDelayShorterThanTheHoldoff() {
        assertThatThrownBy(() -> new Coalescer(100, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDelayNanos: 50 (expected: >= holdoffNanos 100)");
    }
}
