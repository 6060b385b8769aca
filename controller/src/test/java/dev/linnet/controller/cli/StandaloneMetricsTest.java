package dev.linnet.controller.cli;

import static dev.linnet.controller.cli.StandaloneServerTest.ingress;
import static dev.linnet.controller.cli.StandaloneServerTest.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The serve wiring's /metrics: controller metrics under ingress-nginx's names, process and JVM
 * metrics, and the Grafana dashboard's queries checked against what is really exported.
 */
class StandaloneMetricsTest {

    private static final String HOST = "live.example.com";
    private static final Path DASHBOARD = Path.of("..", "charts", "linnet", "dashboards", "linnet.json");

    @TempDir
    Path manifests;

    private TestBackend stable;
    private TestBackend canary;
    private StandaloneServer server;

    @BeforeEach
    void start() throws Exception {
        stable = TestBackend.start("stable");
        canary = TestBackend.start("canary");
        Files.writeString(manifests.resolve("backends.yaml"), service("stable", stable.port()) + "---\n"
                + service("canary", canary.port()));
        Files.writeString(manifests.resolve("main.yaml"), ingress("main", "stable", ""));
        Files.writeString(manifests.resolve("canary.yaml"), ingress("canary", "canary", """
                  annotations:
                    nginx.ingress.kubernetes.io/canary: "true"
                    nginx.ingress.kubernetes.io/canary-by-header: "X-Canary"
                """));
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll(),
                MetricsOptions.defaults().withController("ingress", "linnet.dev/ingress-controller", "linnet-0")));
        await().until(() -> server.routes().isPublished());
    }

    @AfterEach
    void stop() {
        server.close();
        stable.close();
        canary.close();
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** sample line without value → value, e.g. {@code nginx_ingress_controller_success{…}}. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return m;
    }

    private static Set<String> names(Map<String, Double> samples) {
        Set<String> names = new LinkedHashSet<>();
        samples.keySet().forEach(k -> names.add(k.replaceAll("\\{.*", "")));
        return names;
    }

    @Test
    void controllerMetricsUseIngressNginxNamesAndConstantLabels() throws Exception {
        TestClient client = new TestClient(server.httpPort());
        assertThat(client.body(HOST, "X-Canary", "always")).isEqualTo("canary");
        String text = scrape();
        Map<String, Double> s = samples(text);
        String c = "controller_class=\"linnet.dev/ingress-controller\",controller_namespace=\"ingress\","
                + "controller_pod=\"linnet-0\"";
        assertThat(s).containsEntry("nginx_ingress_controller_config_last_reload_successful{" + c + "}", 1.0)
                .containsEntry("nginx_ingress_controller_errors{" + c + "}", 0.0)
                .containsKey("nginx_ingress_controller_config_hash{" + c + "}")
                .containsKey("nginx_ingress_controller_config_last_reload_successful_timestamp_seconds{" + c + "}")
                .containsEntry("nginx_ingress_controller_leader_election_status{" + c
                        + ",name=\"ingress-controller-leader\"}", 0.0)
                .containsEntry("nginx_ingress_controller_nginx_process_num_procs{" + c + "}", 1.0);
        assertThat(s.get("nginx_ingress_controller_success{" + c + "}")).isGreaterThanOrEqualTo(1.0);
        assertThat(text).contains("# TYPE nginx_ingress_controller_success counter\n",
                "# TYPE nginx_ingress_controller_requests counter\n",
                "nginx_ingress_controller_requests{canary=\"default-canary-80\"," + c + ",host=\"live.example.com\","
                        + "ingress=\"main\",method=\"GET\",namespace=\"default\",path=\"/\",service=\"stable\","
                        + "status=\"200\"} 1.0\n")
                .doesNotContain("nginx_ingress_controller_success_total");
        assertThat(names(s)).contains("nginx_ingress_controller_build_info",
                "nginx_ingress_controller_nginx_process_cpu_seconds_total",
                "nginx_ingress_controller_nginx_process_resident_memory_bytes",
                "nginx_ingress_controller_nginx_process_requests_total",
                "nginx_ingress_controller_nginx_process_connections",
                "jvm_memory_used_bytes", "jvm_threads_live_threads", "system_cpu_count",
                "linnet_routing_table_routes", "linnet_routing_table_build_seconds_count",
                "linnet_split_decisions_total", "linnet_upstream_connections");
        assertThat(s).containsEntry("linnet_routing_table_routes", 1.0)
                .containsEntry("linnet_routing_table_backends", 2.0);
    }

    @Test
    void dashboardIsValidJsonAndQueriesOnlyExportedNames() throws Exception {
        TestClient client = new TestClient(server.httpPort());
        client.body(HOST, "X-Canary", "always");
        client.body(HOST);
        Set<String> exported = names(samples(scrape()));
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        assertThat(dashboard.get("panels").size()).isGreaterThanOrEqualTo(4);
        Pattern metric = Pattern.compile("\\b(?:nginx_ingress_controller|linnet)_[a-z_]+\\b");
        Set<String> queried = new LinkedHashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = metric.matcher(target.get("expr").asText());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        assertThat(queried).contains("nginx_ingress_controller_requests",
                "nginx_ingress_controller_response_duration_seconds_sum");
        assertThat(exported).containsAll(queried);
    }
}
