package dev.linnet.gateway.accesslog;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * The access-log writer's own CPU per line at a steady request rate, without a proxy around it
 * (issue 18 §3): one thread stands in for the event loop — busy all the time, handing over an
 * entry every {@code 1/rate} seconds — and the writer formats them into standard output. Pin it
 * to one core, as the harness pins Linnet, and send standard output to a file or {@code /dev/null}:
 *
 * <pre>
 *   taskset -c 1 java -cp perf/target/classes:$(cat perf/target/classpath.txt) \
 *       dev.linnet.gateway.accesslog.AccessLogLoad 30000 10 > /dev/null
 * </pre>
 *
 * Prints (on standard error) the writer thread's CPU per line; what the hand-over costs the event
 * loop is {@link AccessLogBenchmark}'s {@code capture}.
 */
public final class AccessLogLoad {

    private AccessLogLoad() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        AccessLogBenchmark sample = new AccessLogBenchmark();
        sample.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (AccessLog log = AccessLog.stdout()) {
            run(log, sample, rate, warmup, mx, "warm-up");
            run(log, sample, rate, seconds, mx, "measured");
        }
    }

    private static void run(AccessLog log, AccessLogBenchmark sample, int rate, int seconds, ThreadMXBean mx,
            String label) throws Exception {
        Thread writer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("linnet-access-log")).findFirst().orElseThrow();
        long gap = TimeUnit.SECONDS.toNanos(1) / rate;
        long lines = (long) rate * seconds;
        long written0 = log.written();
        long dropped0 = log.dropped();
        long writerCpu0 = mx.getThreadCpuTime(writer.getId());
        long next = System.nanoTime();
        for (long i = 0; i < lines; i++) {
            while (System.nanoTime() < next) {
                Thread.onSpinWait(); // the event loop's other work
            }
            next += gap;
            log.offer(sample.entry());
        }
        while (log.written() + log.dropped() - written0 - dropped0 < lines) {
            Thread.sleep(1);
        }
        long writerCpu = mx.getThreadCpuTime(writer.getId()) - writerCpu0;
        System.err.printf("%s: %d lines at %d/s: writer thread %.0f ns CPU/line, dropped %d%n",
                label, lines, rate, (double) writerCpu / lines, log.dropped() - dropped0);
    }
}
