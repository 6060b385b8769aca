package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ExchangeTimers}: one connection's timers, passed from request to request. */
class ExchangeTimersHandOverTest {

    private static final long FIFTY_MS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void onLoop(Runnable r) {
        loop.submit(r).syncUninterruptibly();
    }

    /**
     * Waits until the loop has run every timer due within {@code millis} from now: a task the loop
     * schedules for after them runs after them (its timers fire in deadline order), so an expiry
     * that was going to happen has happened, and one that did not, will not.
     */
    private void afterTimersDueWithin(long millis) {
        java.util.concurrent.atomic.AtomicBoolean passed = new java.util.concurrent.atomic.AtomicBoolean();
        loop.schedule(() -> passed.set(true), millis, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(10)).untilTrue(passed);
    }

    /** Counts its expiries. */
    private static final class Counting implements ExchangeTimers.Owner {
        final AtomicInteger read = new AtomicInteger();
        final AtomicInteger body = new AtomicInteger();

        @Override
        public void readTimedOut() {
            read.incrementAndGet();
        }

        @Override
        public void bodyTimedOut() {
            body.incrementAndGet();
        }
    }

    @Test
    void theHolderHearsItsExpiries() {
        ExchangeTimers timers = new ExchangeTimers(loop);
        Counting first = new Counting();
        onLoop(() -> {
            timers.hold(first);
            timers.armRead(first, FIFTY_MS);
            timers.armBody(first, FIFTY_MS);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> first.read.get() == 1 && first.body.get() == 1);
    }

    @Test
    void aFinishedExchangeCanNeitherArmNorTimeOutTheNextRequest() {
        ExchangeTimers timers = new ExchangeTimers(loop);
        Counting first = new Counting();
        Counting second = new Counting();
        onLoop(() -> {
            timers.hold(first);
            timers.armRead(first, FIFTY_MS); // its timer stays pending after the release (lazy)
            timers.release(first);
            timers.hold(second);
            timers.armRead(first, FIFTY_MS); // a late write listener of the finished exchange
            timers.armBody(first, FIFTY_MS);
        });
        afterTimersDueWithin(200); // the pending timer fired at 50 ms and found nothing armed
        assertThat(first.read).hasValue(0);
        assertThat(second.read).hasValue(0);
        assertThat(second.body).hasValue(0);

        onLoop(() -> timers.armRead(second, FIFTY_MS));
        await().atMost(Duration.ofSeconds(10)).until(() -> second.read.get() == 1);
        assertThat(first.read).hasValue(0);
    }

    @Test
    void closingDropsPendingTimersAndLaterArms() {
        ExchangeTimers timers = new ExchangeTimers(loop);
        Counting owner = new Counting();
        onLoop(() -> {
            timers.hold(owner);
            timers.armRead(owner, FIFTY_MS);
            timers.close();
            timers.armRead(owner, FIFTY_MS);
        });
        afterTimersDueWithin(200); // nothing may fire after the close
        assertThat(owner.read).hasValue(0);
    }
}
