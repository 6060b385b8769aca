package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real serve wiring, on port 0, over manifests in a temp directory and real loopback backends. */
class StandaloneServerTest {

    private static final String HOST = "live.example.com";

    @TempDir
    Path manifests;

    private TestBackend stable;
    private TestBackend canary;
    private StandaloneServer server;

    @BeforeEach
    void startBackends() throws IOException {
        stable = TestBackend.start("stable");
        canary = TestBackend.start("canary");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        stable.close();
        canary.close();
    }

    private void start() throws InterruptedException {
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
    }

    private void writeBackends() throws IOException {
        Files.writeString(manifests.resolve("backends.yaml"), service("stable", stable.port()) + "---\n"
                + service("canary", canary.port()));
    }

    private void writeIngresses(int canaryWeight) throws IOException {
        Files.writeString(manifests.resolve("main.yaml"), ingress("main", "stable", ""));
        writeCanary(canaryWeight);
    }

    private void writeCanary(int weight) throws IOException {
        Files.writeString(manifests.resolve("canary.yaml"), ingress("canary", "canary", """
                  annotations:
                    nginx.ingress.kubernetes.io/canary: "true"
                    nginx.ingress.kubernetes.io/canary-weight: "%d"
                """.formatted(weight)));
    }

    @Test
    void bindsFreePortsAndReportsThem() throws Exception {
        writeBackends();
        writeIngresses(0);
        start();

        assertThat(server.httpPort()).isPositive();
        assertThat(server.adminPort()).isPositive().isNotEqualTo(server.httpPort());
        assertThat(server.manifests()).containsExactly(manifests.toAbsolutePath().normalize());
        await().until(() -> server.routes().isPublished());
        assertThat(new TestClient(server.httpPort()).body(HOST)).isEqualTo("stable");
    }

    @Test
    void aLiveEditMovesTrafficToTheCanaryWithoutOneFailedRequest() throws Exception {
        writeBackends();
        writeIngresses(0);
        start();
        TestClient client = new TestClient(server.httpPort());
        await().until(() -> client.body(HOST).equals("stable"));

        List<String> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread load = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; i < 100_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                answers.add(client.body(HOST));
            }
        }, "test-load");
        load.start();
        try {
            await().until(() -> answers.size() >= 20);

            writeCanary(100); // truncate-then-write, as an editor does

            await().atMost(Duration.ofSeconds(10)).until(() -> answers.contains("canary"));
            int firstCanary = answers.indexOf("canary");
            await().until(() -> answers.size() >= firstCanary + 50);
        } finally {
            stop.set(true);
            load.join();
        }

        assertThat(answers).containsOnly("stable", "canary");
        int firstCanary = answers.indexOf("canary");
        // Weight 100 is "always": once the new table serves, nothing goes back to stable.
        assertThat(answers.subList(firstCanary, answers.size())).containsOnly("canary");
    }

    static String service(String name, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %1$s
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: %2$d
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %1$s-1
                  labels:
                    kubernetes.io/service-name: %1$s
                addressType: IPv4
                ports:
                - name: http
                  port: %2$d
                endpoints:
                - addresses: ["127.0.0.1"]
                  conditions:
                    ready: true
                """.formatted(name, port);
    }

    static String ingress(String name, String service, String annotations) {
        return ingress(name, HOST, service, annotations);
    }

    /** An Ingress of {@code host}, path {@code /} (Prefix) to {@code service}; {@code metadata} lines such as {@code annotations:}. */
    static String ingress(String name, String host, String service, String metadata) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                %s\
                spec:
                  rules:
                  - host: %s
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: %s
                            port:
                              number: 80
                """.formatted(name, metadata, host, service);
    }
}
