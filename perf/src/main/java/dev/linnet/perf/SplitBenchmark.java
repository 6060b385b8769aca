package dev.linnet.perf;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.HeaderPattern;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.MultiCanary;
import dev.linnet.gateway.split.Reason;
import dev.linnet.gateway.split.SplitDecider;
import dev.linnet.gateway.split.SplitRequest;
import dev.linnet.gateway.split.Variant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The canary decision per rule kind (canary-spec.md §3), over a {@link SplitRequest} whose
 * lookups cost nothing, so that only {@link SplitDecider} is measured (the Netty-side lookups are
 * in {@code dev.linnet.gateway.proxy.ProxyHeadersBenchmark}). Every benchmark checks variant
 * and reason.
 *
 * <pre>
 *   perf/jmh.sh Split
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SplitBenchmark {

    /** {@code (a+)+$} against 8 KiB of {@code a} then {@code !}: exponential without the budget. */
    static final String PATHOLOGICAL_PATTERN = "(a+)+$";

    private final SplittableRandom random = new SplittableRandom(7);

    private CanaryRule headerValue;
    private CanaryRule headerPattern;
    private CanaryRule pathological;
    private CanaryRule cookie;
    private CanaryRule weight;
    private CanaryRule all;
    private MultiCanary three; // linnet.dev/multi-canary: three canaries, each with all rules, 10 % each

    private SplitRequest regionCd;
    private SplitRequest regionBj;
    private SplitRequest regionPathological;
    private SplitRequest cookieAlways;
    private SplitRequest empty;

    @Setup
    public void setUp() {
        Backend canary = Backend.of("default", "canary", "80", List.of(new Endpoint("127.0.0.1", 9002)));
        headerValue = new CanaryRule("default", "c", canary, "Region", "cd", null, null, 0, 100);
        headerPattern = new CanaryRule("default", "c", canary, "Region", null, HeaderPattern.of("cd|sz"), null, 0, 100);
        pathological = new CanaryRule("default", "c", canary, "Region", null, HeaderPattern.of(PATHOLOGICAL_PATTERN),
                null, 0, 100);
        cookie = new CanaryRule("default", "c", canary, null, null, null, "user_from_cd", 0, 100);
        weight = new CanaryRule("default", "c", canary, null, null, null, null, 10, 100);
        all = new CanaryRule("default", "c", canary, "Region", null, HeaderPattern.of("cd|sz"), "user_from_cd", 10, 100);
        three = new MultiCanary(List.of(all, all.withBackend(canary), all.withBackend(canary)), null);
        regionCd = request("Region", "cd", null);
        regionBj = request("Region", "bj", null);
        regionPathological = request("Region", "a".repeat(8 * 1024) + "!", null);
        cookieAlways = request(null, null, "always");
        empty = request(null, null, null);
    }

    private static SplitRequest request(String header, String value, String cookieValue) {
        return new SplitRequest() {
            @Override
            public String header(String name) {
                return header != null && header.equalsIgnoreCase(name) ? value : null;
            }

            @Override
            public String cookie(String name) {
                return "user_from_cd".equals(name) ? cookieValue : null;
            }
        };
    }

    @Benchmark
    public Decision headerValue() {
        return check(SplitDecider.decide(headerValue, regionCd, random), Variant.CANARY, Reason.HEADER_VALUE);
    }

    @Benchmark
    public Decision headerPatternMatch() {
        return check(SplitDecider.decide(headerPattern, regionCd, random), Variant.CANARY, Reason.HEADER_PATTERN);
    }

    /** No match: the whole value is searched, then the weight (0) decides. */
    @Benchmark
    public Decision headerPatternMiss() {
        return check(SplitDecider.decide(headerPattern, regionBj, random), Variant.STABLE, Reason.WEIGHT);
    }

    /** The step budget stops the backtracking: a regex error, so stable (DESIGN.md difference 4). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Decision headerPatternPathological() {
        return check(SplitDecider.decide(pathological, regionPathological, random), Variant.STABLE,
                Reason.PATTERN_ERROR);
    }

    @Benchmark
    public Decision cookieAlways() {
        return check(SplitDecider.decide(cookie, cookieAlways, random), Variant.CANARY, Reason.COOKIE);
    }

    @Benchmark
    public Decision weight() {
        return check(SplitDecider.decide(weight, empty, random), null, Reason.WEIGHT);
    }

    /** The perf/run.sh "weight" scenario: header absent, cookie absent, then 10 %. */
    @Benchmark
    public Decision allRulesFallThrough() {
        return check(SplitDecider.decide(all, empty, random), null, Reason.WEIGHT);
    }

    /** The perf/run.sh "weight" scenario with a Region header that does not match. */
    @Benchmark
    public Decision allRulesPatternMiss() {
        return check(SplitDecider.decide(all, regionBj, random), null, Reason.WEIGHT);
    }

    /** Three canaries on one rule: three header and cookie misses, then one interval lookup. */
    @Benchmark
    public Decision multiCanaryAllRulesFallThrough() {
        return check(three.decide(empty, random, null).decision(), null, Reason.WEIGHT);
    }

    private static Decision check(Decision d, Variant variant, Reason reason) {
        if (d.reason() != reason || variant != null && d.variant() != variant) {
            throw new IllegalStateException("got " + d + " (expected: " + variant + ", " + reason + ')');
        }
        return d;
    }
}
