package dev.linnet.gateway.accesslog;

import static java.util.Objects.requireNonNull;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log's writer: event loops hand finished requests over without ever waiting, one
 * daemon thread formats and writes them.
 *
 * <pre>
 *   event loop ─▶ offer(entry) ─▶ bounded MPSC queue ─▶ writer thread: format ─▶ batch ─▶ sink (stdout)
 *                    │ full                                  ▲ while traffic flows: polls every
 *                    ▼                                       │ millisecond, no offer wakes it; idle
 *                 dropped++ (linnet_access_log_dropped_total) ┘ a while: parks until an offer
 * </pre>
 *
 * Waking the writer for each line cost a futex call and a context switch per request (the
 * writer shares the event loop's core in the perf harness): + 12–76 % CPU per request. Polling
 * while busy lets lines gather and go out in one write per millisecond; after
 * {@value #IDLE_POLLS} empty polls the writer parks until the next offer wakes it, so an idle
 * gateway does not spin.
 *
 * Lines are batched while the queue has more and written whole (one {@code write} per batch), so
 * they never interleave with other output of the process. A sink that fails drops its batch
 * (counted as dropped) and the writer goes on.
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

    private final Queue<AccessLogEntry> queue;
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
     * Hands a finished request to the writer; never blocks. Returns false when the queue is full
     * (or the log closed): the line is dropped and counted.
     */
    public boolean offer(AccessLogEntry entry) {
        if (writer == null) {
            return false;
        }
        if (closed || !queue.offer(entry)) {
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

    /** Empty one-millisecond polls before the writer parks until an offer wakes it. */
    static final int IDLE_POLLS = 10;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private void run() {
        Line out = new Line(BATCH_BYTES + 8 * 1024, new LogTimes());
        int lines = 0;
        int idlePolls = 0;
        while (true) {
            AccessLogEntry e = queue.poll();
            if (e == null) {
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
            int start = out.length();
            try {
                if (!format(e, out)) {
                    continue;
                }
            } catch (RuntimeException ex) { // a bug must cost a line, not the log
                out.truncate(start);
                log.warn("access log: formatting a line failed", ex);
                dropped.increment();
                continue;
            }
            out.append('\n');
            lines++;
            if (out.length() >= BATCH_BYTES) {
                flush(out, lines);
                lines = 0;
            }
        }
    }

    /** @return false when the entry is skipped ({@code skip-access-log-urls}) */
    private static boolean format(AccessLogEntry e, Line out) {
        AccessLogSettings s = e.settings();
        if (!s.skip().isEmpty() && e.request().uri() != null && s.skip().skips(e.request().uri())) {
            return false;
        }
        s.format().format(e, s.escaping(), out);
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
