package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.config.ConfigMapOptions;
import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.Ewma;
import dev.linnet.gateway.policy.ExternalAuth;
import dev.linnet.gateway.policy.BasicAuth;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.SslRedirect;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.SourceRanges;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The controller ConfigMap's annotation defaults and global policies through the builder: which
 * routes get the global auth, the defaults, and the per-path exemptions (auth-limits-spec.md §3.6,
 * annotations-spec.md §10).
 */
class ConfigMapDefaultsBuildTest {

    private static final String P = Fixtures.PREFIX + "/";

    private static BuildResult build(Map<String, String> data, Object... objects) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress").withName("linnet").endMetadata()
                .withData(data).build();
        List<Object> all = new ArrayList<>(List.of(objects));
        all.add(cm);
        all.add(svc("ns/app", "10.0.0.1"));
        return RouteTableBuilder.build(state(all.toArray()), BuildOptions.serveAll().withConfigMap(
                new ConfigMapOptions("ingress/linnet", GatewayConfig.defaults(), Set.of())));
    }

    private static List<String> messages(BuildResult r) {
        return r.warnings().stream().map(w -> w.namespace() + "/" + w.name() + ": " + w.message()).toList();
    }

    @Test
    void g1_g3_globalAuthGoesToEveryRouteWithoutItsOwnUnlessTheIngressOptsOut() {
        BuildResult r = build(Map.of("global-auth-url", "http://auth.example.com/check"),
                ingress("ns/foo").host("h").path("/foo").backend("app", 80),
                ingress("ns/own").host("h").path("/own").backend("app", 80)
                        .annotation(P + "auth-url", "http://own.example.com/"),
                ingress("ns/out").host("h").path("/out").backend("app", 80)
                        .annotation(P + "enable-global-auth", "false"),
                ingress("ns/typo").host("h").path("/typo").backend("app", 80)
                        .annotation(P + "enable-global-auth", "no"),
                ingress("ns/catch-all").defaultBackend("app", 80));
        RouteTable t = r.table();
        ExternalAuth global = t.route("h", "/foo").policies().find(ExternalAuth.class);
        assertThat(global.url()).isEqualTo(AuthTemplate.compile("http://auth.example.com/check"));
        assertThat(t.route("h", "/own").policies().find(ExternalAuth.class).url())
                .as("its own auth-url wins").isEqualTo(AuthTemplate.compile("http://own.example.com/"));
        assertThat(t.route("h", "/out").policies().find(ExternalAuth.class)).isNull();
        assertThat(t.route("h", "/typo").policies().find(ExternalAuth.class)).as("invalid: true").isSameAs(global);
        assertThat(t.defaultServer().fallback().policies().find(ExternalAuth.class))
                .as("a catch-all Ingress's location takes its annotations, enable-global-auth included")
                .isSameAs(global);
        assertThat(messages(r)).contains("ns/typo: annotation nginx.ingress.kubernetes.io/enable-global-auth: \"no\""
                + " is invalid (expected: true or false); using true");
    }

    @Test
    void g2_n1_noAuthLocationsExemptIngressPathsFromEveryAuthentication() {
        BuildResult r = build(Map.of("global-auth-url", "http://auth.example.com/", "no-auth-locations", "/bar,/noauth"),
                new SecretBuilder().withNewMetadata().withNamespace("ns").withName("basic").endMetadata()
                        .addToStringData("auth", "foo:{SHA}Ys23Ag/5IOWqZCw9QGaVDdHwH00=").build(),
                ingress("ns/foo").host("h").path("/foo").backend("app", 80).path("/bar").backend("app", 80),
                ingress("ns/basic").host("b").path("/").backend("app", 80).path("/noauth/x").backend("app", 80)
                        .annotation(P + "auth-type", "basic").annotation(P + "auth-secret", "basic")
                        .annotation(P + "enable-global-auth", "false"));
        RouteTable t = r.table();
        assertThat(t.route("h", "/foo").policies().find(ExternalAuth.class)).isNotNull();
        assertThat(t.route("h", "/bar").policies().find(ExternalAuth.class)).isNull();
        assertThat(t.route("b", "/").policies().find(BasicAuth.class)).as("N1").isNotNull();
        assertThat(t.route("b", "/noauth/x").policies().find(BasicAuth.class)).as("N3").isNull();
        assertThat(t.route("b", "/noauth/x").policies().find(SslRedirect.class)).as("only auth is exempt").isNotNull();
        assertThat(t.route("b", "/noauth").policies().find(BasicAuth.class))
                .as("the Ingress path counts, not the request: / serves /noauth").isNotNull();
    }

    @Test
    void anUnusableGlobalAuthUrlDeniesTheRoutesUnderGlobalAuthOnly() {
        BuildResult r = build(Map.of("global-auth-url", "https://invalid..auth.url", "no-auth-locations", "/open"),
                ingress("ns/foo").host("h").path("/foo").backend("app", 80).path("/open").backend("app", 80),
                ingress("ns/out").host("h").path("/out").backend("app", 80)
                        .annotation(P + "enable-global-auth", "false"));
        RouteTable t = r.table();
        assertThat(t.route("h", "/foo").policies().find(Deny.class).reason()).contains("invalid url host");
        assertThat(t.route("h", "/open").policies().find(Deny.class)).isNull();
        assertThat(t.route("h", "/out").policies().find(Deny.class)).isNull();
    }

    @Test
    void s7_noTlsRedirectLocationsArePrefixesOfTheIngressPath() {
        Object[] ingresses = {
                ingress("ns/app").host("h").path("/").backend("app", 80).path("/check-no-tls").backend("app", 80)
                        .path("/.well-known/acme-challenge/token", "Exact").backend("app", 80)};
        RouteTable builtIn = build(Map.of(), ingresses).table();
        assertThat(builtIn.route("h", "/").policies().find(SslRedirect.class)).isEqualTo(SslRedirect.DEFAULT);
        assertThat(builtIn.route("h", "/.well-known/acme-challenge/token").policies().find(SslRedirect.class))
                .as("cert-manager's solver path, by default").isNull();
        assertThat(builtIn.route("h", "/.well-known/acme-challenge/other").policies().find(SslRedirect.class))
                .as("served by /: ingress-nginx compares the location's path").isNotNull();
        assertThat(builtIn.route("h", "/check-no-tls").policies().find(SslRedirect.class)).isNotNull();

        RouteTable configured = build(Map.of("no-tls-redirect-locations", "/check-no-tls"), ingresses).table();
        assertThat(configured.route("h", "/check-no-tls").policies().find(SslRedirect.class)).isNull();
        assertThat(configured.route("h", "/.well-known/acme-challenge/token").policies().find(SslRedirect.class))
                .as("the list replaces the default").isNotNull();
    }

    @Test
    void sslRedirectDefaultsComeFromTheConfigMapAndAnnotationsStillWin() {
        RouteTable t = build(Map.of("ssl-redirect", "false", "force-ssl-redirect", "true"),
                ingress("ns/plain").host("h").path("/").backend("app", 80),
                ingress("ns/own").host("h").path("/own").backend("app", 80)
                        .annotation(P + "force-ssl-redirect", "false")).table();
        assertThat(t.route("h", "/").policies().find(SslRedirect.class)).isEqualTo(new SslRedirect(false, true, false));
        assertThat(t.route("h", "/own").policies().find(SslRedirect.class)).as("neither redirect: no policy").isNull();
    }

    @Test
    void s6_whitelistSourceRangeIsTheAllowlistOfIngressesWithoutTheirOwn() {
        BuildResult r = build(Map.of("whitelist-source-range", "1.1.1.1"),
                ingress("ns/plain").host("h").path("/").backend("app", 80),
                ingress("ns/own").host("h").path("/own").backend("app", 80)
                        .annotation(P + "allowlist-source-range", "10.0.0.0/8"),
                ingress("ns/catch-all").defaultBackend("app", 80));
        RouteTable t = r.table();
        assertThat(t.route("h", "/").policies().find(AccessList.class))
                .isEqualTo(new AccessList(SourceRanges.of(List.of("1.1.1.1"))));
        assertThat(t.route("h", "/own").policies().find(AccessList.class))
                .isEqualTo(new AccessList(SourceRanges.of(List.of("10.0.0.0/8"))));
        assertThat(t.defaultServer().fallback().policies().find(AccessList.class)).isNotNull();
    }

    @Test
    void loadBalanceEwmaFromTheConfigMapIsTheDefaultBalancer() {
        RouteTable t = build(Map.of("load-balance", "ewma"),
                ingress("ns/plain").host("h").path("/").backend("app", 80),
                ingress("ns/rr").host("h").path("/rr").backend("app", 80).annotation(P + "load-balance", "round_robin"),
                ingress("ns/hash").host("h").path("/hash").backend("app", 80)
                        .annotation(P + "upstream-hash-by", "$request_uri")).table();
        assertThat(t.route("h", "/").policies().endpoint()).isEqualTo(Ewma.of());
        assertThat(t.route("h", "/rr").policies().endpoint()).isNull();
        assertThat(t.route("h", "/hash").policies().endpoint()).isNotInstanceOf(Ewma.class).isNotNull();
        assertThat(build(Map.of(), ingress("ns/plain").host("h").path("/").backend("app", 80)).table()
                .route("h", "/").policies()).isEqualTo(Policies.of(SslRedirect.DEFAULT));
    }
}
