package dev.linnet.gateway.testing;

import org.awaitility.Awaitility;

import dev.linnet.gateway.accesslog.AccessLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An access-log sink that keeps the lines instead of writing them to standard output; it can be
 * held shut (every write waits for {@link #open()}) so that a test fills the writer's queue.
 */
public final class LogLines implements AccessLog.Sink {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public void write(byte[] bytes, int length) {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("sink held for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\n")) {
            throw new IllegalStateException("a batch of whole lines must end with a line feed: " + text);
        }
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            lines.add(line);
        }
    }

    /** Every write waits until {@link #open()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void open() {
        gate.countDown();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until {@code n} lines arrived and returns them all. */
    public List<String> await(int n) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= n);
        return lines();
    }

    /** The only line, once it arrived. */
    public String single() {
        return await(1).get(0);
    }

    public void clear() {
        lines.clear();
    }
}
