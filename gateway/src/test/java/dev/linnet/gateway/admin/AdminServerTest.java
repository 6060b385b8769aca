package dev.linnet.gateway.admin;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.split.MultiCanary;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AdminServerTest {

    private final RouteTableHolder routes = new RouteTableHolder();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private AdminServer admin;

    @BeforeEach
    void start() throws InterruptedException {
        admin = AdminServer.start("127.0.0.1", 0, routes);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzAnswersOk() throws Exception {
        HttpResponse<String> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    @Test
    void readyzAnswers503OnceShuttingDownWhileHealthzStaysOk() throws Exception {
        routes.swap(table());
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        admin.shuttingDown();
        HttpResponse<String> r = get("/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("shutting down\n");
        assertThat(get("/healthz").statusCode()).as("not a liveness failure: no restart").isEqualTo(200);
    }

    @Test
    void readyzFailsUntilTheFirstTableIsPublished() throws Exception {
        assertThat(get("/readyz").statusCode()).isEqualTo(503);
        routes.swap(table());
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void debugRoutesShowsTheCurrentTable() throws Exception {
        var main = backend("web", List.of(new Endpoint("10.0.0.1", 8080), new Endpoint("10.0.0.2", 8080)));
        var canaryBackend = backend("web-canary", List.of(new Endpoint("10.0.0.3", 8080)));
        routes.swap(table(
                route("canary.example.com", "/", main).withCanary(canary(canaryBackend).header("Region")
                        .headerPattern("cd|sz").cookie("user_from_cd").weight(10, 100).build()),
                route("*.example.com", "/api", main),
                route("_", "/", main)).withVersion(7));
        HttpResponse<String> r = get("/debug/routes");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        JsonNode root = JsonMapper.builder().build().readTree(r.body());
        assertThat(root.get("version").asLong()).isEqualTo(7);
        JsonNode route = root.get("exact").get("canary.example.com").get("routes").get(0);
        assertThat(route.get("ingress").asString()).isEqualTo("default/main");
        assertThat(route.get("path").asString()).isEqualTo("/");
        assertThat(route.get("pathType").asString()).isEqualTo("PREFIX");
        assertThat(route.get("backend").get("name").asString()).isEqualTo("default-web-80");
        assertThat(route.get("backend").get("endpoints").toString()).contains("10.0.0.1:8080", "10.0.0.2:8080");
        JsonNode canary = route.get("canary");
        assertThat(canary.get("ingress").asString()).isEqualTo("default/canary");
        assertThat(canary.get("backend").get("endpoints").get(0).asString()).isEqualTo("10.0.0.3:8080");
        assertThat(canary.get("header").asString()).isEqualTo("Region");
        assertThat(canary.get("headerValue").isNull()).isTrue();
        assertThat(canary.get("headerPattern").asString()).isEqualTo("cd|sz");
        assertThat(canary.get("cookie").asString()).isEqualTo("user_from_cd");
        assertThat(canary.get("weight").asInt()).isEqualTo(10);
        assertThat(canary.get("weightTotal").asInt()).isEqualTo(100);
        assertThat(root.get("wildcard").get("example.com").get("routes").get(0).get("path").asString()).isEqualTo("/api");
        assertThat(root.get("default").get("routes").size()).isEqualTo(1);
        assertThat(root.get("default").get("fallback").isNull()).isTrue();
    }

    @Test
    void debugRoutesListsEveryCanaryOfAMultiCanaryRule() throws Exception {
        var main = backend("web", List.of(new Endpoint("10.0.0.1", 8080)));
        CanaryRule v2 = new CanaryRule("default", "v2", backend("v2", List.of(new Endpoint("10.0.0.2", 8080))), "X-V2",
                null, null, null, 10, 100);
        CanaryRule v3 = new CanaryRule("default", "v3", backend("v3", List.of(new Endpoint("10.0.0.3", 8080))), null,
                null, null, "try-v3", 20, 100);
        routes.swap(table(route("a.example.com", "/", main).withCanaries(new MultiCanary(List.of(v2, v3), null))));
        JsonNode route = JsonMapper.builder().build().readTree(get("/debug/routes").body())
                .get("exact").get("a.example.com").get("routes").get(0);
        assertThat(route.get("canary").get("ingress").asString()).isEqualTo("default/v2");
        assertThat(route.get("canaries").size()).isEqualTo(2);
        assertThat(route.get("canaries").get(1).get("ingress").asString()).isEqualTo("default/v3");
        assertThat(route.get("canaries").get(1).get("cookie").asString()).isEqualTo("try-v3");
    }

    @Test
    void debugRoutesNamesSourceResourceVersionsAndPublishTime() throws Exception {
        var main = backend("web", List.of(new Endpoint("10.0.0.1", 8080)));
        RouteTable t = table(route("a.example.com", "/", main)
                .withCanary(canary(backend("web-canary", List.of())).header("X").build()));
        routes.swap(new RouteTable(3, t.exactHosts(), t.wildcardHosts(), t.defaultServer(),
                Map.of("default/main", "4711", "default/canary", "4712")));
        JsonNode root = JsonMapper.builder().build().readTree(get("/debug/routes").body());
        assertThat(Instant.parse(root.get("publishedAt").asString())).isEqualTo(routes.publishedAt());
        assertThat(root.get("ingresses").get("default/main").asString()).isEqualTo("4711");
        JsonNode route = root.get("exact").get("a.example.com").get("routes").get(0);
        assertThat(route.get("resourceVersion").asString()).isEqualTo("4711");
        assertThat(route.get("canary").get("resourceVersion").asString()).isEqualTo("4712");
    }

    @Test
    void debugRoutesShowsAHostsClientCertificatesAndWhyAHostIsForbidden() throws Exception {
        var ca = dev.linnet.gateway.testing.TestPki.ca("CN=Client CA");
        var auth = new dev.linnet.gateway.policy.ClientCertAuth(
                new dev.linnet.gateway.tls.ClientCa(List.of(ca.certificate()), List.of()),
                dev.linnet.gateway.policy.ClientCertAuth.VerifyClient.OPTIONAL_NO_CA, 2, null, true, null);
        var main = backend("web", List.of(new Endpoint("10.0.0.1", 8080)));
        var a = new dev.linnet.gateway.route.VirtualHost("a.example.com", List.of(route("a.example.com", "/", main)),
                null, dev.linnet.gateway.policy.Policies.of(auth));
        var b = new dev.linnet.gateway.route.VirtualHost("b.example.com", List.of(route("b.example.com", "/", main)),
                null, dev.linnet.gateway.policy.Policies.of(new dev.linnet.gateway.policy.HostForbidden("no ca.crt")));
        routes.swap(new RouteTable(3, Map.of("a.example.com", a, "b.example.com", b), Map.of(),
                table().defaultServer()));
        JsonNode root = JsonMapper.builder().build().readTree(get("/debug/routes").body());
        JsonNode c = root.get("exact").get("a.example.com").get("clientCertificates");
        assertThat(c.get("verifyClient").asString()).isEqualTo("optional_no_ca");
        assertThat(c.get("verifyDepth").asInt()).isEqualTo(2);
        assertThat(c.get("cas").get(0).asString()).isEqualTo("CN=Client CA");
        assertThat(root.get("exact").get("b.example.com").get("forbidden").asString()).isEqualTo("no ca.crt");
        assertThat(root.get("exact").get("b.example.com").has("clientCertificates")).isFalse();
    }

    @Test
    void debugRoutesShowsWhichCertificateEachHostPresentsButNeverTheKey() throws Exception {
        var issued = dev.linnet.gateway.testing.TestCertificates.issue("shop", "shop.example.com");
        var cert = dev.linnet.gateway.tls.TlsCertificate.fromPem("shop/shop-tls", issued.certificatePem(), issued.keyPem());
        RouteTable t = table();
        routes.swap(new RouteTable(t.version(), t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.sources(),
                new dev.linnet.gateway.tls.CertificateTable(java.util.Map.of("shop.example.com", cert), java.util.Map.of(),
                        java.util.Set.of("shop.example.com", "broken.example.com"), null)));

        String body = get("/debug/routes").body();
        JsonNode tls = JsonMapper.builder().build().readTree(body).get("tls");
        assertThat(tls.get("hosts").toString()).isEqualTo("[\"broken.example.com\",\"shop.example.com\"]");
        JsonNode shop = tls.get("certificates").get("shop.example.com");
        assertThat(shop.get("secret").asString()).isEqualTo("shop/shop-tls");
        assertThat(shop.get("subject").asString()).isEqualTo("CN=shop");
        assertThat(shop.get("sha256").asString()).isEqualTo(cert.fingerprint());
        assertThat(tls.get("defaultCertificate").isNull()).isTrue();
        assertThat(body).doesNotContain("PRIVATE", issued.keyPem().lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void unknownPathIs404AndThereIsNoMetricsYet() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/metrics").statusCode()).isEqualTo(404);
    }

    @Test
    void portInUseIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> AdminServer.start("127.0.0.1", taken.getLocalPort(), routes))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("admin listener: cannot bind");
        }
    }
}
