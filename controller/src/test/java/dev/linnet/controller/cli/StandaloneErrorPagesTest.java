package dev.linnet.controller.cli;

import static dev.linnet.controller.cli.StandaloneServerTest.service;
import static dev.linnet.gateway.testing.ErrorBackends.seen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.ErrorBackends;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --manifests DIR --default-backend-service NS/NAME --configmap NS/NAME} end to end:
 * the annotations and the ConfigMap's list send errors to the right backend, unmatched requests
 * go to the default backend Service, and endpoint edits re-route errors live (annotations-spec.md §5).
 */
class StandaloneErrorPagesTest {

    @TempDir
    Path manifests;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private StandaloneServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T later(T c) {
        closing.add(c);
        return c;
    }

    private static String ingress(String name, String host, String service, String annotations) {
        return StandaloneServerTest.ingress(name, host, service, annotations.isEmpty() ? ""
                : "  annotations:\n" + annotations.indent(4));
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Host", host).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void errorsAndUnmatchedRequestsReachTheirBackendsD1D5D11() throws Exception {
        ErrorBackends app = later(ErrorBackends.statuses("app"));
        ErrorBackends pages = later(ErrorBackends.echo("pages", 200));
        ErrorBackends global = later(ErrorBackends.echo("global", 200));
        Files.writeString(manifests.resolve("services.yaml"), service("app", app.port()) + "---\n"
                + service("pages", pages.port()) + "---\n" + service("default-http-backend", global.port())
                + "---\n" + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: empty
                spec:
                  ports:
                  - name: http
                    port: 80
                """);
        Files.writeString(manifests.resolve("ingresses.yaml"), ingress("own", "own.example.com", "app", """
                nginx.ingress.kubernetes.io/custom-http-errors: "404,503"
                nginx.ingress.kubernetes.io/default-backend: pages
                """) + "---\n" + ingress("global", "global.example.com", "app", "") + "---\n"
                + ingress("down", "down.example.com", "empty", ""));
        Files.writeString(manifests.resolve("configmap.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: linnet
                  namespace: default
                data:
                  custom-http-errors: "500,503"
                """);
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        BuildOptions options = BuildOptions.serveAll()
                .withConfigMap(new ConfigMapOptions("default/linnet", gateway, Set.of()))
                .withDefaultBackendService("default/default-http-backend");
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, options));
        await().until(() -> server.routes().isPublished());

        HttpResponse<String> own = get("own.example.com", "/status/404");
        assertThat(own.headers().firstValue("x-echo")).hasValue("pages");
        assertThat(seen(own.body())).containsEntry("x-code", "404").containsEntry("x-ingress-name", "own");
        assertThat(get("own.example.com", "/status/500").body()).as("the annotation replaced the ConfigMap's list")
                .isEqualTo("upstream 500");

        HttpResponse<String> fromConfigMap = get("global.example.com", "/status/500");
        assertThat(fromConfigMap.headers().firstValue("x-echo")).hasValue("global");
        assertThat(seen(fromConfigMap.body())).containsEntry("x-code", "500");

        HttpResponse<String> noEndpoints = get("down.example.com", "/");
        assertThat(noEndpoints.headers().firstValue("x-echo")).hasValue("global");
        assertThat(seen(noEndpoints.body())).containsEntry("x-code", "503").containsEntry("x-service-name", "empty");

        HttpResponse<String> unmatched = get("nobody.example.com", "/demo");
        assertThat(unmatched.statusCode()).isEqualTo(200);
        assertThat(seen(unmatched.body())).containsEntry("request", "GET /demo").doesNotContainKey("x-code");

        // The error backend loses its endpoints: the annotation's errors go to the global one.
        Files.writeString(manifests.resolve("services.yaml"), service("app", app.port()) + "---\n"
                + service("default-http-backend", global.port()) + "---\n" + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: pages
                spec:
                  ports:
                  - name: http
                    port: 80
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("own.example.com", "/status/404").headers()
                .firstValue("x-echo").orElse("").equals("global"));
    }
}
