package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lazy deadline keeps the semantics of a cancel-and-reschedule timer. */
class DeadlineTest {

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void onLoop(Runnable r) {
        loop.submit(r).syncUninterruptibly();
    }

    @Test
    void firesOnceAfterTheTimeout() {
        AtomicInteger fired = new AtomicInteger();
        Deadline d = new Deadline(loop, Duration.ofMillis(50), fired::incrementAndGet);
        onLoop(d::arm);

        await().atMost(Duration.ofSeconds(10)).until(() -> fired.get() == 1);
        assertThat(fired).hasValue(1);
    }

    @Test
    void reArmingPushesTheExpiryBackEvenThoughTheFirstTimerStays() {
        AtomicLong firedAt = new AtomicLong();
        long[] lastArm = new long[1];
        Deadline d = new Deadline(loop, Duration.ofMillis(200), () -> firedAt.set(System.nanoTime()));
        // The clock is read before arm() (which reads it again): a deadline met to the nanosecond
        // must not look early because the test's reading came after the Deadline's.
        onLoop(() -> {
            lastArm[0] = System.nanoTime();
            d.arm();
        });
        // The re-arm comes half-way through the first countdown, from the loop itself.
        loop.schedule(() -> {
            lastArm[0] = System.nanoTime();
            d.arm();
        }, 100, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> firedAt.get() != 0);
        assertThat(firedAt.get() - lastArm[0]).as("a full timeout after the last arm, not the first")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void aCancelledDeadlineNeverFiresAndAStoppedOneLeavesNoTimer() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Deadline cancelled = new Deadline(loop, Duration.ofMillis(30), fired::incrementAndGet);
        Deadline stopped = new Deadline(loop, Duration.ofMillis(30), fired::incrementAndGet);
        onLoop(() -> {
            cancelled.arm();
            cancelled.cancel();
            stopped.arm();
            stopped.stop();
        });
        // A later deadline that does fire proves the loop ran past both.
        CompletableFuture<Void> later = new CompletableFuture<>();
        Deadline witness = new Deadline(loop, Duration.ofMillis(150), () -> later.complete(null));
        onLoop(witness::arm);
        later.get(10, TimeUnit.SECONDS);

        assertThat(fired).hasValue(0);
    }

    @Test
    void aShorterTimeoutAfterALongerOneFiresAtTheShorterOne() throws Exception {
        CompletableFuture<Long> fired = new CompletableFuture<>();
        long[] armedAt = new long[1];
        Deadline d = new Deadline(loop, Duration.ofSeconds(60), () -> fired.complete(System.nanoTime()));
        onLoop(() -> {
            d.arm(); // 60 s
            armedAt[0] = System.nanoTime();
            d.arm(TimeUnit.MILLISECONDS.toNanos(50)); // replaces it: the pending timer would be too late
        });

        long at = fired.get(10, TimeUnit.SECONDS);
        assertThat(at - armedAt[0]).isLessThan(TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void aStoppedDeadlineIgnoresLaterArms() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Deadline d = new Deadline(loop, Duration.ofMillis(30), fired::incrementAndGet);
        onLoop(() -> {
            d.stop();
            d.arm(); // e.g. bytes queued before a close reaching a tunnel that already ended
        });
        CompletableFuture<Void> later = new CompletableFuture<>();
        Deadline witness = new Deadline(loop, Duration.ofMillis(150), () -> later.complete(null));
        onLoop(witness::arm);
        later.get(10, TimeUnit.SECONDS);

        assertThat(fired).hasValue(0);
    }
}
