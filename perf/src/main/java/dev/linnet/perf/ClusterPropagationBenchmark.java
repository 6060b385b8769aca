package dev.linnet.perf;

import com.sun.net.httpserver.HttpServer;
import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.cli.ClusterConfig;
import dev.linnet.controller.cli.ClusterServer;
import dev.linnet.controller.status.StatusOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

/**
 * Propagation latency in cluster mode: the canary weight annotation patched through the API
 * (fabric8's mock API server in CRUD mode, which speaks the real REST and watch protocol), timed
 * until requests follow. Same loop and report as {@link PropagationBenchmark}
 * ({@link Propagation}); the path measured is watch event → informer → control loop → build →
 * swap, with the API server on loopback (a real one adds its own watch latency, typically a few ms).
 *
 * <p>With {@code churnMillis} &gt; 0, another Ingress is edited (its path changed) every
 * {@code churnMillis} meanwhile (issue 15, item 8).
 *
 * <p>Usage: {@code ClusterPropagationBenchmark [changes [gapMillis [churnMillis]]]} (default 100, 250, 0).
 */
public final class ClusterPropagationBenchmark {

    private static final String NS = "default";

    private ClusterPropagationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long gapMillis = args.length > 1 ? Long.parseLong(args[1]) : 250;
        long churnMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        HttpServer stable = Propagation.backend("stable\n");
        HttpServer canary = Propagation.backend("canary\n");
        KubernetesMockServer api = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        KubernetesClient kubectl = api.createClient();
        KubernetesClient linnetClient = api.createClient();
        ClusterServer linnet = null;
        try {
            String yaml = Propagation.services(stable.getAddress().getPort(), canary.getAddress().getPort())
                    + "---\n" + Propagation.MAIN_INGRESS + "---\n" + Propagation.canaryIngress(0)
                    + "---\n" + Propagation.otherIngress(0);
            kubectl.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).inNamespace(NS).create();
            // The Ingresses name no class: serve those too, as --watch-ingress-without-class does.
            BuildOptions build = new BuildOptions(BuildOptions.DEFAULT_ANNOTATIONS_PREFIX,
                    BuildOptions.DEFAULT_INGRESS_CLASS, BuildOptions.DEFAULT_CONTROLLER_CLASS, true);
            StatusOptions status = new StatusOptions(StatusOptions.DEFAULT_ELECTION_ID, NS, "bench-0", null, List.of(),
                    false, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
            linnet = ClusterServer.start(new ClusterConfig(null, List.of(),
                    GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0), 0, build, status),
                    linnetClient);
            ClusterServer server = linnet;
            Propagation.measure(changes, gapMillis, churnMillis, linnet.httpPort(),
                    () -> server.routes().current().version(),
                    weight -> kubectl.network().v1().ingresses().inNamespace(NS).withName("main-canary")
                            .edit(i -> withWeight(i, weight)),
                    n -> kubectl.network().v1().ingresses().inNamespace(NS).withName("other")
                            .edit(i -> withPath(i, "/v" + n)));
        } finally {
            if (linnet != null) {
                linnet.close();
            }
            linnetClient.close();
            kubectl.close();
            api.destroy();
            stable.stop(0);
            canary.stop(0);
        }
    }

    private static Ingress withPath(Ingress ingress, String path) {
        ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPath(path);
        return ingress;
    }

    private static Ingress withWeight(Ingress ingress, int weight) {
        ingress.getMetadata().getAnnotations().put("nginx.ingress.kubernetes.io/canary-weight", String.valueOf(weight));
        return ingress;
    }
}
