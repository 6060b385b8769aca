package dev.linnet.controller.source;

import dev.linnet.controller.build.ClusterState;

/**
 * Where cluster objects come from: manifest files ({@link FileSource}) or, later, the API
 * server's informers. A source owns its own threads; the only thing it does to the rest of the
 * controller is call the listener, which must only enqueue (the control loop's
 * {@code signal()}), never build.
 */
public interface Source extends AutoCloseable {

    /**
     * Starts reading. {@code onChange} runs, on one of the source's threads, after the initial
     * load and after every change that altered {@link #snapshot()}.
     */
    void start(Runnable onChange) throws Exception;

    /** Whether the initial load is complete; no table is built before it (DESIGN.md). */
    boolean hasSynced();

    /** The objects as last seen: an immutable snapshot, safe to read from any thread. */
    ClusterState snapshot();

    @Override
    void close();
}
