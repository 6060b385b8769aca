package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.refusingEndpoint;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cookie session affinity through the real gateway and real pods on loopback, ported from the
 * catalogue of affinity-spec.md §6 (each test is named after its row). Pods answer their name.
 */
class AffinityTest {

    private static final String HOST = "sticky.foo.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private static Affinity balanced(StickyCookie cookie) {
        return new Affinity(false, false, cookie);
    }

    private static Affinity persistent(StickyCookie cookie) {
        return new Affinity(true, false, cookie);
    }

    private List<TestBackend> pods(String prefix, int n) {
        List<TestBackend> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pods.add(gw.backend(prefix + i));
        }
        return pods;
    }

    private static Backend service(String name, List<TestBackend> pods) {
        return backend(name, pods.stream().map(TestBackend::endpoint).toList());
    }

    private void publish(Route... routes) {
        gw.publish(table(routes));
    }

    private HttpResponse<String> hit(String path, String... headers) {
        HttpResponse<String> r = gw.get(HOST, path, headers);
        assertThat(r.headers().allValues("set-cookie")).as("one Set-Cookie at most").hasSizeLessThanOrEqualTo(1);
        return r;
    }

    private static String setCookie(HttpResponse<String> r) {
        return r.headers().firstValue("set-cookie").orElse(null);
    }

    /** {@code name=value} of a Set-Cookie, as a client sends it back. */
    private static String pair(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String value(String setCookie) {
        return pair(setCookie).substring(pair(setCookie).indexOf('=') + 1);
    }

    // ---- §6.1 affinity.go ----

    @Test
    void a1_stickyCookieIsSetAndPinsThePod() {
        Backend svc = service("echo", pods("pod", 2));
        publish(withPolicies(route(HOST, "/", svc), balanced(StickyCookie.named("SERVERID"))));
        HttpResponse<String> first = hit("/");
        assertThat(first.statusCode()).isEqualTo(200);
        String cookie = setCookie(first);
        assertThat(cookie).startsWith("SERVERID=").endsWith("; Path=/; HttpOnly");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> again = hit("/", "Cookie", pair(cookie));
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(setCookie(again)).as("a standing pin sets nothing").isNull();
        }
    }

    @Test
    void a2_cookieNameFollowsTheRouteTable() {
        Backend svc = service("echo", pods("pod", 1));
        publish(withPolicies(route(HOST, "/", svc), balanced(StickyCookie.named("SERVERID"))));
        assertThat(setCookie(hit("/"))).startsWith("SERVERID=");
        publish(withPolicies(route(HOST, "/", svc), balanced(StickyCookie.named("OTHERCOOKIENAME"))));
        assertThat(setCookie(hit("/"))).startsWith("OTHERCOOKIENAME=");
    }

    @Test
    void a3_a4_a55_eachRouteSetsItsOwnPath() {
        Backend svc = service("echo", pods("pod", 1));
        Affinity affinity = balanced(StickyCookie.named("SERVERID"));
        publish(withPolicies(route(HOST, "/something", svc), affinity),
                withPolicies(route(HOST, "/somewhereelse", svc), affinity),
                withPolicies(route(HOST, "/foo", svc), affinity));
        assertThat(setCookie(hit("/something"))).contains("; Path=/something;");
        assertThat(setCookie(hit("/somewhereelse/x"))).contains("; Path=/somewhereelse;");
        assertThat(setCookie(hit("/foo/x"))).as("A55: the Ingress path, not the request's").contains("; Path=/foo;");
    }

    @Test
    void a5_expiresAndMaxAge() {
        Backend svc = service("echo", pods("pod", 1));
        publish(withPolicies(route(HOST, "/", svc), balanced(
                new StickyCookie("ExpiresCookie", null, null, 172800L, 259200L, false, null, false))));
        long before = System.currentTimeMillis() / 1000 + 172800;
        String cookie = setCookie(hit("/"));
        long after = System.currentTimeMillis() / 1000 + 172800;
        StringBuilder early = new StringBuilder();
        StringBuilder late = new StringBuilder();
        StickyCookie.cookieTime(early, before);
        StickyCookie.cookieTime(late, after);
        assertThat(cookie).containsAnyOf("; Expires=" + early.substring(0, 22), "; Expires=" + late.substring(0, 22))
                .contains("; Max-Age=259200; Path=/; HttpOnly");
        assertThat(cookie).matches("ExpiresCookie=[^;]+; Expires=[A-Z][a-z]{2}, \\d\\d-[A-Z][a-z]{2}-\\d\\d \\d\\d:\\d\\d:\\d\\d GMT; .*");
    }

    @Test
    void a6_a7_domainOnlyWhenSet() {
        Backend svc = service("echo", pods("pod", 1));
        publish(withPolicies(route(HOST, "/d", svc), balanced(
                        new StickyCookie("SERVERID", null, "foo.bar", null, null, false, null, false))),
                withPolicies(route(HOST, "/n", svc), balanced(StickyCookie.named("SERVERID"))));
        assertThat(setCookie(hit("/d"))).contains("; Domain=foo.bar; Path=/d;");
        assertThat(setCookie(hit("/n"))).doesNotContain("; Domain");
    }

    @Test
    void a8_a55_regexPathGivesAUsableCookiePath() {
        Backend svc = service("echo", pods("pod", 1));
        Route regex = new Route("default", "main", HOST, PathMatch.regex("/foo/.*"), svc, null);
        Route bar = new Route("default", "main", HOST, PathMatch.regex("/bar/.*"), svc, null);
        publish(withPolicies(regex, balanced(StickyCookie.named("SERVERID"))),
                withPolicies(bar, balanced(new StickyCookie("SERVERID", "/bar/baz", null, null, null, false, null, false))));
        assertThat(setCookie(hit("/foo/x"))).as("not Path=/foo/.* (#3362)").contains("; Path=/foo;");
        assertThat(setCookie(hit("/bar/baz"))).as("A8: session-cookie-path wins").contains("; Path=/bar/baz;");
    }

    @Test
    void a11_a31_hostlessAndWildcardRulesAreStickyToo() {
        Backend svc = service("echo", pods("pod", 1));
        publish(withPolicies(route("_", "/", svc), balanced(StickyCookie.named("SERVERID"))),
                withPolicies(route("*.test.com", "/", svc), balanced(StickyCookie.named("WILD"))));
        assertThat(gw.get("unknown.example.org", "/").headers().firstValue("set-cookie")).hasValueSatisfying(
                c -> assertThat(c).startsWith("SERVERID="));
        assertThat(gw.get("dev.test.com", "/").headers().firstValue("set-cookie")).hasValueSatisfying(
                c -> assertThat(c).startsWith("WILD="));
    }

    @Test
    void a13_a14_a60_secureOnlyWhenAskedOrOnHttps() {
        Backend svc = service("echo", pods("pod", 1));
        publish(withPolicies(route(HOST, "/s", svc), balanced(
                        new StickyCookie("SERVERID", null, null, null, null, true, null, false))),
                withPolicies(route(HOST, "/p", svc), balanced(StickyCookie.named("SERVERID"))));
        assertThat(setCookie(hit("/s"))).contains("; Secure; HttpOnly");
        assertThat(setCookie(hit("/p"))).doesNotContain("Secure");
        assertThat(setCookie(hit("/p", "X-Forwarded-Proto", "https"))).as("A60: a forwarded https is not ours")
                .doesNotContain("Secure");
    }

    // ---- §6.2 affinitymode.go ----

    @Test
    void a17_persistentKeepsThePodThroughScaleUpAndRepicksAfterScaleToZero() {
        List<TestBackend> pods = pods("pod", 5);
        Affinity affinity = persistent(new StickyCookie("hello-cookie", null, null, 172800L, 172800L, false, null, false));
        publish(withPolicies(route(HOST, "/", service("echo", pods)), affinity));
        HttpResponse<String> first = hit("/");
        String pinned = first.body();
        String cookie = pair(setCookie(first));
        for (int i = 0; i < 10; i++) {
            pods.add(gw.backend("new" + i));
            publish(withPolicies(route(HOST, "/", service("echo", pods)), affinity));
            HttpResponse<String> r = hit("/", "Cookie", cookie);
            assertThat(r.body()).isEqualTo(pinned);
            assertThat(setCookie(r)).isNull();
        }
        publish(withPolicies(route(HOST, "/", backend("echo", List.of())), affinity));
        assertThat(hit("/", "Cookie", cookie).statusCode()).isEqualTo(503);
        publish(withPolicies(route(HOST, "/", service("echo", pods("again", 2))), affinity));
        HttpResponse<String> moved = hit("/", "Cookie", cookie);
        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(moved.body()).isNotEqualTo(pinned).startsWith("again");
        assertThat(setCookie(moved)).startsWith("hello-cookie=");
    }

    // ---- §6.3 canary.go (canary-spec E22–E24) ----

    private static CanaryRule canaryRule(Backend canary, String header, int weight, boolean legacy) {
        return new CanaryRule("default", "canary", canary, header, null, null, null, weight, 100, legacy);
    }

    /** Main pod {@code main0}, canary pod {@code canary0} forced by header {@code ForceCanary}; returns the canary. */
    private Backend publishCanary(int weight, boolean legacy, Affinity affinity) {
        Backend main = service("main", pods("main", 1));
        Backend canary = service("canary", pods("canary", 1));
        publish(withPolicies(route(HOST, "/", main).withCanary(canaryRule(canary, "ForceCanary", weight, legacy)),
                affinity));
        return canary;
    }

    @Test
    void a18_a19_stickyCanaryPinsTheForcedClient() {
        Backend canary = publishCanary(1, false, balanced(StickyCookie.named("aff")));
        HttpResponse<String> forced = hit("/", "ForceCanary", "always");
        assertThat(forced.body()).isEqualTo("canary0");
        String cookie = setCookie(forced);
        assertThat(cookie).startsWith("aff=").contains("|" + StickyIndex.backendKey(canary.name()) + ";");
        for (int i = 0; i < 50; i++) {
            assertThat(hit("/", "Cookie", pair(cookie)).body()).isEqualTo("canary0");
        }
    }

    @Test
    void a20_legacyCanarySetsNoCookieAndFollowsTheWeight() {
        publishCanary(50, true, balanced(StickyCookie.named("aff")));
        HttpResponse<String> forced = hit("/", "ForceCanary", "always");
        assertThat(forced.body()).isEqualTo("canary0");
        assertThat(setCookie(forced)).isNull();
        Map<String, Integer> sides = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            sides.merge(hit("/").body(), 1, Integer::sum);
        }
        // each side expects 100; below 50 has probability < 1e-12
        assertThat(sides.getOrDefault("main0", 0)).isGreaterThanOrEqualTo(50);
        assertThat(sides.getOrDefault("canary0", 0)).isGreaterThanOrEqualTo(50);
    }

    // ---- §6.8 derived from code ----

    @Test
    void a52_persistentPinnedPodGoneGivesANewPodAndCookieForTheSameBackend() {
        List<TestBackend> pods = pods("pod", 3);
        Affinity affinity = persistent(StickyCookie.named("aff"));
        publish(withPolicies(route(HOST, "/", service("echo", pods)), affinity));
        HttpResponse<String> first = hit("/");
        String cookie = pair(setCookie(first));
        pods.removeIf(p -> p.name().equals(first.body()));
        publish(withPolicies(route(HOST, "/", service("echo", pods)), affinity));
        HttpResponse<String> moved = hit("/", "Cookie", cookie);
        assertThat(moved.body()).isNotEqualTo(first.body());
        String renewed = setCookie(moved);
        assertThat(renewed).isNotNull();
        assertThat(Affinity.backendKey(value(renewed))).isEqualTo(Affinity.backendKey(cookie.substring(4)));
        assertThat(hit("/", "Cookie", pair(renewed)).body()).isEqualTo(moved.body());
    }

    @Test
    void a53_balancedPinnedPodGoneRehashesWithoutCookieAndComesBack() {
        List<TestBackend> pods = pods("pod", 3);
        Affinity affinity = balanced(StickyCookie.named("aff"));
        publish(withPolicies(route(HOST, "/", service("echo", pods)), affinity));
        HttpResponse<String> first = hit("/");
        String cookie = pair(setCookie(first));
        List<TestBackend> fewer = new ArrayList<>(pods);
        fewer.removeIf(p -> p.name().equals(first.body()));
        publish(withPolicies(route(HOST, "/", service("echo", fewer)), affinity));
        HttpResponse<String> moved = hit("/", "Cookie", cookie);
        assertThat(moved.body()).isNotEqualTo(first.body());
        assertThat(setCookie(moved)).isNull();
        publish(withPolicies(route(HOST, "/", service("echo", pods)), affinity));
        assertThat(hit("/", "Cookie", cookie).body()).isEqualTo(first.body());
    }

    @Test
    void a54_balancedGarbageIsHonouredNeverReset() {
        Affinity affinity = balanced(StickyCookie.named("INGRESSCOOKIE"));
        publish(withPolicies(route(HOST, "/", service("echo", pods("pod", 3))), affinity));
        HttpResponse<String> first = hit("/", "Cookie", "INGRESSCOOKIE=garbage");
        assertThat(first.statusCode()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = hit("/", "Cookie", "INGRESSCOOKIE=garbage");
            assertThat(r.body()).isEqualTo(first.body());
            assertThat(setCookie(r)).isNull();
        }
    }

    @Test
    void a58_lowerCaseSameSiteIsWrittenInItsCanonicalCase() {
        Backend svc = service("echo", pods("pod", 1));
        publish(withPolicies(route(HOST, "/", svc), balanced(
                new StickyCookie("aff", null, null, null, null, true, SameSite.parse("none"), true))));
        assertThat(setCookie(hit("/"))).endsWith("; Secure; HttpOnly; SameSite=None");
        assertThat(setCookie(hit("/", "User-Agent", "Mozilla/5.0 Chrome/67.0 Safari/537.36")))
                .endsWith("; Secure; HttpOnly");
        assertThat(setCookie(hit("/", "User-Agent", "Mozilla/5.0 Chrome/100.0 Safari/537.36")))
                .endsWith("; SameSite=None");
    }

    @Test
    void a61_stickyCanaryPinSurvivesWeightZeroAndEndsWhenTheCanaryIsGone() {
        for (boolean persistentMode : new boolean[] {true, false}) {
            Backend main = service("main", pods("main", 1));
            Backend canary = service("canary", pods("canary", 1));
            Affinity affinity = new Affinity(persistentMode, false, StickyCookie.named("aff"));
            publish(withPolicies(route(HOST, "/", main).withCanary(canaryRule(canary, "ForceCanary", 0, false)), affinity));
            String cookie = pair(setCookie(hit("/", "ForceCanary", "always")));
            assertThat(hit("/", "Cookie", cookie).body()).as("weight 0 evacuates nobody").isEqualTo("canary0");
            Backend noPods = backend("canary", List.of());
            publish(withPolicies(route(HOST, "/", main).withCanary(canaryRule(noPods, "ForceCanary", 0, false)), affinity));
            HttpResponse<String> back = hit("/", "Cookie", cookie);
            assertThat(back.body()).isEqualTo("main0");
            if (persistentMode) {
                assertThat(value(setCookie(back))).as("persistent rewrites the cookie to main's key")
                        .endsWith("|" + StickyIndex.backendKey(main.name()));
            } else {
                assertThat(setCookie(back)).as("balanced hashes the canary's key and keeps it").isNull();
            }
        }
    }

    @Test
    void a62_legacyStillKeepsMainPinnedClientsOnMain() {
        publishCanary(50, true, balanced(StickyCookie.named("aff")));
        String cookie = null;
        for (int i = 0; i < 60 && cookie == null; i++) { // each try reaches main with p = 1/2
            HttpResponse<String> r = hit("/");
            if (r.body().equals("main0")) {
                cookie = pair(setCookie(r));
            }
        }
        assertThat(cookie).isNotNull();
        for (int i = 0; i < 20; i++) {
            assertThat(hit("/", "Cookie", cookie).body()).isEqualTo("main0");
        }
        assertThat(hit("/", "Cookie", cookie, "ForceCanary", "always").body()).as("#8246").isEqualTo("main0");
    }

    @Test
    void a63_aPinBeatsHeaderRulesOnBothSides() {
        publishCanary(0, false, balanced(StickyCookie.named("aff")));
        String mainCookie = pair(setCookie(hit("/")));
        String canaryCookie = pair(setCookie(hit("/", "ForceCanary", "always")));
        assertThat(hit("/", "Cookie", mainCookie, "ForceCanary", "always").body()).isEqualTo("main0");
        assertThat(hit("/", "Cookie", canaryCookie, "ForceCanary", "never").body()).isEqualTo("canary0");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String text = new String(gw.metrics().scrape(null).bytes(), StandardCharsets.UTF_8);
            assertThat(text).containsPattern("linnet_split_decisions_total\\{[^}]*reason=\"affinity\"[^}]*variant=\"stable\"[^}]*} 1\\.0")
                    .containsPattern("linnet_split_decisions_total\\{[^}]*reason=\"affinity\"[^}]*variant=\"canary\"[^}]*} 1\\.0");
        });
    }

    @Test
    void a64_changeOnFailureDecidesWhetherRetriesLeaveARefusingPinnedPod() throws IOException {
        TestBackend good = gw.backend("good");
        Endpoint dead = refusingEndpoint();
        int deadPort = dead.port();
        Backend svc = backend("echo", List.of(good.endpoint(), dead));
        String pinnedToDead = "aff=" + StickyIndex.md5hex(svc.name() + "127.0.0.1:" + deadPort) + "|"
                + StickyIndex.backendKey(svc.name());
        publish(withPolicies(route(HOST, "/", svc), new Affinity(true, false, StickyCookie.named("aff"))));
        HttpResponse<String> stuck = hit("/", "Cookie", pinnedToDead);
        assertThat(stuck.statusCode()).as("every try goes to the pinned pod").isEqualTo(502);
        assertThat(good.seen()).isEmpty();
        publish(withPolicies(route(HOST, "/", svc), new Affinity(true, true, StickyCookie.named("aff"))));
        HttpResponse<String> moved = hit("/", "Cookie", pinnedToDead);
        assertThat(moved.body()).isEqualTo("good");
        assertThat(value(setCookie(moved))).startsWith(StickyIndex.md5hex(svc.name() + good.endpoint()) + "|");
    }

    @Test
    void a65_lastOccurrenceWinsAndNamesAreCaseSensitive() {
        List<TestBackend> pods = pods("pod", 2);
        Backend svc = service("echo", pods);
        publish(withPolicies(route(HOST, "/", svc), persistent(StickyCookie.named("aff"))));
        String key = "|" + StickyIndex.backendKey(svc.name());
        String x = StickyIndex.md5hex(svc.name() + pods.get(0).endpoint()) + key;
        String y = StickyIndex.md5hex(svc.name() + pods.get(1).endpoint()) + key;
        HttpResponse<String> r = hit("/", "Cookie", "aff=" + x + "; aff=" + y);
        assertThat(r.body()).isEqualTo("pod1");
        assertThat(setCookie(r)).isNull();
        assertThat(setCookie(hit("/", "Cookie", "AFF=" + x))).as("AFF is another cookie").startsWith("aff=");
    }

    @Test
    void a68_routeWithoutAffinityNeitherSetsNorHonoursTheCookie() {
        List<TestBackend> pods = pods("pod", 2);
        Backend svc = service("echo", pods);
        publish(withPolicies(route(HOST, "/", svc), balanced(StickyCookie.named("aff"))), route(HOST, "/api", svc));
        String cookie = pair(setCookie(hit("/")));
        assertThat(setCookie(hit("/api"))).isNull();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            seen.merge(hit("/api", "Cookie", cookie).body(), 1, Integer::sum);
        }
        assertThat(seen).as("per-route scope: the round robin, not the pin (#3168, #4211)").hasSize(2);
    }

    @Test
    void newClientsSpreadOverThePods() {
        publish(withPolicies(route(HOST, "/", service("echo", pods("pod", 2))), balanced(StickyCookie.named("aff"))));
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            seen.merge(hit("/").body(), 1, Integer::sum);
        }
        assertThat(seen.getOrDefault("pod0", 0)).isGreaterThanOrEqualTo(50);
        assertThat(seen.getOrDefault("pod1", 0)).isGreaterThanOrEqualTo(50);
    }
}
