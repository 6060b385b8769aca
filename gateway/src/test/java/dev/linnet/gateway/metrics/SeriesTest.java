package dev.linnet.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/** {@link Series} cells under contention, in tight loops that make a lost update near certain. */
class SeriesTest {

    private static final int THREADS = 4;
    private static final int UPDATES = 1_000_000;

    @Test
    void sharedCellIsUpdatedUnderItsLock() throws Exception {
        Series counter = Series.counter("x");
        Series histogram = Series.histogram(new double[] {1, 2, Double.POSITIVE_INFINITY}, "x");
        hammer(thread -> WriterSlots.SHARED, counter, histogram);
        assertExact(counter, histogram);
    }

    @Test
    void dedicatedCellsHaveOneWriterEach() throws Exception {
        Series counter = Series.counter("x");
        Series histogram = Series.histogram(new double[] {1, 2, Double.POSITIVE_INFINITY}, "x");
        hammer(thread -> thread, counter, histogram);
        assertExact(counter, histogram);
    }

    @Test
    void observationsFallInTheFirstBucketWhoseBoundIsNotBelow() {
        Series h = Series.histogram(new double[] {1, 2, Double.POSITIVE_INFINITY}, "x");
        for (double v : new double[] {0, 1, 1.5, 2, 2.5, Double.POSITIVE_INFINITY, Double.NaN}) {
            h.observe(0, v);
        }
        assertThat(h.counts()).containsExactly(2, 2, 2); // NaN dropped, as the library drops it
        assertThat(h.sum()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    private static void hammer(IntUnaryOperator slotOfThread, Series counter, Series histogram) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int slot = slotOfThread.applyAsInt(t);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < UPDATES; i++) {
                        counter.inc(slot, 1);
                        histogram.observe(slot, i % 3); // 0 and 1 → le 1, 2 → le 2
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertExact(Series counter, Series histogram) {
        long all = (long) THREADS * UPDATES;
        assertThat(counter.counts()).containsExactly(all);
        long twos = (long) THREADS * (UPDATES / 3); // i % 3 == 2 for i < 1 000 000
        assertThat(histogram.counts()).containsExactly(all - twos, twos, 0);
        long ones = (long) THREADS * ((UPDATES + 1) / 3);
        assertThat(histogram.sum()).isEqualTo((double) ones + 2.0 * twos);
    }
}
