package dev.linnet.perf;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.HeaderPattern;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Route lookup, the first thing every request does: Host normalisation, the host map, then the
 * host's paths in match order. The worst case is the last of {@code pathsPerHost} prefixes
 * matching (a linear scan, as nginx's prefix locations are a tree but ingress hosts rarely carry
 * more than a handful of paths). Each benchmark checks it found the route it expects, so the JIT
 * cannot drop the work.
 *
 * <pre>
 *   perf/jmh.sh HotPath
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

    @Param({"1", "10", "50"})
    int pathsPerHost;

    private RouteTable table;
    private String host;
    private String lastPath;
    private String firstPath;
    private Route expectedLast;
    private Route expectedFirst;

    @Setup
    public void setUp() {
        Backend stable = Backend.of("default", "stable", "80", List.of(new Endpoint("127.0.0.1", 9001)));
        Backend canary = Backend.of("default", "canary", "80", List.of(new Endpoint("127.0.0.1", 9002)));
        CanaryRule rule = new CanaryRule("default", "canary", canary, "Region", null, HeaderPattern.of("cd|sz"),
                "user_from_cd", 10, 100);
        Map<String, VirtualHost> exact = new HashMap<>();
        for (int h = 0; h < hosts; h++) {
            String name = "host-" + h + ".example.com";
            List<Route> routes = new ArrayList<>();
            for (int p = 0; p < pathsPerHost; p++) {
                // same prefix length for all, so match order is insertion order: svc-00 first
                routes.add(new Route("default", "ing-" + h, name, PathMatch.prefix(String.format("/svc-%02d", p)),
                        stable, rule));
            }
            exact.put(name, new VirtualHost(name, routes, null));
        }
        table = new RouteTable(1, exact, Map.of(), new VirtualHost("_", List.of(), null));
        String name = "host-" + (hosts / 2) + ".example.com";
        host = "Host-" + (hosts / 2) + ".Example.com:8080"; // normalisation does its full work
        lastPath = String.format("/svc-%02d/users/42", pathsPerHost - 1);
        firstPath = "/svc-00/users/42";
        expectedLast = exact.get(name).routes().get(pathsPerHost - 1);
        expectedFirst = exact.get(name).routes().get(0);
    }

    /** The last path of the host matches: every other prefix is tried first. */
    @Benchmark
    public Route lookupLastPath() {
        return check(table.route(host, lastPath), expectedLast);
    }

    /** The first path matches: host normalisation and the map dominate. */
    @Benchmark
    public Route lookupFirstPath() {
        return check(table.route(host, firstPath), expectedFirst);
    }

    /** An unknown host: normalisation, two map misses, the default server (404). */
    @Benchmark
    public Route lookupUnknownHost() {
        Route r = table.route("nowhere.example.org", firstPath);
        if (r != null) {
            throw new IllegalStateException("unexpected route " + r);
        }
        return r;
    }

    private static Route check(Route r, Route expected) {
        if (r != expected) {
            throw new IllegalStateException("got " + r + " (expected: " + expected + ')');
        }
        return r;
    }
}
