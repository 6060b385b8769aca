package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.refusingEndpoint;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code load-balance: ewma} through the real gateway, against a fast and a slow pod (affinity-spec.md §3). */
class EwmaTest {

    private static final String HOST = "ewma.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private Map<String, Integer> served(Backend svc, EndpointPolicy policy, int requests) {
        gw.publish(table(policy == null ? route(HOST, "/", svc) : withPolicies(route(HOST, "/", svc), policy)));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            var r = gw.get(HOST, "/");
            assertThat(r.statusCode()).isEqualTo(200);
            counts.merge(r.body(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void ewmaSendsMostRequestsToTheFastPodWhereTheRoundRobinSplitsEvenly() {
        TestBackend fast = gw.backend("fast");
        TestBackend slow = gw.backend("slow");
        slow.respondAfter(Duration.ofMillis(200));
        Backend svc = backend("echo", fast, slow);

        Map<String, Integer> roundRobin = served(svc, null, 20);
        assertThat(roundRobin).containsOnly(Map.entry("fast", 10), Map.entry("slow", 10));

        // each event loop learns on its own: the slow pod serves until it has an average (an
        // unknown pod scores 0, as in ingress-nginx), then loses every pair for ~45 s of decay
        Map<String, Integer> ewma = served(svc, Ewma.of(), 60);
        assertThat(ewma.getOrDefault("slow", 0)).as("%s", ewma).isLessThanOrEqualTo(15);
        assertThat(ewma.get("fast")).isGreaterThanOrEqualTo(45);
    }

    @Test
    void aRetryGoesToAnUntriedPod() throws IOException {
        TestBackend good = gw.backend("good");
        Backend svc = backend("echo", List.of(refusingEndpoint(), good.endpoint()));
        assertThat(served(svc, Ewma.of(), 20)).containsOnly(Map.entry("good", 20));
    }
}
