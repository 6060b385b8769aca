package dev.linnet.gateway.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counts of one label set of a counter or a classic histogram, kept in one cell per
 * recording thread ({@link WriterSlots}). A dedicated cell has a single writer, which updates
 * it with plain reads and release stores: no CAS, no LongAdder. The scrape sums the cells with
 * acquire reads; it may see one request's counter without its histogram, or a bucket without
 * its sum, which Prometheus tolerates (a scrape is not a transaction in the library either).
 *
 * <pre>
 *   cells: [ loop 0 ][ loop 1 ] … [ SHARED (locked) ]    each cell: counts[width], sum
 *          grown copy-on-write under the series' lock when a thread writes here first
 * </pre>
 *
 * A counter has width 1; a histogram has one count per bucket ({@code +Inf} last), not
 * cumulative, and a sum. NaN observations are dropped, as the library drops them.
 */
final class Series {

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final Cell[] NONE = new Cell[0];

    final String[] labelValues;
    final long createdMillis = System.currentTimeMillis();
    private final double[] upperBounds; // null for a counter
    private volatile Cell[] cells = NONE;

    private Series(String[] labelValues, double[] upperBounds) {
        this.labelValues = labelValues;
        this.upperBounds = upperBounds;
    }

    static Series counter(String... labelValues) {
        return new Series(labelValues, null);
    }

    /** {@code upperBounds} ends with {@code +Inf}. */
    static Series histogram(double[] upperBounds, String... labelValues) {
        return new Series(labelValues, upperBounds);
    }

    /** Adds {@code n} to a counter (a negative {@code n} for an up-down count such as in-flight requests). */
    void inc(int slot, long n) {
        Cell c = cell(slot);
        if (slot != WriterSlots.SHARED) {
            c.add(0, n);
        } else {
            synchronized (c) {
                c.add(0, n);
            }
        }
    }

    void observe(int slot, double value) {
        if (Double.isNaN(value)) {
            return;
        }
        int bucket = 0;
        while (value > upperBounds[bucket]) { // the last bound is +Inf: always stops
            bucket++;
        }
        Cell c = cell(slot);
        if (slot != WriterSlots.SHARED) {
            c.observe(bucket, value);
        } else {
            synchronized (c) {
                c.observe(bucket, value);
            }
        }
    }

    private Cell cell(int slot) {
        Cell[] cs = cells;
        Cell c;
        if (slot < cs.length && (c = cs[slot]) != null) {
            return c;
        }
        return newCell(slot); // once per thread and series
    }

    private synchronized Cell newCell(int slot) {
        Cell[] cs = cells;
        if (slot < cs.length && cs[slot] != null) {
            return cs[slot];
        }
        Cell[] grown = java.util.Arrays.copyOf(cs, Math.max(cs.length, slot + 1));
        Cell c = new Cell(upperBounds == null ? 1 : upperBounds.length);
        grown[slot] = c;
        cells = grown; // volatile: publishes the new cell with the array
        return c;
    }

    /** Counts summed over the cells (for a counter, one element). */
    long[] counts() {
        long[] sum = new long[upperBounds == null ? 1 : upperBounds.length];
        for (Cell c : cells) {
            if (c != null) {
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += (long) COUNTS.getAcquire(c.counts, i);
                }
            }
        }
        return sum;
    }

    /** The histogram's sum over the cells. */
    double sum() {
        double sum = 0;
        for (Cell c : cells) {
            if (c != null) {
                sum += c.sum();
            }
        }
        return sum;
    }

    /** One writer's counts: written by its thread only (or under its lock for {@link WriterSlots#SHARED}). */
    private static final class Cell {

        private static final VarHandle SUM;

        static {
            try {
                SUM = MethodHandles.lookup().findVarHandle(Cell.class, "sum", double.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long[] counts;
        @SuppressWarnings("unused") // through SUM
        private double sum;

        Cell(int width) {
            counts = new long[width];
        }

        void add(int i, long n) {
            COUNTS.setRelease(counts, i, counts[i] + n); // one writer: its own plain read is current
        }

        void observe(int bucket, double value) {
            add(bucket, 1);
            SUM.setRelease(this, sum + value);
        }

        double sum() {
            return (double) SUM.getAcquire(this);
        }
    }
}
