package dev.linnet.gateway.split;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The weighted pick alone ({@link SplitDecider#byWeight}, package-private, hence this package:
 * the perf module shares it on the class path without touching gateway code), with the random
 * source the gateway uses ({@link ThreadLocalRandom}) and a seeded one; and the round-robin
 * endpoint pick of a backend. The canary share is counted and checked at the end of every
 * iteration (10 % ± 1 point over millions of draws), so the JIT keeps the draw.
 *
 * <pre>
 *   perf/jmh.sh WeightedPick
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WeightedPickBenchmark {

    private final SplittableRandom seeded = new SplittableRandom(7);
    private long draws;
    private long canaries;
    private Backend oneEndpoint;
    private Backend threeEndpoints;
    private Endpoint last;

    @Setup
    public void setUp() {
        oneEndpoint = Backend.of("default", "one", "80", List.of(new Endpoint("10.0.0.1", 8080)));
        threeEndpoints = Backend.of("default", "three", "80", List.of(new Endpoint("10.0.0.1", 8080),
                new Endpoint("10.0.0.2", 8080), new Endpoint("10.0.0.3", 8080)));
    }

    @Setup(Level.Iteration)
    public void resetCounts() {
        draws = 0;
        canaries = 0;
    }

    @TearDown(Level.Iteration)
    public void checkShare() {
        if (draws > 100_000) {
            double share = (double) canaries / draws;
            if (share < 0.09 || share > 0.11) {
                throw new IllegalStateException("canary share " + share + " over " + draws + " draws (expected: 0.10)");
            }
        }
    }

    @Benchmark
    public Decision weight10ThreadLocalRandom() {
        return count(SplitDecider.byWeight(10, 100, ThreadLocalRandom.current()));
    }

    @Benchmark
    public Decision weight10Seeded() {
        return count(SplitDecider.byWeight(10, 100, seeded));
    }

    @Benchmark
    public Endpoint roundRobinOne() {
        return next(oneEndpoint);
    }

    /** An AtomicInteger increment per pick: uncontended here, shared by all event loops in the gateway. */
    @Benchmark
    public Endpoint roundRobinThree() {
        return next(threeEndpoints);
    }

    private Endpoint next(Backend backend) {
        Endpoint e = backend.nextEndpoint();
        if (e == null || e == last && backend.endpoints().size() > 1) {
            throw new IllegalStateException("round robin returned " + e + " twice");
        }
        last = e;
        return e;
    }

    private Decision count(Decision d) {
        if (d.reason() != Reason.WEIGHT) {
            throw new IllegalStateException("got " + d);
        }
        draws++;
        if (d.isCanary()) {
            canaries++;
        }
        return d;
    }
}
