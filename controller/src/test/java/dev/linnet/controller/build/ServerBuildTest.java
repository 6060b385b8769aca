package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.PREFIX;
import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static dev.linnet.controller.build.Fixtures.tlsSecret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AppRoot;
import dev.linnet.gateway.policy.Redirect;
import dev.linnet.gateway.policy.WwwRedirect;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.testing.TestCertificates;
import dev.linnet.gateway.testing.TestCertificates.Issued;
import dev.linnet.gateway.testing.TestCertificates.KeyFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * ServerProcessor (annotations-spec.md §2.2): app-root, server-alias and from-to-www twins on the
 * hosts of the Ingresses, with ingress-nginx's precedence (first Ingress wins, real hosts win).
 */
class ServerBuildTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final BuildOptions OPTIONS = BuildOptions.serveAll().withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    private static BuildResult build(Object... objects) {
        return RouteTableBuilder.build(state(objects), OPTIONS);
    }

    private static Fixtures.IngressFixture web(String name, String created, String host, String path) {
        return ingress("shop/" + name).created(created).host(host).path(path).backend("web", 80);
    }

    @Test
    void aliasesServeEveryIngressOfTheHostAndTheFirstIngressWins() {
        BuildResult r = build(svc("shop/web", "10.0.0.1"),
                web("a", "2026-01-01T00:00:00Z", "foo.example", "/app-a"),
                web("b", "2026-01-02T00:00:00Z", "foo.example", "/app-b")
                        .annotation(PREFIX + "/server-alias", "bar.example, *.w.example"),
                web("c", "2026-01-03T00:00:00Z", "foo.example", "/app-c")
                        .annotation(PREFIX + "/server-alias", "baz.example"));
        RouteTable t = r.table();
        assertThat(t.route("bar.example", "/app-a").ingress()).isEqualTo("a");
        assertThat(t.route("x.w.example", "/app-c").ingress()).isEqualTo("c");
        assertThat(t.virtualHost("baz.example").name()).as("later Ingresses' aliases are ignored").isEqualTo("_");
        assertThat(t.exactHosts().get("bar.example")).isSameAs(t.exactHosts().get("foo.example"));
        assertThat(r.warnings()).extracting(ConfigWarning::message)
                .containsExactly("host foo.example: server-alias is already set by Ingress shop/b; ignored here, as in"
                        + " ingress-nginx");
    }

    @Test
    void realHostsWinOverAliasesAndAnAliasGoesToTheFirstHostByName() {
        BuildResult r = build(svc("shop/web", "10.0.0.1"),
                web("a", "2026-01-01T00:00:00Z", "b.example", "/").annotation(PREFIX + "/server-alias",
                        "real.example, shared.example"),
                web("z", "2026-01-02T00:00:00Z", "a.example", "/").annotation(PREFIX + "/server-alias",
                        "shared.example"),
                web("real", "2026-01-03T00:00:00Z", "real.example", "/"));
        assertThat(r.table().route("real.example", "/").ingress()).isEqualTo("real");
        assertThat(r.table().virtualHost("shared.example").name()).isEqualTo("a.example");
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly(
                "host b.example: server-alias real.example is a host of its own; alias dropped",
                "host b.example: server-alias shared.example is already an alias of host a.example; alias dropped");
    }

    @Test
    void theWwwTwinIsMadeOnlyWhereNoSuchHostExists() {
        BuildResult r = build(svc("shop/web", "10.0.0.1"),
                web("a", "2026-01-01T00:00:00Z", "shop.example", "/").annotation(PREFIX + "/from-to-www-redirect",
                        "true"),
                web("b", "2026-01-02T00:00:00Z", "www.blog.example", "/").annotation(PREFIX + "/from-to-www-redirect",
                        "true"),
                web("c", "2026-01-03T00:00:00Z", "docs.example", "/").annotation(PREFIX + "/from-to-www-redirect",
                        "true"),
                web("d", "2026-01-04T00:00:00Z", "www.docs.example", "/"));
        RouteTable t = r.table();
        assertThat(t.virtualHost("www.shop.example").policies().all()).containsExactly(new WwwRedirect("shop.example"));
        assertThat(t.virtualHost("blog.example").policies().all()).containsExactly(new WwwRedirect("www.blog.example"));
        assertThat(t.route("www.docs.example", "/").ingress()).isEqualTo("d");
        assertThat(r.warnings()).extracting(ConfigWarning::message).containsExactly("host docs.example:"
                + " from-to-www-redirect: host www.docs.example is defined by an Ingress; no redirect from"
                + " www.docs.example to docs.example, as in ingress-nginx");
    }

    @Test
    void appRootIsTheHostsAndTheFirstIngressWins() {
        BuildResult r = build(svc("shop/web", "10.0.0.1"),
                web("a", "2026-01-01T00:00:00Z", "shop.example", "/a").annotation(PREFIX + "/app-root", "/first"),
                web("b", "2026-01-02T00:00:00Z", "shop.example", "/b").annotation(PREFIX + "/app-root", "/second"));
        assertThat(r.table().virtualHost("shop.example").policies().all()).containsExactly(new AppRoot("/first"));
        assertThat(r.warnings()).extracting(ConfigWarning::message)
                .containsExactly("host shop.example: app-root is already set by an older Ingress; ignored here");
    }

    @Test
    void aCanarysServerAnnotationsAreInert() {
        BuildResult r = build(svc("shop/web", "10.0.0.1"), svc("shop/canary", "10.0.0.2"),
                web("main", "2026-01-01T00:00:00Z", "shop.example", "/"),
                ingress("shop/can").created("2026-01-02T00:00:00Z").host("shop.example").path("/")
                        .backend("canary", 80).canary().annotation(PREFIX + "/server-alias", "alias.example")
                        .annotation(PREFIX + "/app-root", "/x").annotation(PREFIX + "/permanent-redirect", "/y"));
        assertThat(r.table().virtualHost("alias.example").name()).isEqualTo("_");
        assertThat(r.table().virtualHost("shop.example").policies().isEmpty()).isTrue();
        assertThat(r.table().route("shop.example", "/").policies().find(Redirect.class)).isNull();
        assertThat(r.warnings()).extracting(ConfigWarning::message).anyMatch(m -> m.contains("server-alias")
                && m.contains("ignored on a canary Ingress"));
    }

    @Test
    void aliasesAndTwinsGetTheHostsCertificateOnlyWhenItIsValidForThem() {
        Issued shop = TestCertificates.issue(KeyFormat.PKCS1_RSA, NOW.minus(Duration.ofDays(10)),
                NOW.plus(Duration.ofDays(80)), "shop", "shop.example", "www.shop.example", "alias.example");
        BuildResult r = build(svc("shop/web", "10.0.0.1"), tlsSecret("shop/tls", shop),
                web("a", "2026-01-01T00:00:00Z", "shop.example", "/").tls("tls", "shop.example")
                        .annotation(PREFIX + "/from-to-www-redirect", "true")
                        .annotation(PREFIX + "/server-alias", "alias.example, other.example"));
        var c = r.table().certificates();
        assertThat(c.lookup("www.shop.example").name()).isEqualTo("shop/tls");
        assertThat(c.lookup("alias.example").name()).isEqualTo("shop/tls");
        assertThat(c.hasTls("alias.example")).as("ssl-redirect fires for it").isTrue();
        assertThat(c.lookup("other.example")).isNull();
        assertThat(c.hasTls("other.example")).as("default certificate: no ssl-redirect").isFalse();
    }

    @Test
    void theCatchAllHasNoRedirect() {
        BuildResult r = build(svc("shop/web", "10.0.0.1"), ingress("shop/all").created("2026-01-01T00:00:00Z")
                .defaultBackend("web", 80).annotation(PREFIX + "/permanent-redirect", "https://x"));
        assertThat(r.table().route("any.example", "/").policies().find(Redirect.class)).isNull();
    }

    @Test
    void theSameObjectsInAnyOrderGiveTheSameHostsAndWarnings() {
        Object[] objects = {svc("shop/web", "10.0.0.1"),
                web("a", "2026-01-01T00:00:00Z", "b.example", "/").annotation(PREFIX + "/server-alias",
                        "shared.example, *.w.example").annotation(PREFIX + "/from-to-www-redirect", "true"),
                web("z", "2026-01-02T00:00:00Z", "a.example", "/").annotation(PREFIX + "/server-alias", "shared.example")
                        .annotation(PREFIX + "/app-root", "/z"),
                web("y", "2026-01-03T00:00:00Z", "a.example", "/y").annotation(PREFIX + "/app-root", "/y")};
        BuildResult forward = build(objects);
        java.util.List<Object> reversed = new java.util.ArrayList<>(java.util.Arrays.asList(objects));
        java.util.Collections.reverse(reversed);
        BuildResult backward = build(reversed.toArray());
        assertThat(backward.table()).isEqualTo(forward.table());
        assertThat(backward.warnings()).isEqualTo(forward.warnings());
        assertThat(forward.table().virtualHost("shared.example").name()).isEqualTo("a.example");
    }
}
