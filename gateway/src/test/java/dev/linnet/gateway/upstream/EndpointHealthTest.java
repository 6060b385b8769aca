package dev.linnet.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Endpoint;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointHealthTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ejections ejections = new Ejections(now::get);
    private final Endpoint pod = new Endpoint("10.0.0.1", 80);

    private EndpointHealth health(int maxFails, long failTimeoutSeconds) {
        return new EndpointHealth(new PassiveHealth(maxFails, Duration.ofSeconds(failTimeoutSeconds)), now::get,
                ejections);
    }

    private void advance(long seconds) {
        now.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    @Test
    void maxFailsWithinTheWindowSkipTheEndpointForTheFailTimeout() {
        EndpointHealth h = health(2, 10);
        h.failed(pod);
        assertThat(h.skipped(pod)).as("one of two").isFalse();
        advance(3);
        h.failed(pod);
        assertThat(h.skipped(pod)).isTrue();
        assertThat(ejections.total()).isEqualTo(1);
        assertThat(ejections.current()).containsEntry(pod, Duration.ofSeconds(10));
        advance(9);
        assertThat(h.skipped(pod)).isTrue();
        advance(1);
        assertThat(h.skipped(pod)).as("its time is over").isFalse();
        assertThat(h.anyFailures()).isFalse();
        assertThat(ejections.current()).isEmpty();
    }

    @Test
    void failuresFurtherApartThanTheWindowNeverAddUp() {
        EndpointHealth h = health(2, 10);
        h.failed(pod);
        advance(11);
        h.failed(pod);
        assertThat(h.skipped(pod)).isFalse();
    }

    @Test
    void aSuccessForgetsTheFailures() {
        EndpointHealth h = health(2, 10);
        h.failed(pod);
        h.succeeded(pod);
        h.failed(pod);
        assertThat(h.skipped(pod)).isFalse();
        assertThat(h.anyFailures()).isTrue();
    }

    @Test
    void theStateOfAnEndpointGoneFromTheTablesIsForgottenOnceItsTimeIsOver() {
        EndpointHealth h = health(1, 10);
        Endpoint gone = new Endpoint("10.0.0.9", 80); // skipped, then removed: never looked up again
        h.failed(gone);
        h.failed(pod);
        h.succeeded(pod);
        assertThat(h.anyFailures()).as("still skipped").isTrue();
        advance(10);
        h.succeeded(pod);
        assertThat(h.anyFailures()).as("the request path is back to one isEmpty()").isFalse();
    }

    @Test
    void zeroMaxFailsOrFailTimeoutTurnTheCheckOff() {
        for (EndpointHealth h : new EndpointHealth[] {health(0, 10), health(1, 0)}) {
            h.failed(pod);
            assertThat(h.skipped(pod)).isFalse();
            assertThat(h.anyFailures()).isFalse();
        }
    }
}
