package dev.linnet.controller.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a long-running command alive until SIGTERM / Ctrl-C, then closes what it started. */
final class Shutdown {

    private static final Logger logger = LoggerFactory.getLogger(Shutdown.class);

    private Shutdown() {
    }

    /**
     * Blocks until the JVM begins to shut down. The hook closes {@code resource} itself: the JVM
     * halts when the hooks end, so closing from the waiting thread could be cut short.
     */
    static void awaitSignal(AutoCloseable resource) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            logger.info("shutting down");
            try {
                resource.close();
            } catch (Exception e) {
                logger.warn("shutdown failed", e);
            } finally {
                stopped.countDown();
            }
        }, "linnet-shutdown"));
        stopped.await();
    }
}
