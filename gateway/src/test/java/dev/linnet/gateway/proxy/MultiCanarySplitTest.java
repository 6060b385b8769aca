package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.MultiCanary;
import dev.linnet.gateway.split.StickyCanary;
import dev.linnet.gateway.testing.GatewayExtension;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three canaries on one rule through the real gateway (issue 17 §3): header, cookie, weights. */
class MultiCanarySplitTest {

    private static final String HOST = "multi-canary.example.com";
    private static final String SEED = "default/main";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private Backend b;

    /** a: header X-Try-A, 20 %; b: cookie try-b, 30 %; c: 50 % (F = 0.2, 0.5, 1). */
    private void publish(StickyCanary sticky) {
        Backend main = backend("main", gw.backend("main"));
        Backend a = backend("a", gw.backend("a"));
        b = backend("b", gw.backend("b"));
        Backend c = backend("c", gw.backend("c"));
        MultiCanary all = new MultiCanary(List.of(
                new CanaryRule("default", "a", a, "X-Try-A", null, null, null, 20, 100),
                new CanaryRule("default", "b", b, null, null, null, "try-b", 30, 100),
                new CanaryRule("default", "c", c, null, null, null, null, 1, 2)), sticky);
        Route r = route(HOST, "/", main).withCanaries(all);
        gw.publish(table(r));
    }

    /** The side the spec assigns: a below 1/5, b below 1/2, c for the rest. */
    private static String expected(String key) {
        BigInteger u = new BigInteger(Long.toUnsignedString(StickyCanary.position(SEED, key)));
        BigInteger twoTo64 = BigInteger.ONE.shiftLeft(64);
        if (u.multiply(BigInteger.valueOf(5)).compareTo(twoTo64) < 0) {
            return "a";
        }
        return u.multiply(BigInteger.TWO).compareTo(twoTo64) < 0 ? "b" : "c";
    }

    @Test
    void headerThenCookieThenWeightsPickTheCanary() {
        publish(null);
        assertThat(gw.get(HOST, "/", "X-Try-A", "always").body()).isEqualTo("a");
        assertThat(gw.get(HOST, "/", "Cookie", "try-b=always").body()).isEqualTo("b");
        // a ruled out by its header, b chosen by its cookie: never goes on to the next canary
        assertThat(gw.get(HOST, "/", "X-Try-A", "never", "Cookie", "try-b=always").body()).isEqualTo("b");
        assertThat(gw.get(HOST, "/", "X-Try-A", "always", "Cookie", "try-b=always").body()).isEqualTo("a");
        // weights 20 + 30 + 50 = 100 %: the stable backend never serves without a never
        for (int i = 0; i < 30; i++) {
            assertThat(gw.get(HOST, "/").body()).isIn("a", "b", "c");
        }
        // the canary label names the canary that served, each one its own series
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
                .containsPattern("nginx_ingress_controller_requests\\{[^}]*canary=\"default-a-80\"")
                .containsPattern("nginx_ingress_controller_requests\\{[^}]*canary=\"" + b.name() + "\"")
                .doesNotContainPattern("nginx_ingress_controller_requests\\{[^}]*canary=\"\""));
    }

    @Test
    void theMainIngressStickyKeyPutsEachUserInTheirInterval() {
        publish(new StickyCanary("X-User", null, SEED, StickyCanary.DEFAULT_COOKIE));
        int[] seen = new int[3];
        for (int u = 0; u < 60; u++) {
            String key = "user" + u;
            String side = gw.get(HOST, "/", "X-User", key).body();
            assertThat(side).as(key).isEqualTo(expected(key));
            seen[side.charAt(0) - 'a']++;
        }
        assertThat(seen).doesNotContain(0);
        // b's cookie still wins per request; a user of b whose b is ruled out by "never" goes to main
        String userOfB = null;
        for (int u = 0; userOfB == null; u++) {
            userOfB = expected("user" + u).equals("b") ? "user" + u : null;
        }
        assertThat(gw.get(HOST, "/", "X-User", userOfB, "Cookie", "try-b=never").body()).isEqualTo("main");
    }

    @Test
    void theFirstRequestIssuesTheAssignmentIdThatDecidedIt() {
        publish(new StickyCanary(null, null, SEED, StickyCanary.DEFAULT_COOKIE));
        for (int client = 0; client < 10; client++) {
            HttpResponse<String> first = gw.get(HOST, "/");
            String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
            String id = setCookie.substring("linnet_canary_id=".length(), setCookie.indexOf(';'));
            assertThat(first.body()).isEqualTo(expected(id));
            assertThat(gw.get(HOST, "/", "Cookie", "linnet_canary_id=" + id).body()).isEqualTo(first.body());
        }
    }

    private String scrape() {
        return new String(gw.metrics().scrape(null).bytes(), StandardCharsets.UTF_8);
    }
}
