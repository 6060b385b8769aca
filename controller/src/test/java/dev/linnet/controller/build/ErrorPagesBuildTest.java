package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.PREFIX;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.policy.CustomErrors;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * custom-http-errors, disable-proxy-intercept-errors, default-backend and --default-backend-service
 * through the builder (annotations-spec.md §5.1, §5.2, §5.5): which routes get which
 * {@link CustomErrors}, what is warned, and that endpoint churn re-resolves the error backends.
 */
class ErrorPagesBuildTest {

    private static final BuildOptions OPTIONS = BuildOptions.serveAll();

    private static Fixtures.IngressFixture app(String... annotations) {
        Fixtures.IngressFixture f = ingress("ns/app").host("a.com").path("/").backend("app", 80)
                .path("/api").backend("app", 80);
        for (int i = 0; i < annotations.length; i += 2) {
            f.annotation(PREFIX + "/" + annotations[i], annotations[i + 1]);
        }
        return f;
    }

    private static ConfigMap configMap(String... data) {
        ConfigMapBuilder b = new ConfigMapBuilder().withNewMetadata().withNamespace("edge").withName("linnet")
                .endMetadata();
        for (int i = 0; i < data.length; i += 2) {
            b.addToData(data[i], data[i + 1]);
        }
        return b.build();
    }

    private static BuildOptions withConfigMap() {
        return OPTIONS.withConfigMap(new ConfigMapOptions("edge/linnet", GatewayConfig.defaults(), Set.of()));
    }

    private static CustomErrors errors(RouteTable table, String host, String path) {
        Route r = table.route(host, path);
        return r == null ? null : r.policies().find(CustomErrors.class);
    }

    private static List<String> warnings(BuildResult result) {
        return result.warnings().stream().map(ConfigWarning::toString).toList();
    }

