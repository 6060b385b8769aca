package dev.linnet.controller.loop;

import dev.linnet.gateway.proxy.ConfigHolder;
import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildResult;
import dev.linnet.controller.build.ClusterState;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.controller.source.Source;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.RouteTableHolder;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's one thread (DESIGN.md "The control loop has one thread"). Sources only
 * call {@link #signal()}; everything else — reading the snapshot, building, deduplicating
 * warnings, numbering and publishing tables — happens on this thread, so none of it needs a
 * lock.
 *
 * <pre>
 *   source thread(s)          loop thread
 *   ───────────────           ───────────
 *   signal() ──enqueue──▶  wait for a signal
 *   signal()               wait until due (at once after an idle spell; else 100 ms after the last
 *                             build started, and after a slow build as long again as it took, up
 *                             to 500 ms: see Coalescer)
 *   signal()               source synced?  no ─▶ drop the burst (the source signals once synced)
 *                          build(snapshot) ─throws─▶ log, keep the previous table
 *                          log new warnings ─▶ holder.swap(table.withVersion(++n))
 *                          tell the Coalescer when the build started and ended
 * </pre>
 */
public final class ControlLoop implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ControlLoop.class);

    public static final Duration DEFAULT_HOLDOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(500);

    private final Source source;
    private final Function<ClusterState, BuildResult> build;
    private final RouteTableHolder holder;
    private final LongSupplier nanoClock;
    private final Thread thread;
    private volatile LoopMetrics metrics = LoopMetrics.NONE;
    private volatile ConfigHolder configs; // null: builds do not change the gateway settings

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Coalescer coalescer;
    private boolean closed;

    // Loop thread only.
    private long version;
    private long burstStartNanos; // first signal of the burst being built
    private Set<ConfigWarning> previousWarnings = Set.of();

    // Read by tests and diagnostics.
    private volatile long passes;
    private volatile long builds;

    private ControlLoop(Source source, Function<ClusterState, BuildResult> build, RouteTableHolder holder,
                        LongSupplier nanoClock, Duration holdoff, Duration maxDelay) {
        this.source = requireNonNull(source, "source");
        this.build = requireNonNull(build, "build");
        this.holder = requireNonNull(holder, "holder");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.coalescer = new Coalescer(holdoff.toNanos(), maxDelay.toNanos());
        this.version = holder.current().version();
        this.thread = new Thread(this::run, "linnet-control-loop");
        this.thread.setDaemon(true);
    }

    /**
     * Starts the loop thread. Wire the source to it with {@code source.start(loop::signal)}.
     *
     * @param build the build function, in production {@code state -> RouteTableBuilder.build(state, options)}
     */
    public static ControlLoop start(Source source, Function<ClusterState, BuildResult> build, RouteTableHolder holder) {
        return start(source, build, holder, System::nanoTime, DEFAULT_HOLDOFF, DEFAULT_MAX_DELAY);
    }

    static ControlLoop start(Source source, Function<ClusterState, BuildResult> build, RouteTableHolder holder,
                             LongSupplier nanoClock, Duration holdoff, Duration maxDelay) {
        ControlLoop loop = new ControlLoop(source, build, holder, nanoClock, holdoff, maxDelay);
        loop.thread.start();
        return loop;
    }

    /** Reports builds to {@code metrics} from now on (set before the source starts signalling). */
    public ControlLoop metrics(LoopMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
        return this;
    }

    /**
     * Puts the gateway settings of each build ({@link BuildResult#gateway()}, from the controller
     * ConfigMap) in force in {@code configs}, just before its table is published (set before the
     * source starts signalling).
     */
    public ControlLoop configs(ConfigHolder configs) {
        this.configs = requireNonNull(configs, "configs");
        return this;
    }

    /** Something changed: a build will follow shortly. Cheap and non-blocking-ish; call from any thread. */
    public void signal() {
        lock.lock();
        try {
            coalescer.signal(nanoClock.getAsLong());
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The version of the last table this loop published (0 before the first). */
    public long version() {
        return holder.current().version();
    }

    /** Bursts processed so far, built or dropped (tests use it to know the loop has looked). */
    long passes() {
        return passes;
    }

    /** Times the build function ran. */
    long builds() {
        return builds;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (awaitBurst()) {
            long started = nanoClock.getAsLong();
            if (source.hasSynced()) {
                buildAndPublish();
            } else {
                logger.debug("change signalled before the initial load; waiting for it");
            }
            lock.lock();
            try {
                coalescer.built(started, nanoClock.getAsLong());
            } finally {
                lock.unlock();
            }
            passes++;
        }
    }

    /** Blocks until a burst of signals is due; false once closed. */
    private boolean awaitBurst() {
        lock.lock();
        try {
            while (!closed) {
                if (!coalescer.pending()) {
                    wake.awaitUninterruptibly();
                    continue;
                }
                long wait = coalescer.nanosUntilDue(nanoClock.getAsLong());
                if (wait <= 0) {
                    burstStartNanos = coalescer.take();
                    return true;
                }
                wake.awaitNanos(wait);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void buildAndPublish() {
        long started = System.nanoTime();
        BuildResult result;
        try {
            builds++;
            result = requireNonNull(build.apply(source.snapshot()), "build result");
        } catch (RuntimeException | StackOverflowError e) {
            // Bad configuration never takes traffic down: the previous table keeps serving.
            logger.error("building the routing table failed; v{} keeps serving", holder.current().version(), e);
            metrics.buildFailed(e, System.nanoTime() - started);
            return;
        }
        Set<ConfigWarning> warnings = new HashSet<>(result.warnings());
        for (ConfigWarning w : new java.util.LinkedHashSet<>(result.warnings())) {
            if (!previousWarnings.contains(w)) {
                logger.warn("{}", w);
            }
        }
        previousWarnings = warnings;

        RouteTable table = result.table().withVersion(++version);
        ConfigHolder configs = this.configs;
        if (configs != null && result.gateway() != null && !result.gateway().equals(configs.current())) {
            configs.set(result.gateway()); // the controller ConfigMap changed: settings first, then routes
            logger.info("gateway settings changed (controller ConfigMap)");
        }
        holder.swap(table);
        metrics.published(result, table, System.nanoTime() - started);
        metrics.changeToTraffic(nanoClock.getAsLong() - burstStartNanos);
        logger.info("routing table v{} published: {} host(s), {} warning(s), built in {} ms", version,
                table.exactHosts().size() + table.wildcardHosts().size(), warnings.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
