package dev.linnet.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.metrics.Phase;
import dev.linnet.gateway.metrics.RequestTimeline;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The writer's batching without a gateway: lines formatted straight into one buffer and written
 * many at a time, so each batch must hold whole lines only, in the order each event loop handed
 * them over, and reach the sink soon after traffic stops and before the log closes.
 */
@Timeout(60)
class AccessLogBatchTest {

    /** Keeps every batch as written; can be held shut like a stalled standard output. */
    private static final class Batches implements AccessLog.Sink {
        final List<String> batches = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public void write(byte[] lines, int length) throws java.io.IOException {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add(new String(lines, 0, length, StandardCharsets.ISO_8859_1));
        }

        List<String> lines() {
            List<String> all = new ArrayList<>();
            for (String b : batches) {
                assertThat(b).as("a batch holds whole lines only").endsWith("\n");
                all.addAll(List.of(b.substring(0, b.length() - 1).split("\n", -1)));
            }
            return all;
        }
    }

    private static final LogFormat FORMAT = LogFormat.compile("$request_uri \"$http_user_agent\" $status");
    private static final AccessLogSettings SETTINGS = new AccessLogSettings(true, FORMAT, Escaping.DEFAULT,
            SkipUrls.NONE, false);

    private static AccessLogEntry entry(String uri, String userAgent) {
        RequestTimeline t = RequestTimeline.start(HttpMethod.GET);
        t.status(200);
        t.mark(Phase.DONE);
        return new AccessLogEntry(SETTINGS, t, null, System.currentTimeMillis(),
                new AccessLogEntry.Client("10.1.2.3", 5555, 8080, false, null, null),
                new AccessLogEntry.Request("GET", uri, "HTTP/1.1", "h.example", uri), "id-1",
                new String[] {userAgent});
    }

    @Test
    void linesFromManyEventLoopsArriveWholeAndInEachLoopsOrder() throws Exception {
        Batches sink = new Batches();
        int loops = 4;
        int perLoop = 5_000;
        try (AccessLog log = AccessLog.create(sink, loops * perLoop)) {
            List<Thread> threads = new ArrayList<>();
            for (int l = 0; l < loops; l++) {
                int loop = l;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perLoop; i++) { // lines of varied length, some over the batch size
                        String agent = i % 1000 == 999 ? "x".repeat(40_000) : "agent-" + "y".repeat(i % 300);
                        assertThat(log.offer(entry("/l" + loop + "/" + i, agent))).isTrue();
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> log.written() == (long) loops * perLoop);
            List<String> lines = sink.lines();
            assertThat(lines).hasSize(loops * perLoop);
            assertThat(sink.batches).as("written many lines at a time").hasSizeLessThan(loops * perLoop / 10);
            int[] next = new int[loops];
            for (String line : lines) {
                assertThat(line).matches("/l\\d/\\d+ \"agent-y*\" 200|/l\\d/\\d+ \"x{40000}\" 200");
                int loop = line.charAt(2) - '0';
                int i = Integer.parseInt(line.substring(4, line.indexOf(' ')));
                assertThat(i).as("loop %d's lines in the order handed over", loop).isEqualTo(next[loop]++);
            }
            assertThat(log.dropped()).isZero();
        }
    }

    @Test
    void aLineReachesTheSinkSoonAfterTrafficStopsBusyOrIdle() {
        Batches sink = new Batches();
        try (AccessLog log = AccessLog.create(sink, 64)) {
            for (int round = 0; round < 3; round++) {
                int before = sink.lines().size();
                log.offer(entry("/busy" + round, "a")); // the writer polling: written within one poll interval
                await().atMost(Duration.ofSeconds(1)).until(() -> sink.lines().size() == before + 1);
                await().atMost(Duration.ofSeconds(5)).until(log::parked); // idle long enough to sleep until woken
                log.offer(entry("/idle" + round, "a"));
                await().atMost(Duration.ofSeconds(1)).until(() -> sink.lines().size() == before + 2);
            }
            assertThat(sink.lines()).containsExactly("/busy0 \"a\" 200", "/idle0 \"a\" 200", "/busy1 \"a\" 200",
                    "/idle1 \"a\" 200", "/busy2 \"a\" 200", "/idle2 \"a\" 200");
        }
    }

