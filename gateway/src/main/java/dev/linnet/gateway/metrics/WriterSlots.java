package dev.linnet.gateway.metrics;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives each recording thread its own small index into every {@link Series}' cells, so that a
 * cell has one writer and recording needs no atomic read-modify-write (issue 7: the library's
 * LongAdder/DoubleAdder updates were ≈ 6 % of an event loop's time).
 *
 * <p>Recording threads are the event loops: few, fixed at start, each a Netty
 * {@code FastThreadLocalThread}, where this lookup is an array index (any other thread
 * pays a {@code ThreadLocal} lookup instead). The first
 * {@value #DEDICATED} threads to record get a dedicated index; any later thread (a test's,
 * a tool's) shares {@link #SHARED}, whose cells are updated under their lock. An index is never
 * handed out again, because its cells keep the counts of a thread that has ended.
 */
final class WriterSlots {

    /** Dedicated indexes; far more than a gateway's event loops. */
    static final int DEDICATED = 64;
    /** The index every thread past {@link #DEDICATED} shares, under the cell's lock. */
    static final int SHARED = DEDICATED;

    private final int dedicated;
    private final AtomicInteger next = new AtomicInteger();
    // One per GatewayMetrics (not static): a test's or a benchmark's instance starts from index 0.
    private final FastThreadLocal<Integer> slot = new FastThreadLocal<>() {
        @Override
        protected Integer initialValue() {
            int i = next.getAndIncrement(); // once per thread, never per request
            return i < dedicated ? i : SHARED;
        }
    };

    WriterSlots() {
        this(DEDICATED);
    }

    /** Fewer dedicated indexes, so that a test can drive threads onto {@link #SHARED}. */
    WriterSlots(int dedicated) {
        if (dedicated < 0 || dedicated > DEDICATED) {
            throw new IllegalArgumentException("dedicated: " + dedicated + " (expected: 0-" + DEDICATED + ")");
        }
        this.dedicated = dedicated;
    }

    /** The calling thread's index: 0 … {@link #DEDICATED}. */
    int current() {
        return slot.get();
    }
}
