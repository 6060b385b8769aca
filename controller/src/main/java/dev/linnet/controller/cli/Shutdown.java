package dev.linnet.controller.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Keeps a long-running command alive until SIGTERM / Ctrl-C, then closes what it started. */
final class Shutdown {

    private static final Logger logger = LoggerFactory.getLogger(Shutdown.class);
    /** How long the process may take to end after a second signal before it is halted. */
    static final Duration CUT_SHORT_LIMIT = Duration.ofSeconds(10);
    static final int EXIT_HALTED = 1;

    private Shutdown() {
    }

    /**
     * Blocks until SIGTERM or SIGINT, then stops {@code server} gracefully ({@link GracefulShutdown})
     * on this thread and returns, so that the command exits 0.
     *
     * <p>Why our own signal handlers: with the JVM's, SIGTERM starts the shutdown hooks at once
     * and the process exits 143 when they end, however cleanly they drained; Kubernetes and
     * systemd read that as a failure. A second signal during the drain cuts it short (close at
     * once), as an impatient Ctrl-C expects; if the process has still not ended
     * {@link #CUT_SHORT_LIMIT} later (a close or a shutdown hook that hangs), it logs every
     * thread's stack and halts with {@link #EXIT_HALTED}, so that a second signal always ends it. Where the handlers can't be installed (the JVM runs
     * with -Xrs), the drain runs in a shutdown hook instead. A hook also closes the server when the
     * JVM stops for another reason.
     */
    static void drainOnSignal(Drainable server, Duration delay, Duration grace) throws InterruptedException {
        CountDownLatch signalled = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean draining = new AtomicBoolean();
        AtomicBoolean halting = new AtomicBoolean();
        Thread waiting = Thread.currentThread();
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), sig -> {
                    if (signalled.getCount() == 0) {
                        logger.info("SIG{} again: closing now", sig.getName());
                        if (halting.compareAndSet(false, true)) {
                            haltAfter(CUT_SHORT_LIMIT); // first: the close below is what might hang
                        }
                        server.close();
                        waiting.interrupt(); // out of the delay, if it is there
                    } else {
                        logger.info("SIG{} received", sig.getName());
                        signalled.countDown();
                    }
                });
            }
        } catch (IllegalArgumentException e) {
            logger.warn("cannot handle SIGTERM ({}); draining from a shutdown hook, the exit code will be 143",
                    e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (signalled.getCount() > 0 && draining.compareAndSet(false, true)) {
                    server.shutdownGracefully(delay, grace); // no signal handler: SIGTERM lands here
                } else {
                    stopped.await(); // the drain runs on the main thread; the JVM must wait for it
                }
            } catch (Exception e) {
                logger.warn("shutdown failed", e);
            }
            server.close();
        }, "linnet-shutdown"));
        signalled.await();
        try {
            if (draining.compareAndSet(false, true)) {
                server.shutdownGracefully(delay, grace);
            }
        } catch (InterruptedException e) {
            logger.info("drain cut short");
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Halts the JVM {@code limit} from now unless it ended by then: a daemon thread, so a normal
     * exit is not held up by it. Logs every thread's stack first: what hung.
     */
    private static void haltAfter(Duration limit) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            StringBuilder threads = new StringBuilder();
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                threads.append('\n').append(thread.getName()).append(" (").append(thread.getState()).append(')');
                for (StackTraceElement frame : stack) {
                    threads.append("\n    at ").append(frame);
                }
            });
            logger.error("still running {} s after the second signal: halting. Threads:{}", limit.toSeconds(), threads);
            Runtime.getRuntime().halt(EXIT_HALTED);
        }, "linnet-halt");
        watchdog.setDaemon(true);
        watchdog.start();
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
