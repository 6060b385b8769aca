package dev.linnet.perf;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.build.BuildResult;
import dev.linnet.controller.build.ClusterState;
import dev.linnet.controller.build.RouteTableBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * {@link RouteTableBuilder#build} over a generated cluster (issue 7 target: 10k Ingresses in
 * under a second). The shape is a plausible big cluster:
 *
 * <pre>
 *   N Ingresses = 90 % main (one host each, 3 paths, 1 in 10 with a defaultBackend)
 *               + 10 % canary (header pattern / cookie / weight, attached to a main rule)
 *   N / 10 Services, each with one EndpointSlice of 3 ready addresses, shared by the Ingresses
 *   objects shuffled (the builder sorts; the order of a watch cache means nothing)
 * </pre>
 *
 * The result is checked: the expected number of hosts, every canary attached, no warning.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class TableBuildBenchmark {

    private static final String PREFIX = BuildOptions.DEFAULT_ANNOTATIONS_PREFIX + '/';

    @Param({"1000", "10000"})
    int ingresses;

    private ClusterState state;
    private int mains;
    private int canaries;

    @Setup
    public void setUp() {
        state = cluster(ingresses);
        mains = ingresses - ingresses / 10;
        canaries = ingresses / 10;
    }

    /** The generated cluster; public for the propagation benchmark and ad-hoc use. */
    public static ClusterState cluster(int ingressCount) {
        int serviceCount = Math.max(1, ingressCount / 10);
        int canaryCount = ingressCount / 10;
        int mainCount = ingressCount - canaryCount;
        List<Ingress> ingresses = new ArrayList<>(ingressCount);
        for (int i = 0; i < mainCount; i++) {
            String host = "host-" + i + ".example.com";
            IngressBuilder b = new IngressBuilder().withNewMetadata().withNamespace(ns(i)).withName("ing-" + i)
                    .withCreationTimestamp(String.format("2026-01-01T00:%02d:%02dZ", i / 60 % 60, i % 60))
                    .endMetadata()
                    .withNewSpec().addNewRule().withHost(host).withNewHttp()
                    .withPaths(path("/", "Prefix", i % serviceCount), path("/api", "Prefix", (i + 1) % serviceCount),
                            path("/healthz", "Exact", (i + 2) % serviceCount))
                    .endHttp().endRule().endSpec();
            if (i % 10 == 0) {
                b.editSpec().withNewDefaultBackend().withNewService().withName("svc-" + (i % serviceCount))
                        .withNewPort().withNumber(80).endPort().endService().endDefaultBackend().endSpec();
            }
            ingresses.add(b.build());
        }
        for (int c = 0; c < canaryCount; c++) {
            int target = c * 9 % mainCount; // a distinct main Ingress for each canary
            Map<String, String> annotations = switch (c % 3) {
                case 0 -> Map.of(PREFIX + "canary", "true", PREFIX + "canary-by-header", "Region",
                        PREFIX + "canary-by-header-pattern", "cd|sz");
                case 1 -> Map.of(PREFIX + "canary", "true", PREFIX + "canary-by-cookie", "user_from_cd");
                default -> Map.of(PREFIX + "canary", "true", PREFIX + "canary-weight", "10");
            };
            ingresses.add(new IngressBuilder().withNewMetadata().withNamespace(ns(target)).withName("canary-" + c)
                    .withAnnotations(annotations).endMetadata()
                    .withNewSpec().addNewRule().withHost("host-" + target + ".example.com").withNewHttp()
                    .withPaths(path("/", "Prefix", (target + 5) % serviceCount))
                    .endHttp().endRule().endSpec().build());
        }
        List<Service> services = new ArrayList<>(serviceCount);
        List<EndpointSlice> slices = new ArrayList<>(serviceCount * 10);
        for (int s = 0; s < serviceCount; s++) {
            // Every namespace gets every Service, so that any Ingress finds its backend.
            for (int n = 0; n < 10; n++) {
                String ns = "ns-" + n;
                services.add(new ServiceBuilder().withNewMetadata().withNamespace(ns).withName("svc-" + s).endMetadata()
                        .withNewSpec().withPorts(new ServicePortBuilder().withName("http").withPort(80)
                                .withTargetPort(new IntOrString(8080)).build()).endSpec().build());
                slices.add(new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName("svc-" + s + "-abc")
                        .addToLabels("kubernetes.io/service-name", "svc-" + s).endMetadata()
                        .withAddressType("IPv4")
                        .withPorts(new EndpointPortBuilder().withName("http").withPort(8080).withProtocol("TCP").build())
                        .withEndpoints(endpoint("10.1." + s % 250 + ".1"), endpoint("10.1." + s % 250 + ".2"),
                                endpoint("10.1." + s % 250 + ".3"))
                        .build());
            }
        }
        Collections.shuffle(ingresses, new Random(7));
        return new ClusterState(ingresses, List.of(), services, slices, List.of());
    }

    private static String ns(int i) {
        return "ns-" + i % 10;
    }

    private static HTTPIngressPath path(String path, String type, int service) {
        return new HTTPIngressPathBuilder().withPath(path).withPathType(type).withNewBackend().withNewService()
                .withName("svc-" + service).withNewPort().withNumber(80).endPort().endService().endBackend().build();
    }

    private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String address) {
        return new EndpointBuilder().withAddresses(address).withNewConditions().withReady(true).endConditions().build();
    }

    @Benchmark
    public BuildResult build() {
        BuildResult result = RouteTableBuilder.build(state, BuildOptions.serveAll());
        if (result.table().exactHosts().size() != mains || !result.warnings().isEmpty()) {
            throw new IllegalStateException(result.table().exactHosts().size() + " hosts (expected: " + mains + "), "
                    + result.warnings().size() + " warnings, first: "
                    + (result.warnings().isEmpty() ? "-" : result.warnings().get(0)));
        }
        long attached = result.table().exactHosts().values().stream()
                .flatMap(vh -> vh.routes().stream()).filter(r -> r.canary() != null).count();
        if (attached != canaries) {
            throw new IllegalStateException(attached + " canaries attached (expected: " + canaries + ')');
        }
        return result;
    }
}
