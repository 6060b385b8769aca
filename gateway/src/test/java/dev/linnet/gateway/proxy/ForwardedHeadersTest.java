package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.ExternalAuth.SetHeader;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.SslRedirect;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.SourceRanges;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.tls.CertificateTable;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The headers a real upstream receives in each mode of annotations-spec.md §4.3, the catalogue's
 * A1–A5, A12, A13, X8, X14, and access lists on the computed address (§4.5, D9/D10 style).
 */
class ForwardedHeadersTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private static final String[] A1_HEADERS = {"X-Forwarded-Port", "1234", "X-Forwarded-Proto", "myproto",
        "X-Forwarded-Scheme", "myproto", "X-Forwarded-For", "1.2.3.4", "X-Forwarded-Host", "myhost"};

    private TestBackend start(UnaryOperator<ClientTrust.Builder> trust) {
        gw.configure(c -> c.toBuilder().clientTrust(trust.apply(ClientTrust.DEFAULT.toBuilder()).build()).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        return up;
    }

    @Test
    void a1_useForwardedHeaders_trustsAllFive() {
        TestBackend up = start(t -> t.useForwardedHeaders(true));
        gw.get("h", "/", A1_HEADERS);
        TestBackend.Seen seen = up.last();
        assertThat(seen.header("Host")).isEqualTo("myhost");
        assertThat(seen.headers().get("X-Forwarded-Port")).containsExactly("1234");
        assertThat(seen.headers().get("X-Forwarded-Proto")).containsExactly("myproto");
        assertThat(seen.headers().get("X-Forwarded-Scheme")).containsExactly("myproto");
        assertThat(seen.headers().get("X-Scheme")).containsExactly("myproto");
        assertThat(seen.headers().get("X-Forwarded-For")).containsExactly("1.2.3.4");
        assertThat(seen.headers().get("X-Forwarded-Host")).containsExactly("myhost");
        assertThat(seen.header("X-Real-IP")).isEqualTo("1.2.3.4");
        assertThat(seen.header("X-Original-Forwarded-For")).isEqualTo("1.2.3.4");
        assertThat(seen.header("X-Original-Forwarded-Host")).isEqualTo("myhost");
    }

    @Test
    void a2_useForwardedHeaders_firstForwardedHostEntry() {
        TestBackend up = start(t -> t.useForwardedHeaders(true));
        gw.get("h", "/", "X-Forwarded-Host", "myhost.com, another.host,example.net");
        assertThat(up.last().header("Host")).isEqualTo("myhost.com");
        assertThat(up.last().header("X-Forwarded-Host")).isEqualTo("myhost.com");
        assertThat(up.last().header("X-Original-Forwarded-Host")).isEqualTo("myhost.com, another.host,example.net");
    }

    @Test
    void a3a5_defaults_trustNothingAndKeepTheOriginals() {
        TestBackend up = start(t -> t);
        gw.get("h:8080", "/", A1_HEADERS);
        TestBackend.Seen seen = up.last();
        assertThat(seen.header("Host")).isEqualTo("h:8080");
        assertThat(seen.headers().get("X-Forwarded-Host")).containsExactly("h:8080");
        assertThat(seen.headers().get("X-Forwarded-Port")).containsExactly("80");
        assertThat(seen.headers().get("X-Forwarded-Proto")).containsExactly("http");
        assertThat(seen.headers().get("X-Forwarded-Scheme")).containsExactly("http");
        assertThat(seen.headers().get("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(seen.header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(seen.header("X-Original-Forwarded-For")).isEqualTo("1.2.3.4");
        assertThat(seen.header("X-Original-Forwarded-Host")).isEqualTo("myhost");
        assertThat(seen.header("X-Request-ID")).matches("[0-9a-f]{32}");
    }

    @Test
    void a4_enableRealIp_addressOnly() {
        TestBackend up = start(t -> t.enableRealIp(true));
        gw.get("h", "/", A1_HEADERS);
        TestBackend.Seen seen = up.last();
        assertThat(seen.headers().get("X-Forwarded-For")).containsExactly("1.2.3.4");
        assertThat(seen.header("X-Real-IP")).isEqualTo("1.2.3.4");
        assertThat(seen.header("Host")).isEqualTo("h");
        assertThat(seen.headers().get("X-Forwarded-Proto")).containsExactly("http");
        assertThat(seen.headers().get("X-Forwarded-Port")).containsExactly("80");
    }

    @Test
    void x14_defaultCidrLetsTheClientPickItsAddress() {
        TestBackend up = start(t -> t.useForwardedHeaders(true));
        gw.get("h", "/", "X-Forwarded-For", "1.1.1.1, 2.2.2.2");
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("1.1.1.1");
        assertThat(up.last().header("X-Real-IP")).isEqualTo("1.1.1.1");
    }

    @Test
    void aNarrowTrustedCidrIgnoresWhatAnUntrustedPeerSays() {
        TestBackend up = start(t -> t.useForwardedHeaders(true).trustedPeers(SourceRanges.of(List.of("10.0.0.0/8"))));
        gw.get("h", "/", "X-Forwarded-For", "1.1.1.1");
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("127.0.0.1");
    }

    @Test
    void computeFullForwardedForAppendsThePeer() {
        TestBackend up = start(t -> t.useForwardedHeaders(true).computeFullForwardedFor(true));
        gw.get("h", "/", "X-Forwarded-For", "1.1.1.1, 2.2.2.2");
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("1.1.1.1, 2.2.2.2, 127.0.0.1");
        assertThat(up.last().header("X-Real-IP")).isEqualTo("1.1.1.1");
        assertThat(up.last().header("X-Original-Forwarded-For")).isEqualTo("1.1.1.1, 2.2.2.2");
        gw.get("h", "/");
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("127.0.0.1");
    }

    @Test
    void computeFullForwardedForNeedsUseForwardedHeaders() {
        TestBackend up = start(t -> t.enableRealIp(true).computeFullForwardedFor(true));
        gw.get("h", "/", "X-Forwarded-For", "1.1.1.1, 2.2.2.2");
        assertThat(up.last().headers().get("X-Forwarded-For")).containsExactly("1.1.1.1");
    }

    @Test
    void x8_proxySetHeadersAreAppendedWithVariablesAndWithoutEmptyValues() {
        TestBackend up = start(t -> t.proxySetHeaders(List.of(
                new SetHeader("X-Forwarded-Proto", AuthTemplate.compile("https")),
                new SetHeader("X-Client", AuthTemplate.compile("$remote_addr via $best_http_host$uri?$args")),
                new SetHeader("X-Empty", AuthTemplate.compile("$http_x_missing")))));
        gw.get("h", "/p?q=1");
        assertThat(up.last().headers().get("X-Forwarded-Proto")).containsExactly("http", "https");
        assertThat(up.last().header("X-Client")).isEqualTo("127.0.0.1 via h/p?q=1");
        assertThat(up.last().headers().containsKey("X-Empty")).isFalse();
    }

    @Test
    void requestIds_generatedOnlyWhenAskedAndAnEmptyOneIsReplaced() {
        TestBackend up = start(t -> t.generateRequestId(false));
        gw.get("h", "/");
        assertThat(up.last().header("X-Request-ID")).isNull();
        gw.get("h", "/", "X-Request-ID", "abc");
        assertThat(up.last().headers().get("X-Request-ID")).containsExactly("abc");
    }

    @Test
    void originalUriOnlyWhenAsked() {
        TestBackend up = start(t -> t.originalUriHeader(true));
        gw.get("h", "/a%20b?x=1", "X-Original-URI", "/lie");
        assertThat(up.last().headers().get("X-Original-URI")).containsExactly("/a%20b?x=1");
    }

    // ---- ssl-redirect on $pass_access_scheme and $best_http_host (A12, A13) ----

    private TestBackend startTls(UnaryOperator<ClientTrust.Builder> trust) {
        gw.configure(c -> c.toBuilder().httpsPort(0).clientTrust(trust.apply(ClientTrust.DEFAULT.toBuilder()).build())
                .build());
        TestBackend up = gw.backend("up");
        RouteTable t = table(new Route("default", "main", "settings-tls", PathMatch.prefix("/"),
                backend("up", up), null, RouteOptions.DEFAULTS, Policies.of(SslRedirect.DEFAULT)));
        gw.publish(new RouteTable(t.version(), t.exactHosts(), t.wildcardHosts(), t.defaultServer(), t.sources(),
                new CertificateTable(Map.of(), Map.of(), Set.of("settings-tls"), null)));
        return up;
    }

    @Test
    void a12_sslRedirect_noPortInTheLocation() {
        startTls(t -> t);
        HttpResponse<String> r = gw.get("settings-tls:8080", "/");
        assertThat(r.statusCode()).isEqualTo(308);
        assertThat(r.headers().firstValue("Location")).hasValue("https://settings-tls");
    }

    @Test
    void a13_sslRedirect_forwardedHostWithoutItsPort() {
        TestBackend up = startTls(t -> t.useForwardedHeaders(true));
        HttpResponse<String> r = gw.get("settings-tls", "/", "X-Forwarded-Host", "example.com:80");
        assertThat(r.statusCode()).isEqualTo(308);
        assertThat(r.headers().firstValue("Location")).hasValue("https://example.com");
        assertThat(gw.get("settings-tls", "/", "X-Forwarded-Proto", "https").statusCode())
                .as("TLS ended in front: no redirect loop").isEqualTo(200);
        assertThat(gw.get("settings-tls", "/", "X-Forwarded-Proto", "myproto").statusCode())
                .as("only http is redirected").isEqualTo(200);
        assertThat(up.seen()).hasSize(2);
    }

    @Test
    void sslRedirect_forwardedProtoIgnoredByDefault() {
        startTls(t -> t);
        assertThat(gw.get("settings-tls", "/", "X-Forwarded-Proto", "https").statusCode()).isEqualTo(308);
    }

    // ---- access lists on $remote_addr (§4.5) ----

    private TestBackend startAllowlist(UnaryOperator<ClientTrust.Builder> trust) {
        gw.configure(c -> c.toBuilder().clientTrust(trust.apply(ClientTrust.DEFAULT.toBuilder()).build()).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(withPolicies(route("h", "/", backend("up", up)),
                new AccessList(SourceRanges.of(List.of("1.2.3.0/24"))))));
        return up;
    }

    @Test
    void d9_allowlistUsesTheForwardedAddress() {
        startAllowlist(t -> t.useForwardedHeaders(true));
        assertThat(gw.get("h", "/", "X-Forwarded-For", "1.2.3.4").statusCode()).isEqualTo(200);
        assertThat(gw.get("h", "/", "X-Forwarded-For", "5.6.7.8").statusCode()).isEqualTo(403);
        assertThat(gw.get("h", "/").statusCode()).isEqualTo(403);
    }

    @Test
    void d10_allowlistIgnoresForwardedAddressesByDefault() {
        startAllowlist(t -> t);
        assertThat(gw.get("h", "/", "X-Forwarded-For", "1.2.3.4").statusCode()).isEqualTo(403);
    }

    /**
     * A trusted front proxy that writes an IPv4 client as {@code ::ffff:a.b.c.d} (a dual-stack
     * socket's view, e.g. Node's): nginx's access module checks such an address against the IPv4
     * lines whenever the location has any (ngx_http_access_handler), so the deny list holds.
     */
    @Test
    void anIpv4MappedAddressIsCheckedAgainstTheIpv4LinesAsNginxDoes() {
        gw.configure(c -> c.toBuilder().clientTrust(ClientTrust.DEFAULT.toBuilder().useForwardedHeaders(true)
                .trustedPeers(SourceRanges.of(List.of("127.0.0.0/8"))).build()).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(withPolicies(route("deny", "/", backend("up", up)),
                AccessList.denying(SourceRanges.of(List.of("203.0.113.0/24"))))));
        assertThat(gw.get("deny", "/", "X-Forwarded-For", "203.0.113.5").statusCode()).isEqualTo(403);
        assertThat(gw.get("deny", "/", "X-Forwarded-For", "::ffff:203.0.113.5").statusCode()).isEqualTo(403);
        assertThat(gw.get("deny", "/", "X-Forwarded-For", "::ffff:198.51.100.5").statusCode()).isEqualTo(200);
        gw.publish(table(withPolicies(route("allow", "/", backend("up", up)),
                new AccessList(SourceRanges.of(List.of("203.0.113.0/24"))))));
        assertThat(gw.get("allow", "/", "X-Forwarded-For", "::ffff:203.0.113.5").statusCode()).isEqualTo(200);
        gw.publish(table(withPolicies(route("v6", "/", backend("up", up)),
                new AccessList(SourceRanges.of(List.of("::ffff:203.0.113.0/120"))))));
        assertThat(gw.get("v6", "/", "X-Forwarded-For", "::ffff:203.0.113.5").statusCode())
                .as("the allowlist's deny all is an IPv4 line too: only IPv4 lines are asked").isEqualTo(403);
        gw.publish(table(withPolicies(route("rules", "/", backend("up", up)), new dev.linnet.gateway.policy.AccessRules(
                List.of(new dev.linnet.gateway.policy.AccessRules.Rule(false,
                        SourceRanges.of(List.of("::ffff:203.0.113.0/120"))))))));
        assertThat(gw.get("rules", "/", "X-Forwarded-For", "::ffff:203.0.113.5").statusCode())
                .as("no IPv4 line: the IPv6 lines are asked").isEqualTo(403);
    }

    /**
     * block-cidrs is nginx's {@code deny} in the http block: the access module checks an
     * IPv4-mapped client against its IPv4 lines (ngx_http_access_handler), so a trusted proxy that
     * writes {@code ::ffff:a.b.c.d} does not get a blocked client through.
     */
    @Test
    void blockCidrsHoldForAnIpv4MappedClient() {
        gw.configure(c -> c.toBuilder().clientTrust(ClientTrust.DEFAULT.toBuilder().useForwardedHeaders(true)
                .trustedPeers(SourceRanges.of(List.of("127.0.0.0/8"))).build())
                .blocks(new RequestBlocks(SourceRanges.of(List.of("203.0.113.0/24")), List.of(), List.of())).build());
        TestBackend up = gw.backend("up");
        gw.publish(table(route("h", "/", backend("up", up))));
        assertThat(gw.get("h", "/", "X-Forwarded-For", "203.0.113.5").statusCode()).isEqualTo(403);
        assertThat(gw.get("h", "/", "X-Forwarded-For", "::ffff:203.0.113.5").statusCode()).isEqualTo(403);
        assertThat(gw.get("h", "/", "X-Forwarded-For", "::ffff:198.51.100.5").statusCode()).isEqualTo(200);
    }

    @Test
    void allowlistIgnoresAnUntrustedPeersClaim() {
        startAllowlist(t -> t.useForwardedHeaders(true).trustedPeers(SourceRanges.of(List.of("10.0.0.0/8"))));
        assertThat(gw.get("h", "/", "X-Forwarded-For", "1.2.3.4").statusCode()).isEqualTo(403);
    }
}