    @Test
    void closingWritesEveryQueuedLine() {
        Batches sink = new Batches();
        sink.gate = new CountDownLatch(1); // the writer stuck in a write while lines queue up
        AccessLog log = AccessLog.create(sink, 1024);
        log.offer(entry("/first", "a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.gate.getCount() == 1 && writerBlocked(log));
        for (int i = 0; i < 1000; i++) {
            assertThat(log.offer(entry("/q" + i, "a"))).isTrue();
        }
        sink.gate.countDown();
        log.close();
        assertThat(sink.lines()).hasSize(1001).endsWith("/q999 \"a\" 200");
        assertThat(log.written()).isEqualTo(1001);
        assertThat(log.dropped()).isZero();
        assertThat(log.offer(entry("/late", "a"))).as("after close: dropped and counted").isFalse();
        assertThat(log.dropped()).isOne();
    }

    @Test
    void aFullQueueDropsAndCountsWhatDoesNotFit() {
        Batches sink = new Batches();
        sink.gate = new CountDownLatch(1);
        try (AccessLog log = AccessLog.create(sink, 4)) {
            log.offer(entry("/first", "a"));
            await().atMost(Duration.ofSeconds(5)).until(() -> writerBlocked(log));
            int refused = 0;
            for (int i = 0; i < 20; i++) {
                if (!log.offer(entry("/r" + i, "a"))) {
                    refused++;
                }
            }
            assertThat(refused).isEqualTo(20 - log.capacity());
            assertThat(log.dropped()).isEqualTo(refused);
            sink.gate.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> log.written() == 1 + log.capacity());
            assertThat(sink.lines()).containsExactly("/first \"a\" 200", "/r0 \"a\" 200", "/r1 \"a\" 200",
                    "/r2 \"a\" 200", "/r3 \"a\" 200");
        }
    }

    private static boolean writerBlocked(AccessLog log) {
        return Thread.getAllStackTraces().entrySet().stream()
                .anyMatch(e -> e.getKey().getName().equals("linnet-access-log")
                        && e.getKey().getState() == Thread.State.TIMED_WAITING
                        && List.of(e.getValue()).stream().anyMatch(f -> f.getMethodName().equals("write")));
    }

    @Test
    void numbersAndLongValuesAreWrittenAsNginxDoes() {
        Line line = new Line(4, new LogTimes());
        line.append(0L).append(' ').append(-42L).append(' ').append(Long.MAX_VALUE).append(' ').append(Long.MIN_VALUE)
                .append(' ').append(1_000_000_000_000_000_000L).append(' ').append(999L);
        assertThat(line.text(0)).isEqualTo("0 -42 9223372036854775807 -9223372036854775808 1000000000000000000 999");
        int mark = line.length();
        Escaping.DEFAULT.append(line, "é\"" + "z".repeat(10_000));
        assertThat(line.text(mark)).isEqualTo("\\xE9\\x22" + "z".repeat(10_000));
        line.truncate(mark);
        assertThat(line.text(0)).endsWith(" 999");
    }

    @Test
    void aRingWrapsAroundItsEndAndHandsOverWholeLinesOnly() {
        AccessLog.Ring ring = new AccessLog.Ring(1024);
        java.util.Random random = new java.util.Random(18);
        StringBuilder expected = new StringBuilder();
        StringBuilder got = new StringBuilder();
        int put = 0;
        int taken = 0;
        for (int round = 0; round < 2_000; round++) { // ≈ 150 times round the ring
            for (int i = random.nextInt(4); i > 0; i--) {
                String line = "l" + put + " " + "x".repeat(random.nextInt(200)) + "\n";
                byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
                if (ring.put(bytes, bytes.length, 1_000) != AccessLog.Ring.FULL) {
                    expected.append(line);
                    put++;
                }
            }
            Line out = new Line(16, null);
            int lines = random.nextInt(3) == 0 ? ring.take(out) : 0;
            String batch = out.text(0);
            assertThat(batch.chars().filter(c -> c == '\n').count()).as("the count handed over").isEqualTo(lines);
            assertThat(batch).as("whole lines").matches("(?s)|.*\n");
            got.append(batch);
            taken += lines;
        }
        Line rest = new Line(16, null);
        taken += ring.take(rest);
        got.append(rest.text(0));
        assertThat(ring.isEmpty()).isTrue();
        assertThat(taken).isEqualTo(put).isGreaterThan(1_000);
        assertThat(got.toString()).isEqualTo(expected.toString());
    }

    @Test
    void aRingRefusesWhatWouldOverflowItsLinesOrItsBytes() {
        AccessLog.Ring ring = new AccessLog.Ring(64);
        byte[] line = "0123456789abcdef\n".getBytes(StandardCharsets.ISO_8859_1); // 17 bytes
        assertThat(ring.put(line, line.length, 2)).as("past a quarter: wake the writer").isEqualTo(AccessLog.Ring.FILLING);
        assertThat(ring.put(line, line.length, 2)).isEqualTo(AccessLog.Ring.PUT);
        assertThat(ring.put(line, line.length, 2)).as("two lines waiting at most").isEqualTo(AccessLog.Ring.FULL);
        assertThat(ring.put(line, line.length, 10)).isEqualTo(AccessLog.Ring.PUT);
        assertThat(ring.put(line, line.length, 10)).as("51 of 64 bytes taken").isEqualTo(AccessLog.Ring.FULL);
        byte[] huge = new byte[65];
        assertThat(ring.put(huge, huge.length, 10)).as("a line longer than the ring").isEqualTo(AccessLog.Ring.FULL);
        Line out = new Line(16, null);
        assertThat(ring.take(out)).isEqualTo(3);
        assertThat(ring.put(line, line.length, 3)).as("room again, across the ring's end").isEqualTo(AccessLog.Ring.FILLING);
        assertThat(ring.put(line, line.length, 3)).isEqualTo(AccessLog.Ring.PUT);
        assertThat(ring.take(out)).isEqualTo(2);
        assertThat(out.text(0)).isEqualTo("0123456789abcdef\n".repeat(5));
    }

    @Test
    void linesOfAnEventLoopThatEndedAreWrittenAndItsRingForgotten() throws Exception {
        Batches sink = new Batches();
        try (AccessLog log = AccessLog.create(sink, 64)) {
            Thread loop = new io.netty.util.concurrent.FastThreadLocalThread(() -> {
                for (int i = 0; i < 10; i++) {
                    log.offer(entry("/gone" + i, "a"));
                }
            });
            loop.start();
            loop.join();
            await().atMost(Duration.ofSeconds(5)).until(() -> log.written() == 10 && log.rings() == 0);
            assertThat(sink.lines()).hasSize(10).startsWith("/gone0 \"a\" 200").endsWith("/gone9 \"a\" 200");
        }
    }
}
