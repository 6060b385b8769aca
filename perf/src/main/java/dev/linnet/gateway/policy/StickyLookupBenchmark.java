package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.split.StickyCanary;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request lookups of session affinity and {@code upstream-hash-by} (issue 17): a key's
 * CRC-32 and its place on the ring (balanced affinity, chash), the persistent key's map lookup,
 * and the sticky canary's SHA-256 position. Package-private types, hence this package. Run with
 * {@code -prof gc} to see the ring lookup allocate nothing.
 *
 * <pre>
 *   perf/jmh.sh StickyLookup -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StickyLookupBenchmark {

    @Param({"3", "100"})
    int endpoints;

    private StickyIndex index;
    private String balancedKey;
    private String persistentKey;

    @Setup
    public void setUp() {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            list.add(new Endpoint("10.0." + i / 250 + "." + (i % 250 + 1), 8080));
        }
        Backend backend = Backend.of("default", "web", "80", list);
        index = StickyIndex.of(backend);
        balancedKey = "1773950400.123.4711.552310";
        persistentKey = StickyIndex.persistentKey(backend, endpoints / 2);
    }

    @Benchmark
    public int ringLookup() {
        return index.balanced(balancedKey);
    }

    @Benchmark
    public int persistentLookup() {
        return index.persistent(persistentKey);
    }

    @Benchmark
    public long stickyCanaryPosition() {
        return StickyCanary.position("shop/web-canary", balancedKey);
    }
}