    @Test
    void theAnnotationsCodesAndDefaultBackendGoOnEveryRouteOfTheIngressD1D4() {
        BuildResult result = RouteTableBuilder.build(state(
                app("custom-http-errors", "404,500", "default-backend", "from-annotation"),
                ingress("ns/other").host("b.com").path("/").backend("app", 80),
                svc("ns/app", "10.0.0.1"), svc("ns/from-annotation", 8080, "10.0.9.1")), OPTIONS);

        CustomErrors e = errors(result.table(), "a.com", "/api");
        assertThat(e.codes()).containsExactly(404, 500);
        assertThat(e.interceptUpstream()).isTrue();
        assertThat(e.backend().name()).as("the Service's first port").isEqualTo("ns-from-annotation-8080");
        assertThat(e.backend().endpoints()).hasSize(1);
        assertThat(e.global()).isNull();
        assertThat(errors(result.table(), "a.com", "/")).isEqualTo(e);
        assertThat(errors(result.table(), "b.com", "/")).as("another Ingress").isNull();
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void twoIngressesOfOneHostKeepTheirOwnListsD3() {
        Object other = ingress("ns/else").host("a.com").path("/else").backend("app", 80)
                .annotation(PREFIX + "/custom-http-errors", "404,503");
        BuildResult result = RouteTableBuilder.build(state(app("custom-http-errors", "404,500"), other,
                svc("ns/app", "10.0.0.1")), OPTIONS);

        assertThat(errors(result.table(), "a.com", "/x").codes()).containsExactly(404, 500);
        assertThat(errors(result.table(), "a.com", "/else").codes()).containsExactly(404, 503);
    }

    @Test
    void theConfigMapsListAppliesWhereNoAnnotationReplacesIt() {
        BuildResult result = RouteTableBuilder.build(state(
                app("custom-http-errors", "503"),
                ingress("ns/other").host("b.com").path("/").backend("app", 80),
                svc("ns/app", "10.0.0.1"),
                configMap("custom-http-errors", "404,502", "disable-proxy-intercept-errors", "true")), withConfigMap());

        CustomErrors own = errors(result.table(), "a.com", "/");
        assertThat(own.codes()).as("the annotation replaces the global list").containsExactly(503);
        assertThat(own.interceptUpstream()).as("the ConfigMap's disable is not the annotation's").isTrue();
        CustomErrors global = errors(result.table(), "b.com", "/");
        assertThat(global.codes()).containsExactly(404, 502);
        assertThat(global.interceptUpstream()).isFalse();
    }

    @Test
    void disableProxyInterceptErrorsWorksOnlyWithTheAnnotationsCodes() {
        BuildResult withCodes = RouteTableBuilder.build(state(
                app("custom-http-errors", "404", "disable-proxy-intercept-errors", "true"), svc("ns/app", "10.0.0.1")),
                OPTIONS);
        assertThat(errors(withCodes.table(), "a.com", "/").interceptUpstream()).isFalse();

        BuildResult alone = RouteTableBuilder.build(state(
                app("disable-proxy-intercept-errors", "true"), svc("ns/app", "10.0.0.1"),
                configMap("custom-http-errors", "404")), withConfigMap());
        assertThat(errors(alone.table(), "a.com", "/").interceptUpstream()).as("the global setting").isTrue();
        assertThat(warnings(alone)).containsExactly("Ingress ns/app: annotation " + PREFIX
                + "/disable-proxy-intercept-errors: \"true\" has no effect without " + PREFIX
                + "/custom-http-errors on the same Ingress (as in ingress-nginx)");
    }

    @Test
    void anInvalidListIsIgnoredWithAWarningAndTheIngressServes() {
        BuildResult result = RouteTableBuilder.build(state(app("custom-http-errors", "404,abc"),
                svc("ns/app", "10.0.0.1"), configMap("custom-http-errors", "500")), withConfigMap());

        assertThat(result.table().route("a.com", "/")).isNotNull();
        assertThat(errors(result.table(), "a.com", "/").codes()).as("the ConfigMap's").containsExactly(500);
        assertThat(warnings(result)).containsExactly("Ingress ns/app: annotation " + PREFIX
                + "/custom-http-errors: \"404,abc\" is invalid (expected: a comma-separated list of 4xx and 5xx"
                + " statuses without spaces, e.g. 404,503); ignored (ingress-nginx would not serve this Ingress at all)");
    }

    @Test
    void listsIngressNginxCannotReadAreIgnored() {
        for (String value : List.of("302", "600", "4040", ",00", "404,", "404, 500")) {
            BuildResult result = RouteTableBuilder.build(state(app("custom-http-errors", value),
                    svc("ns/app", "10.0.0.1")), OPTIONS);
            assertThat(errors(result.table(), "a.com", "/")).as(value).isNull();
            assertThat(warnings(result)).as(value).singleElement().asString().contains("is invalid");
        }
    }

    @Test
    void aDefaultBackendThatIsNoServiceNameOrIsMissingIsIgnoredWithAWarning() {
        BuildResult invalid = RouteTableBuilder.build(state(
                app("custom-http-errors", "404", "default-backend", "Not_A_Name"), svc("ns/app", "10.0.0.1")), OPTIONS);
        assertThat(errors(invalid.table(), "a.com", "/").backend()).isNull();
        assertThat(warnings(invalid)).singleElement().asString().contains("default-backend: \"Not_A_Name\" is invalid",
                "ingress-nginx would not serve this Ingress at all");

        BuildResult missing = RouteTableBuilder.build(state(
                app("custom-http-errors", "404", "default-backend", "nope"), svc("ns/app", "10.0.0.1")), OPTIONS);
        assertThat(errors(missing.table(), "a.com", "/").backend()).isNull();
        assertThat(errors(missing.table(), "a.com", "/").codes()).containsExactly(404);
        assertThat(warnings(missing)).containsExactly("Ingress ns/app: annotation " + PREFIX
                + "/default-backend: \"nope\": Service ns/nope not found or without ports; ignored (listed errors go"
                + " to the built-in default backend)");
    }

    @Test
    void aCanarysOwnValuesAreIgnoredAndItsTrafficHasTheMainsErrorPages() {
        Object canary = ingress("ns/canary").host("a.com").path("/").backend("canary", 80).canary()
                .canary("canary-weight", "50").canary("custom-http-errors", "418").canary("default-backend", "x");
        BuildResult result = RouteTableBuilder.build(state(app("custom-http-errors", "404"), canary,
                svc("ns/app", "10.0.0.1"), svc("ns/canary", "10.0.1.1")), OPTIONS);

        Route r = result.table().route("a.com", "/");
        assertThat(r.canary()).isNotNull();
        assertThat(r.policies().find(CustomErrors.class).codes()).containsExactly(404);
        assertThat(warnings(result)).contains("Ingress ns/canary: annotation " + PREFIX
                + "/custom-http-errors: \"418\" is ignored on a canary Ingress: the main Ingress's settings apply,"
                + " as in ingress-nginx");
    }

    @Test
    void theDefaultBackendServiceAnswersUnmatchedRequestsAndListedErrorsD11() {
        BuildOptions options = withConfigMap().withDefaultBackendService("infra/default-http-backend");
        Object api = ingress("ns/app").host("a.com").path("/api").backend("app", 80);
        BuildResult result = RouteTableBuilder.build(state(api, svc("ns/app", "10.0.0.1"),
                svc("infra/default-http-backend", 8080, "10.0.5.1"), configMap("custom-http-errors", "503")), options);

        RouteTable t = result.table();
        for (String host : List.of("a.com", "unknown.com", "")) {
            Route fallback = t.route(host, "/nothing-here");
            assertThat(fallback).as(host).isNotNull();
            assertThat(fallback.backend().name()).isEqualTo("infra-default-http-backend-8080");
            assertThat(fallback.policies().find(CustomErrors.class).catchAll()).isTrue();
        }
        assertThat(t.route("a.com", "/nothing-here").host()).isEqualTo("a.com");
        assertThat(errors(t, "a.com", "/api").global().name()).as("the global error backend")
                .isEqualTo("infra-default-http-backend-8080");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void aMissingDefaultBackendServiceLeavesTheBuiltInNotFound() {
        BuildResult result = RouteTableBuilder.build(state(app(), svc("ns/app", "10.0.0.1")),
                OPTIONS.withDefaultBackendService("infra/nope"));

        assertThat(result.table().route("unknown.com", "/")).isNull();
        assertThat(warnings(result)).containsExactly("Service infra/nope: not found or without ports"
                + " (--default-backend-service): the built-in default backend answers 404 until it exists");
    }

    @Test
    void anIngressDefaultBackendKeepsItsHostsAndACatchAllTheDefaultServerD13() {
        BuildOptions options = OPTIONS.withDefaultBackendService("infra/default-http-backend");
        Object withRule = ingress("ns/with-rule").defaultBackend("echo", 80).hostWithoutHttp("foo.com");
        BuildResult result = RouteTableBuilder.build(state(withRule, svc("ns/echo", "10.0.0.7"),
                svc("infra/default-http-backend", "10.0.5.1")), options);
        assertThat(result.table().route("foo.com", "/").backend().service()).isEqualTo("echo");
        assertThat(result.table().route("unknown.com", "/").backend().service()).isEqualTo("default-http-backend");

        Object catchAll = ingress("ns/catch-all").defaultBackend("echo", 80);
        BuildResult caught = RouteTableBuilder.build(state(catchAll, svc("ns/echo", "10.0.0.7"),
                svc("infra/default-http-backend", "10.0.5.1")), options);
        assertThat(caught.table().route("unknown.com", "/").backend().service()).isEqualTo("echo");
    }

    @Test
    void endpointChurnReResolvesBothErrorBackendsAndEqualsAFullBuild() {
        BuildOptions options = OPTIONS.withDefaultBackendService("infra/global");
        Object app = app("custom-http-errors", "404", "default-backend", "pages");
        IncrementalBuilder builder = IncrementalBuilder.of(options);
        builder.apply(state(app, svc("ns/app", "10.0.0.1"), svc("ns/pages"), svc("infra/global")));

        ClusterState scaled = state(app, svc("ns/app", "10.0.0.1"), svc("ns/pages", "10.0.3.1"),
                svc("infra/global", "10.0.4.1", "10.0.4.2"));
        BuildResult incremental = builder.apply(scaled);

        assertThat(builder.endpointOnlyBuilds()).isEqualTo(1);
        assertThat(incremental).isEqualTo(RouteTableBuilder.build(scaled, options));
        CustomErrors e = errors(incremental.table(), "a.com", "/");
        assertThat(e.backend().endpoints()).hasSize(1);
        assertThat(e.global().endpoints()).hasSize(2);
        assertThat(incremental.table().route("b.com", "/").backend().endpoints()).as("the fallback").hasSize(2);
    }
}
