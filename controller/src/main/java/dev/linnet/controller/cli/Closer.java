package dev.linnet.controller.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server started, closed in reverse order: listeners first, then loop and source, then
 * what they used. A failing close is logged and the rest still close. Idempotent.
 */
final class Closer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(Closer.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Registers {@code c} to be closed before everything registered earlier. */
    <T extends AutoCloseable> T push(T c) {
        synchronized (started) {
            started.push(c);
        }
        return c;
    }

    /** Registers {@code c} to be closed after everything registered so far. */
    void addLast(AutoCloseable c) {
        synchronized (started) {
            started.addLast(c);
        }
    }

    @Override
    public void close() {
        synchronized (started) {
            while (!started.isEmpty()) {
                AutoCloseable c = started.pop();
                try {
                    c.close();
                } catch (Exception e) {
                    logger.warn("closing {} failed", c.getClass().getSimpleName(), e);
                }
            }
        }
    }
}
