package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.policy.Affinity;
import dev.linnet.gateway.policy.StickyCookie;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.split.StickyCanary;
import dev.linnet.gateway.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Linnet's sticky weighted canary through real gateways (issue 17 §2). */
class StickyCanarySplitTest {

    private static final String HOST = "sticky-canary.example.com";
    private static final String SEED = "default/canary";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    @RegisterExtension
    final GatewayExtension other = new GatewayExtension();

    private Backend main;
    private Backend canary;

    private RouteTable tableOf(int weight, int total, StickyCanary sticky, boolean affinity) {
        if (main == null) {
            main = backend("main", gw.backend("main"));
            canary = backend("canary", gw.backend("canary"));
        }
        CanaryRule rule = new CanaryRule("default", "canary", canary, "ForceCanary", null, null, null, weight, total)
                .withSticky(sticky);
        Route r = route(HOST, "/", main).withCanary(rule);
        return table(affinity ? withPolicies(r, new Affinity(false, false, StickyCookie.named("aff"))) : r);
    }

    private static StickyCanary byCookie() {
        return new StickyCanary(null, null, SEED, StickyCanary.DEFAULT_COOKIE);
    }

    private static String expected(String key, int weight, int total) {
        return StickyCanary.canary(StickyCanary.position(SEED, key), weight, total) ? "canary" : "main";
    }

    @Test
    void theFirstRequestIssuesTheIdThatDecidedItAndTheSecondLandsOnTheSameSide() {
        gw.publish(tableOf(50, 100, byCookie(), false));
        for (int client = 0; client < 20; client++) {
            HttpResponse<String> first = gw.get(HOST, "/");
            String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
            assertThat(setCookie).matches("linnet_canary_id=[A-Za-z0-9_-]{22}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
            String id = setCookie.substring("linnet_canary_id=".length(), setCookie.indexOf(';'));
            assertThat(first.body()).isEqualTo(expected(id, 50, 100));
            HttpResponse<String> second = gw.get(HOST, "/", "Cookie", "linnet_canary_id=" + id);
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(second.headers().firstValue("set-cookie")).isEmpty();
        }
    }

    @Test
    void aHeaderKeyDecidesWithoutACookieAndRampsOnlyMoveUsersToTheCanary() {
        StickyCanary byUser = new StickyCanary("X-User", null, SEED, StickyCanary.DEFAULT_COOKIE);
        String[] sides = new String[40];
        for (int w = 0; w <= 100; w += 25) {
            gw.publish(tableOf(w, 100, byUser, false));
            for (int u = 0; u < sides.length; u++) {
                HttpResponse<String> r = gw.get(HOST, "/", "X-User", "user" + u);
                assertThat(r.headers().firstValue("set-cookie")).isEmpty();
                assertThat(r.body()).isEqualTo(expected("user" + u, w, 100));
                assertThat(sides[u] == null || sides[u].equals("main") || r.body().equals("canary"))
                        .as("user%d went back to main at weight %d", u, w).isTrue();
                sides[u] = r.body();
            }
        }
    }

    @Test
    void headerRulesStillWinPerRequestWithoutMovingTheBucket() {
        gw.publish(tableOf(50, 100, new StickyCanary("X-User", null, SEED, StickyCanary.DEFAULT_COOKIE), false));
        String stableUser = null;
        for (int u = 0; stableUser == null; u++) {
            if (expected("user" + u, 50, 100).equals("main")) {
                stableUser = "user" + u;
            }
        }
        assertThat(gw.get(HOST, "/", "X-User", stableUser, "ForceCanary", "always").body()).isEqualTo("canary");
        assertThat(gw.get(HOST, "/", "X-User", stableUser).body()).isEqualTo("main");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                new String(gw.metrics().scrape(null).bytes(), StandardCharsets.UTF_8))
                .containsPattern("linnet_split_decisions_total\\{[^}]*reason=\"sticky\"[^}]*variant=\"stable\"[^}]*} 1\\.0"));
    }

    @Test
    void twoGatewaysAgree() {
        RouteTable t = tableOf(30, 100, byCookie(), false);
        gw.publish(t);
        other.publish(t);
        for (int client = 0; client < 30; client++) {
            HttpResponse<String> first = gw.get(HOST, "/");
            String cookie = first.headers().firstValue("set-cookie").orElseThrow();
            assertThat(other.get(HOST, "/", "Cookie", cookie.substring(0, cookie.indexOf(';'))).body())
                    .isEqualTo(first.body());
        }
    }

    @Test
    void aPodCookieOfTheOtherSideIsReplacedNotFollowed() {
        gw.publish(tableOf(100, 100, byCookie(), true));
        HttpResponse<String> onCanary = gw.get(HOST, "/", "Cookie", "linnet_canary_id=someone");
        assertThat(onCanary.body()).isEqualTo("canary");
        String podCookie = onCanary.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("aff="))
                .findFirst().orElseThrow();
        gw.publish(tableOf(0, 100, byCookie(), true)); // a rollback: everyone back to main, pod cookie or not
        HttpResponse<String> back = gw.get(HOST, "/", "Cookie",
                "linnet_canary_id=someone; " + podCookie.substring(0, podCookie.indexOf(';')));
        assertThat(back.body()).isEqualTo("main");
        assertThat(back.headers().allValues("set-cookie")).singleElement().asString().startsWith("aff=");
    }
}
