package dev.linnet.gateway.accesslog;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: each event loop formats its finished requests' lines into bytes (where the
 * request's data is still in its cache) and hands them over without ever waiting; one daemon
 * thread writes them out in batches.
 *
 * <pre>
 *   event loop ─▶ offer(entry): format ─▶ line bytes ─▶ bounded MPSC queue ─▶ writer thread: batch ─▶ sink (stdout)
 *                    │ full                                   ▲ while traffic flows: polls every
 *                    ▼                                        │ 10 ms, no offer wakes it; idle a
 *                 dropped++ (linnet_access_log_dropped_total)  ┘ while: parks until an offer
 * </pre>
 *
 * Where the CPU went before (perf/README.md, "The access log on the event loop"): waking the
 * writer for each line cost a futex call and a context switch per request; polling every
 * millisecond still cost a wake-up per few dozen lines; and formatting on the writer read each
 * request's objects back from memory 1–10 ms after the event loop had let go of them (1–1.8 µs a
 * line). Formatting on the loop, with the request's data still cached, costs about 0.8 µs, and
 * the writer only copies bytes (0.3–0.6 µs a line, most of it the {@code write}); polling every
 * {@value #POLL_MILLIS} ms lets a few hundred lines go out per {@code write}. After
 * {@value #IDLE_POLLS} empty polls the writer parks until the next offer wakes it, so an idle
 * gateway does not spin; a line waits at most one poll interval.
 *
 * Lines are batched while the queue has more and written whole (one {@code write} per batch), so
 * they never interleave with other output of the process; one event loop's lines keep their
 * order. A sink that fails drops its batch (counted as dropped) and the writer goes on.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    /** Lines kept waiting at most (rounded up to a power of two): about 4 MB at 250 bytes each. */
    public static final int DEFAULT_CAPACITY = 16_384;
    private static final int BATCH_BYTES = 32 * 1024;

    /** Where whole lines go. Called from the writer thread only. */
    @FunctionalInterface
    public interface Sink {
        /** Writes {@code length} bytes of {@code lines} (whole lines, each ending in a line feed). */
        void write(byte[] lines, int length) throws IOException;
    }

    /** Discards everything: no thread, nothing counted (a gateway without an access log). */
    public static final AccessLog OFF = new AccessLog();

    private final Queue<byte[]> queue;
    private final int capacity;
    private final Sink sink;
    private final Thread writer;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private volatile boolean parked;
    private volatile boolean closed;

    private AccessLog() {
        this.queue = null;
        this.capacity = 0;
        this.sink = null;
        this.writer = null;
    }

    private AccessLog(Sink sink, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.sink = requireNonNull(sink, "sink");
        int rounded = 2; // the queue holds a power of two, at least 2
        while (rounded < capacity) {
            rounded <<= 1;
        }
        this.capacity = rounded;
        this.queue = PlatformDependent.newFixedMpscQueue(rounded);
        this.writer = new Thread(this::run, "linnet-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** A log writing to {@code sink}, with room for {@code capacity} lines waiting. */
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

    /** Lines that may wait at once; more are dropped. */
    public int capacity() {
        return capacity;
    }

    /**
     * Formats a finished request's line on the calling thread (the request's event loop) and
     * hands it to the writer; never blocks. Returns false when the queue is full (or the log
     * closed, or formatting failed): the line is dropped and counted.
     */
    public boolean offer(AccessLogEntry entry) {
        if (writer == null) {
            return false;
        }
        byte[] line;
        try {
            line = format(entry, LINES.get());
        } catch (RuntimeException ex) { // a bug must cost a line, not the request
            log.warn("access log: formatting a line failed", ex);
            dropped.increment();
            return false;
        }
        if (line == null) { // skip-access-log-urls
            return true;
        }
        if (closed || !queue.offer(line)) {
            dropped.increment();
            return false;
        }
        if (parked) {
            LockSupport.unpark(writer);
        }
        return true;
    }

    /** Lines dropped because the queue was full or the sink failed ({@code linnet_access_log_dropped_total}). */
    public long dropped() {
        return dropped.sum();
    }

    /** Whether the writer sleeps until the next offer wakes it (idle; tests). */
    boolean parked() {
        return parked;
    }

    /** Lines handed to the sink. */
    public long written() {
        return written.sum();
    }

    /** How long the writer sleeps between looks at the queue while lines come. */
    static final int POLL_MILLIS = 10;
    /** Empty polls (100 ms) before the writer parks until an offer wakes it. */
    static final int IDLE_POLLS = 10;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);

    /** Each event loop's line buffer and time strings: a line is formatted where its request's data is hot. */
    private static final FastThreadLocal<Line> LINES = new FastThreadLocal<>() {
        @Override
        protected Line initialValue() {
            return new Line(512, new LogTimes());
        }
    };

    /** {@code e}'s line with its line feed, or {@code null} when {@code skip-access-log-urls} skips it. */
    private static byte[] format(AccessLogEntry e, Line out) {
        AccessLogSettings s = e.settings();
        if (!s.skip().isEmpty() && e.request().uri() != null && s.skip().skips(e.request().uri())) {
            return null;
        }
        out.truncate(0);
        s.format().format(e, s.escaping(), out);
        out.append('\n');
        return Arrays.copyOf(out.array(), out.length());
    }

    private void run() {
        Line out = new Line(BATCH_BYTES + 8 * 1024, null);
        int lines = 0;
        int idlePolls = 0;
        while (true) {
            byte[] line = queue.poll();
            if (line == null) {
                if (lines > 0) {
                    flush(out, lines);
                    lines = 0;
                }
                if (closed && queue.isEmpty()) {
                    return;
                }
                if (idlePolls < IDLE_POLLS) { // traffic may be flowing: gather lines, nobody wakes us
                    idlePolls++;
                    LockSupport.parkNanos(this, POLL_NANOS);
                    continue;
                }
                parked = true;
                if (queue.isEmpty() && !closed) { // checked after parked is set: an offer in between wakes us
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                }
                parked = false;
                continue;
            }
            idlePolls = 0;
            out.append(line);
            lines++;
            if (out.length() >= BATCH_BYTES) {
                flush(out, lines);
                lines = 0;
            }
        }
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
    /** Writes what is queued, then stops the writer (waits up to a second for it). */
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
}
