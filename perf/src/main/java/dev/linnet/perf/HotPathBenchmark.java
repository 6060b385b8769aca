package dev.linnet.perf;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.HeaderPattern;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.SplitDecider;
import dev.linnet.gateway.split.SplitRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 * The per-request work that does not touch the network: host and path lookup, then the canary
 * decision. A first benchmark; the performance issue extends this module with the load harness.
 * Each benchmark checks its result so the JIT cannot drop the work.
 *
 * <pre>
 *   mvn -B -q -pl perf -am package -DskipTests
 *   java -cp "perf/target/classes:$(cat perf/target/classpath.txt)" org.openjdk.jmh.Main HotPath
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {

    @Param({"1", "1000", "10000"})
    int hosts;

    @Param({"1", "50"})
    int pathsPerHost;

    private RouteTable table;
    private CanaryRule rule;
    private String host;
    private String path;
    private final SplittableRandom random = new SplittableRandom(7);
    private final SplitRequest request = new SplitRequest() {
        @Override
        public String header(String name) {
            return "Region".equalsIgnoreCase(name) ? "bj" : null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }
    };

    @Setup
    public void setUp() {
        Backend stable = Backend.of("default", "stable", "80", List.of(new Endpoint("127.0.0.1", 9001)));
        Backend canary = Backend.of("default", "canary", "80", List.of(new Endpoint("127.0.0.1", 9002)));
        rule = new CanaryRule("default", "canary", canary, "Region", null, HeaderPattern.of("cd|sz"),
                "user_from_cd", 10, 100);
        Map<String, VirtualHost> exact = new HashMap<>();
        for (int h = 0; h < hosts; h++) {
            String name = "host-" + h + ".example.com";
            List<Route> routes = new ArrayList<>();
            for (int p = 0; p < pathsPerHost; p++) {
                routes.add(new Route("default", "ing-" + h, name, PathMatch.prefix("/svc-" + p), stable, rule));
            }
            exact.put(name, new VirtualHost(name, routes, null));
        }
        table = new RouteTable(1, exact, Map.of(), new VirtualHost("_", List.of(), null));
        host = "host-" + (hosts / 2) + ".example.com:8080";
        path = "/svc-" + (pathsPerHost - 1) + "/users/42";
    }

    @Benchmark
    public Route lookup() {
        Route r = table.route(host, path);
        if (r == null) {
            throw new IllegalStateException("no route for " + host + path);
        }
        return r;
    }

    @Benchmark
    public Decision decide() {
        Decision d = SplitDecider.decide(rule, request, random);
        if (d == null) {
            throw new IllegalStateException("no decision");
        }
        return d;
    }
}
