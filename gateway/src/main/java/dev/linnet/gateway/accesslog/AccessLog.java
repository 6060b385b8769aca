package dev.linnet.gateway.accesslog;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: each event loop formats its finished requests' lines into bytes (where the
 * request's data is still in its cache) and copies them into its own ring of bytes, never
 * waiting; one daemon thread gathers what the rings hold and writes it out in batches.
 *
 * <pre>
 *   event loop 1 ─▶ offer(entry): format ─▶ line bytes ─▶ its ring  ──┐  writer thread, every 50 ms while
 *   event loop 2 ─▶ ...                                ─▶ its ring  ──┼─▶ lines flow (sooner when a ring is a
 *                    │ ring full (lines or bytes)                     │   quarter full): each ring's whole
 *                    ▼                                                │   lines ─▶ batch ─▶ sink (stdout);
 *                 dropped++ (linnet_access_log_dropped_total)          ┘   idle a while: parks until an offer
 * </pre>
 *
 * Where the CPU went before (perf/README.md, "The access log on the event loop"): waking the
 * writer for each line cost a futex call and a context switch per request; polling every
 * millisecond still cost a wake-up per few dozen lines; formatting on the writer read each
 * request's objects back from memory 1–10 ms after the event loop had let go of them; and handing
 * each line over as its own array through a shared queue cost an allocation, a compare-and-set
 * on a cache line the writer also touches, and the writer's own copy, per line. Now a line is
 * formatted where its data is hot and copied into a ring only its event loop writes: the only
 * store the writer sees is the ring's published position, one ordered store per line; the writer
 * copies a poll's worth of lines per ring in one or two {@code arraycopy}s and writes them in one
 * {@code write}. Each wake-up of the writer costs far more than the lines it writes (on the event
 * loop's core, measured in the harness: ≈ 70 µs, against ≈ 0.14 µs a line), so it polls only every
 * {@value #POLL_MILLIS} ms, or sooner when a ring fills to a quarter (the event loop then wakes
 * it: one wake-up per ≈ 2000 lines at most). After {@value #IDLE_POLLS} empty polls the writer
 * parks until the next offer wakes it, so an idle gateway does not spin; a line waits at most one
 * poll interval.
 *
 * Lines are written whole (a batch ends at a line end), so they never interleave with other
 * output of the process; one event loop's lines keep their order, lines of different loops may
 * be written out of order by up to a poll interval. A sink that fails drops its batch (counted
 * as dropped) and the writer goes on.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    /** Lines one event loop may have waiting at most; more are dropped. */
    public static final int DEFAULT_CAPACITY = 16_384;
    private static final int BATCH_BYTES = 64 * 1024;
    /** Bytes a ring holds per line of its capacity (a default line is ≈ 250 bytes; longer ones are rare). */
    private static final int RING_BYTES_PER_LINE = 128;
    private static final int MIN_RING_BYTES = 64 * 1024;

    /** Where whole lines go. Called from the writer thread only. */
    @FunctionalInterface
    public interface Sink {
        /** Writes {@code length} bytes of {@code lines} (whole lines, each ending in a line feed). */
        void write(byte[] lines, int length) throws IOException;
    }

    /** Discards everything: no thread, nothing counted (a gateway without an access log). */
    public static final AccessLog OFF = new AccessLog();

    private final int capacity;
    private final int ringBytes;
    private final Sink sink;
    private final Thread writer;
    private final List<Ring> rings = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<Ring> ring;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private volatile boolean parked;
    private volatile boolean closed;

    private AccessLog() {
        this.capacity = 0;
        this.ringBytes = 0;
        this.sink = null;
        this.writer = null;
        this.ring = null;
    }

    private AccessLog(Sink sink, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.sink = requireNonNull(sink, "sink");
        this.capacity = capacity;
        long bytes = Math.max(MIN_RING_BYTES, (long) capacity * RING_BYTES_PER_LINE);
        this.ringBytes = (int) Math.min(1 << 30, Long.highestOneBit(bytes - 1) << 1); // a power of two
        this.ring = new FastThreadLocal<>() {
            @Override
            protected Ring initialValue() {
                Ring r = new Ring(ringBytes);
                rings.add(r);
                return r;
            }

            @Override
            protected void onRemoval(Ring r) { // its thread ended: the writer drains it, then forgets it
                r.retired = true;
            }
        };
        this.writer = new Thread(this::run, "linnet-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** A log writing to {@code sink}, with room for {@code capacity} lines waiting per event loop. */
    public static AccessLog create(Sink sink, int capacity) {
        return new AccessLog(sink, capacity);
    }

    /** A log on standard output (ingress-nginx's container links its access log there). */
    public static AccessLog stdout() {
        PrintStream out = System.out;
        return create((bytes, length) -> {
            out.write(bytes, 0, length);
            out.flush();
        }, DEFAULT_CAPACITY);
    }

    /** Whether lines are written at all ({@link #OFF} is not). */
    public boolean isOn() {
        return writer != null;
    }

    /** Lines one event loop may have waiting at once; more are dropped. */
    public int capacity() {
        return capacity;
    }

    /**
     * Formats a finished request's line on the calling thread (the request's event loop) and
     * hands it to the writer; never blocks. Returns false when the calling thread's ring is full
     * (or the log closed, or formatting failed): the line is dropped and counted.
     */
    public boolean offer(AccessLogEntry entry) {
        if (writer == null) {
            return false;
        }
        Line line = LINES.get();
        try {
            if (!format(entry, line)) { // skip-access-log-urls
                return true;
            }
        } catch (RuntimeException ex) { // a bug must cost a line, not the request
            log.warn("access log: formatting a line failed", ex);
            dropped.increment();
            return false;
        }
        int put = closed ? Ring.FULL : ring.get().put(line.array(), line.length(), capacity);
        if (put == Ring.FULL) {
            dropped.increment();
            return false;
        }
        if (put == Ring.FILLING || parked) {
            LockSupport.unpark(writer);
        }
        return true;
    }

    /** Lines dropped because a ring was full or the sink failed ({@code linnet_access_log_dropped_total}). */
    public long dropped() {
        return dropped.sum();
    }

    /** Whether the writer sleeps until the next offer wakes it (idle; tests). */
    boolean parked() {
        return parked;
    }

    /** Rings the writer drains (one per thread that offered a line and has not ended; tests). */
    int rings() {
        return rings.size();
    }

    /** Lines handed to the sink. */
    public long written() {
        return written.sum();
    }

    /** How long the writer sleeps between looks at the rings while lines come. */
    static final int POLL_MILLIS = 50;
    /** Empty polls (100 ms) before the writer parks until an offer wakes it. */
    static final int IDLE_POLLS = 2;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);

    /** Each thread's line buffer and time strings: a line is formatted where its request's data is hot. */
    private static final FastThreadLocal<Line> LINES = new FastThreadLocal<>() {
        @Override
        protected Line initialValue() {
            return new Line(512, new LogTimes());
        }
    };

    /** Formats {@code e}'s line with its line feed into {@code out}; false when {@code skip-access-log-urls} skips it. */
    private static boolean format(AccessLogEntry e, Line out) {
        AccessLogSettings s = e.settings();
        if (!s.skip().isEmpty() && e.request().uri() != null && s.skip().skips(e.request().uri())) {
            return false;
        }
        out.truncate(0);
        s.format().format(e, s.escaping(), out);
        out.append('\n');
        return true;
    }

    private void run() {
        Line out = new Line(BATCH_BYTES, null); // grows to what one poll gathers from a ring
        int idlePolls = 0;
        while (true) {
            boolean any = false;
            for (Ring r : rings) {
                any |= drain(r, out);
                if (r.retired && r.isEmpty()) {
                    rings.remove(r);
                }
            }
            if (any) {
                idlePolls = 0;
                LockSupport.parkNanos(this, POLL_NANOS); // gather the next poll's lines, nobody wakes us
                continue;
            }
            if (closed) {
                return; // every ring drained after close was seen
            }
            if (idlePolls < IDLE_POLLS) { // traffic may be flowing
                idlePolls++;
                LockSupport.parkNanos(this, POLL_NANOS);
                continue;
            }
            parked = true;
            if (allEmpty() && !closed) { // checked after parked is set: an offer in between wakes us
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            }
            parked = false;
        }
    }

    /** Writes what {@code r} holds in one batch; whether there was anything. */
    private boolean drain(Ring r, Line out) {
        int lines = r.take(out);
        if (lines == 0) {
            return false;
        }
        flush(out, lines);
        return true;
    }

    private boolean allEmpty() {
        for (Ring r : rings) {
            if (!r.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private void flush(Line out, int lines) {
        try {
            sink.write(out.array(), out.length());
            written.add(lines);
        } catch (IOException | RuntimeException ex) {
            dropped.add(lines);
            log.warn("access log: writing {} lines failed: {}", lines, ex.toString());
        } finally {
            out.truncate(0);
        }
    }

    /** Writes what is waiting, then stops the writer (waits up to a second for it). */
    @Override
    public void close() {
        if (writer == null || closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One thread's lines on their way to the writer: a ring of bytes with one producer (the
     * thread) and one consumer (the writer). Positions count bytes and lines modulo 2^32 and are
     * published together in one {@code long} (lines in the high half, bytes in the low), so the
     * writer always sees whole lines and knows how many:
     *
     * <pre>
     *   bytes  [....consumed....|line|line|line|....free....]   (wrapping around the array)
     *                           ▲ taken (writer)  ▲ published (event loop)
     * </pre>
     */
    static final class Ring {
        private static final VarHandle PUBLISHED;
        private static final VarHandle TAKEN;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                PUBLISHED = l.findVarHandle(Ring.class, "published", long.class);
                TAKEN = l.findVarHandle(Ring.class, "taken", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final byte[] bytes;
        private final int mask;
        private long published; // written by the producer (ordered), read by the writer (acquire)
        private long taken; // written by the writer (ordered), read by the producer (acquire)
        volatile boolean retired;

        Ring(int size) {
            this.bytes = new byte[size];
            this.mask = size - 1;
        }

        /** {@link #put}: the line is in. */
        static final int PUT = 0;
        /** {@link #put}: the line is in, and the ring has just filled past a quarter: time to wake the writer. */
        static final int FILLING = 1;
        /** {@link #put}: no room, the line is not in. */
        static final int FULL = 2;

        /**
         * Copies one line in unless that would make more than {@code maxLines} lines or more bytes
         * than fit wait. Producer only. Returns {@link #PUT}, {@link #FILLING} or {@link #FULL}.
         */
        int put(byte[] line, int length, int maxLines) {
            long p = published; // our own field: a plain read
            long t = (long) TAKEN.getAcquire(this);
            int pendingBytes = (int) p - (int) t;
            int pendingLines = (int) (p >>> 32) - (int) (t >>> 32);
            if (pendingLines >= maxLines || length > bytes.length - pendingBytes) {
                return FULL;
            }
            int at = (int) p & mask;
            int first = Math.min(length, bytes.length - at);
            System.arraycopy(line, 0, bytes, at, first);
            System.arraycopy(line, first, bytes, 0, length - first);
            PUBLISHED.setRelease(this, pack((int) (p >>> 32) + 1, (int) p + length));
            int quarter = bytes.length >>> 2;
            return pendingBytes < quarter && pendingBytes + length >= quarter ? FILLING : PUT;
        }

        /**
         * Appends every line waiting to {@code out} and frees their room; how many lines. Writer
         * only. All of them, never a cut: a cut would need the lines counted, byte by byte.
         */
        int take(Line out) {
            long t = taken;
            long p = (long) PUBLISHED.getAcquire(this);
            int lines = (int) (p >>> 32) - (int) (t >>> 32);
            if (lines == 0) {
                return 0;
            }
            int length = (int) p - (int) t;
            int at = (int) t & mask;
            int first = Math.min(length, bytes.length - at);
            out.append(bytes, at, first);
            out.append(bytes, 0, length - first);
            TAKEN.setRelease(this, p);
            return lines;
        }

        boolean isEmpty() {
            return (long) PUBLISHED.getAcquire(this) == (long) TAKEN.getAcquire(this);
        }

        private static long pack(int lines, int bytes) {
            return (long) lines << 32 | (bytes & 0xFFFF_FFFFL);
        }
    }
}
