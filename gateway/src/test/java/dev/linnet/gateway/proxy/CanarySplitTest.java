package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.testing.Fixtures;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-request split through the real gateway, ported from ingress-nginx's e2e canary tests
 * (canary-spec.md §6): every request goes over a real socket to real backends that answer their
 * own name.
 */
class CanarySplitTest {

    private static final String HOST = "canary.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private TestBackend stable;
    private TestBackend canary;
    private Backend stableBackend;
    private Backend canaryBackend;

    @BeforeEach
    void backends() {
        stable = gw.backend("stable");
        canary = gw.backend("canary");
        stableBackend = backend("stable", stable);
        canaryBackend = backend("canary", canary);
    }

    private void publish(UnaryOperator<Fixtures.Canary> rule) {
        CanaryRule c = rule.apply(canary(canaryBackend)).build();
        gw.publish(table(route(HOST, "/", stableBackend).withCanary(c)));
    }

    private String hit(String... headers) {
        HttpResponse<String> r = gw.get(HOST, "/", headers);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void headerAlwaysGoesToCanaryNeverAndOtherToStable() {
        publish(c -> c.header("X-Canary").weight(100, 100));
        assertThat(hit("X-Canary", "always")).isEqualTo("canary");
        assertThat(hit("x-canary", "always")).as("header names ignore case").isEqualTo("canary");
        // "never" stops before the weight (which would say canary); another value falls through to it.
        assertThat(hit("X-Canary", "never")).isEqualTo("stable");
        assertThat(hit("X-Canary", "sometimes")).isEqualTo("canary");
        assertThat(hit()).isEqualTo("canary");
    }

    @Test
    void headerNeverFallsThroughNothingWithoutWeight() {
        publish(c -> c.header("X-Canary"));
        assertThat(hit("X-Canary", "other")).isEqualTo("stable");
        assertThat(hit("X-Canary", "always")).isEqualTo("canary");
    }

    @Test
    void repeatedHeaderIsJoinedAndNoLongerAlways() {
        publish(c -> c.header("X-Canary"));
        assertThat(hit("X-Canary", "always", "X-Canary", "always")).isEqualTo("stable");
    }

    @Test
    void canaryByHeaderValueIgnoresAlways() {
        publish(c -> c.header("X-Canary").headerValue("DoCanary"));
        assertThat(hit("X-Canary", "DoCanary")).isEqualTo("canary");
        assertThat(hit("X-Canary", "docanary")).as("exact, case-sensitive").isEqualTo("stable");
        assertThat(hit("X-Canary", "always")).isEqualTo("stable");
    }

    @Test
    void headerValueMissFallsThroughToCookie() {
        publish(c -> c.header("X-Canary").headerValue("DoCanary").cookie("CanaryByCookie"));
        assertThat(hit("X-Canary", "otherheadervalue", "Cookie", "CanaryByCookie=always")).isEqualTo("canary");
    }

    @Test
    void headerPatternMatchesUnanchored() {
        publish(c -> c.header("Region").headerPattern("cd|sz"));
        assertThat(hit("Region", "cd")).isEqualTo("canary");
        assertThat(hit("Region", "xsz1")).isEqualTo("canary");
        assertThat(hit("Region", "bj")).isEqualTo("stable");
        assertThat(hit()).isEqualTo("stable");
    }

    @Test
    void headerPatternErrorGoesToStableWithoutConsultingCookie() {
        publish(c -> c.header("X-Canary").headerPattern("[][**da?$&*").cookie("CanaryByCookie"));
        assertThat(hit("X-Canary", "DoCanary", "Cookie", "CanaryByCookie=always")).isEqualTo("stable");
        assertThat(hit("Cookie", "CanaryByCookie=always")).as("no header: the cookie decides").isEqualTo("canary");
    }

    @Test
    void cookieAlwaysAndNever() {
        publish(c -> c.cookie("Canary-By-Cookie").weight(100, 100));
        assertThat(hit("Cookie", "a=1; canary-by-cookie=always")).isEqualTo("canary");
        assertThat(hit("Cookie", "Canary-By-Cookie=never")).isEqualTo("stable");
        assertThat(hit("Cookie", "Canary-By-Cookie=badvalue")).as("falls through to weight 100").isEqualTo("canary");
        assertThat(hit("Cookie", "x=1", "Cookie", "Canary-By-Cookie=never; Canary-By-Cookie=always"))
                .as("first cookie of that name, across Cookie headers").isEqualTo("stable");
    }

    @Test
    void weightZeroHundredAndTotal() {
        publish(c -> c.weight(0, 100));
        for (int i = 0; i < 20; i++) {
            assertThat(hit()).isEqualTo("stable");
        }
        publish(c -> c.weight(100, 100));
        for (int i = 0; i < 20; i++) {
            assertThat(hit()).isEqualTo("canary");
        }
        publish(c -> c.weight(1000, 1000));
        for (int i = 0; i < 20; i++) {
            assertThat(hit()).isEqualTo("canary");
        }
    }

    @Test
    void weightHalfLandsWithinBounds() {
        publish(c -> c.weight(50, 100));
        assertThat(canaryShare(1000)).isBetween(0.40, 0.60);
        publish(c -> c.weight(100, 200));
        assertThat(canaryShare(1000)).isBetween(0.40, 0.60);
    }

    private double canaryShare(int requests) {
        int canaries = 0;
        for (int i = 0; i < requests; i++) {
            if (hit().equals("canary")) {
                canaries++;
            }
        }
        return canaries / (double) requests;
    }

    @Test
    void forcedCanaryIsServedWhenMainHasNoEndpoints() {
        Backend emptyMain = backend("stable", List.of());
        CanaryRule c = canary(canaryBackend).header("X-Canary").build();
        gw.publish(table(route(HOST, "/", emptyMain).withCanary(c)));
        assertThat(hit("X-Canary", "always")).isEqualTo("canary");
        assertThat(gw.get(HOST, "/").statusCode()).as("main chosen, main empty").isEqualTo(503);
    }

    @Test
    void canaryWithoutEndpointsSendsEverythingToStable() {
        Backend emptyCanary = backend("canary", List.of());
        CanaryRule c = canary(emptyCanary).header("X-Canary").weight(100, 100).build();
        gw.publish(table(route(HOST, "/", stableBackend).withCanary(c)));
        assertThat(hit("X-Canary", "always")).isEqualTo("stable");
    }
}
