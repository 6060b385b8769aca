package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.build;
import static dev.linnet.controller.build.Fixtures.endpoints;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.slice;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.Route;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Service port → targetPort → ready EndpointSlice / Endpoints addresses (issue 2 item 3). */
class BackendResolutionTest {

    private static Service service(String name, String portName, int port, IntOrString target) {
        return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata()
                .withNewSpec().withPorts(new ServicePortBuilder().withName(portName).withPort(port)
                        .withTargetPort(target).build()).endSpec().build();
    }

    private static Backend backend(BuildResult r) {
        Route route = r.table().route("h", "/");
        assertThat(route).isNotNull();
        return route.backend();
    }

    @Test
    void portByNumberResolvesToTheSlicePortOfTheSameName() {
        BuildResult r = build(svc("ns/web", 80, "10.0.0.2", "10.0.0.1"),
                ingress("ns/a").host("h").path("/").backend("web", 80));
        assertThat(backend(r)).isEqualTo(Backend.of("ns", "web", "80",
                List.of(new Endpoint("10.0.0.1", 8080), new Endpoint("10.0.0.2", 8080))));
        assertThat(backend(r).name()).isEqualTo("ns-web-80");
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void portByNameKeepsTheNameInTheUpstreamName() {
        BuildResult r = build(svc("ns/web", 80, "10.0.0.1"), ingress("ns/a").host("h").path("/").backend("web", "http"));
        assertThat(backend(r).name()).isEqualTo("ns-web-http");
        assertThat(backend(r).endpoints()).containsExactly(new Endpoint("10.0.0.1", 8080));
    }

    @Test
    void namedTargetPortTakesItsNumberFromTheSlice() {
        BuildResult r = build(service("web", "http", 80, new IntOrString("web-port")),
                slice("ns/web-1", "web").port("http", 9090).endpoint("10.0.0.1", true, false),
                ingress("ns/a").host("h").path("/").backend("web", 80));
        assertThat(backend(r).endpoints()).containsExactly(new Endpoint("10.0.0.1", 9090));
    }

    @Test
    void slicePortWithoutNumberUsesTheNumericTargetPortOrThePort() {
        BuildResult r = build(service("web", null, 80, new IntOrString(8081)), service("raw", null, 81, null),
                slice("ns/web-1", "web").port(null, null).endpoint("10.0.0.1", null, null),
                slice("ns/raw-1", "raw").port(null, null).endpoint("10.0.0.2", null, null),
                ingress("ns/a").host("h").path("/").backend("web", 80).path("/raw").backend("raw", 81));
        assertThat(backend(r).endpoints()).containsExactly(new Endpoint("10.0.0.1", 8081));
        assertThat(r.table().route("h", "/raw").backend().endpoints()).containsExactly(new Endpoint("10.0.0.2", 81));
    }

    @Test
    void onlyReadyAndNotTerminatingEndpointsAreUsed() {
        BuildResult r = build(service("web", "http", 80, new IntOrString(8080)),
                slice("ns/web-1", "web").port("http", 8080)
                        .endpoint("10.0.0.1", null, null)     // nil ready = ready
                        .endpoint("10.0.0.2", true, false)
                        .endpoint("10.0.0.3", false, null)    // not ready
                        .endpoint("10.0.0.4", true, true)     // terminating: no new requests
                        .endpoint("10.0.0.5", null, true),
                slice("ns/web-2", "web").port("http", 8080)
                        .endpoint("10.0.0.2", true, false)    // duplicate across slices
                        .endpoint("10.0.0.0", true, null),
                slice("ns/web-3", "web").port("metrics", 9100).endpoint("10.0.0.9", true, null), // other port
                slice("other/web-1", "web").port("http", 8080).endpoint("10.9.9.9", true, null), // other namespace
                ingress("ns/a").host("h").path("/").backend("web", 80));
        assertThat(backend(r).endpoints()).containsExactly(
                new Endpoint("10.0.0.0", 8080), new Endpoint("10.0.0.1", 8080), new Endpoint("10.0.0.2", 8080));
    }

    @Test
    void endpointsObjectIsUsedWhenTheServiceHasNoSlices() {
        BuildResult r = build(service("web", "http", 80, new IntOrString(8080)),
                endpoints("ns/web", "http", 8080, List.of("10.0.0.2", "10.0.0.1"), List.of("10.0.0.3")),
                endpoints("ns/other", "http", 8080, List.of("10.0.0.7"), List.of()),
                ingress("ns/a").host("h").path("/").backend("web", 80));
        assertThat(backend(r).endpoints()).containsExactly(new Endpoint("10.0.0.1", 8080), new Endpoint("10.0.0.2", 8080));
    }

    @Test
    void slicesWinOverTheEndpointsObject() {
        BuildResult r = build(service("web", "http", 80, new IntOrString(8080)),
                slice("ns/web-1", "web").port("http", 8080).endpoint("10.0.0.1", false, null),
                endpoints("ns/web", "http", 8080, List.of("10.0.0.2"), List.of()),
                ingress("ns/a").host("h").path("/").backend("web", 80));
        assertThat(backend(r).endpoints()).isEmpty();
        assertThat(r.warnings()).isEmpty(); // zero endpoints is normal during a rollout
    }

    @Test
    void missingServiceStillRoutesToAnEmptyBackendWithOneWarning() {
        BuildResult r = build(ingress("ns/a").host("h").path("/").backend("gone", 80).path("/b").backend("gone", 80));
        assertThat(backend(r)).isEqualTo(Backend.of("ns", "gone", "80", List.of()));
        assertThat(r.table().route("h", "/b")).isNotNull();
        assertThat(r.warnings()).containsExactly(new ConfigWarning("Ingress", "ns", "a",
                "Service ns/gone not found; requests to it get 503"));
    }

    @Test
    void serviceInAnotherNamespaceIsNotUsed() {
        BuildResult r = build(svc("other/web", "10.0.0.1"), ingress("ns/a").host("h").path("/").backend("web", 80));
        assertThat(backend(r).hasEndpoints()).isFalse();
        assertThat(r.warnings()).extracting(ConfigWarning::message)
                .containsExactly("Service ns/web not found; requests to it get 503");
    }

    @Test
    void missingPortStillRoutesToAnEmptyBackendWithAWarning() {
        BuildResult r = build(svc("ns/web", 80, "10.0.0.1"), ingress("ns/a").host("h").path("/").backend("web", 81)
                .path("/n").backend("web", "grpc"));
        assertThat(backend(r)).isEqualTo(Backend.of("ns", "web", "81", List.of()));
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly(
                "Service ns/web has no port 81; requests to it get 503",
                "Service ns/web has no port grpc; requests to it get 503");
    }

    @Test
    void externalNameServiceIsNotSupportedYet() {
        Service ext = new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("ext").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("example.org").endSpec().build();
        BuildResult r = build(ext, ingress("ns/a").host("h").path("/").backend("ext", 80));
        assertThat(backend(r).hasEndpoints()).isFalse();
        assertThat(r.warnings()).extracting(ConfigWarning::message)
                .containsExactly("Service ns/ext: ExternalName services are not supported yet; requests to it get 503");
    }

    @Test
    void routesNamingTheSameServicePortShareOneBackend() {
        BuildResult r = build(svc("ns/web", "10.0.0.1"),
                ingress("ns/a").host("h").path("/").backend("web", 80),
                ingress("ns/b").host("g").path("/").backend("web", 80).path("/n").backend("web", "http"));
        assertThat(r.table().route("g", "/")).isNotNull();
        assertThat(r.table().route("h", "/").backend()).isSameAs(r.table().route("g", "/").backend());
        assertThat(r.table().route("g", "/n").backend()).isNotEqualTo(r.table().route("g", "/").backend());
    }

    @Test
    void backendWithoutServiceOrPortIsSkippedWithAWarning() {
        var noPort = ingress("ns/a").host("h").path("/").backend("web", 80).build();
        noPort.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().setPort(null);
        BuildResult r = build(svc("ns/web", "10.0.0.1"), noPort);
        assertThat(r.table().route("h", "/")).isNull();
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly(
                "host h: path / names service web without a port (expected: a port number or name); skipped");
    }
}
