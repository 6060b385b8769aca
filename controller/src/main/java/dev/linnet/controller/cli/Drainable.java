package dev.linnet.controller.cli;

import java.time.Duration;

/** A running server that can stop the graceful way ({@link GracefulShutdown}) as well as at once ({@link #close()}). */
interface Drainable extends AutoCloseable {

    /** Readiness off, keep accepting for {@code delay}, drain for up to {@code grace}, then {@link #close()}. */
    void shutdownGracefully(Duration delay, Duration grace) throws InterruptedException;

    /** Stops everything at once. Idempotent; never throws. */
    @Override
    void close();
}
