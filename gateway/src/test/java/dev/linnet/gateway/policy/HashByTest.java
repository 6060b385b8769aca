package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.refusingEndpoint;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code upstream-hash-by} and the round robin through the real gateway (affinity-spec.md §6.4, §6.6). */
class HashByTest {

    private static final String HOST = "hash.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private Backend pods(int n) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            endpoints.add(gw.backend("pod" + i).endpoint());
        }
        return backend("echo", endpoints);
    }

    private void publish(Backend svc, HashBy policy) {
        gw.publish(table(policy == null ? route(HOST, "/", svc) : withPolicies(route(HOST, "/", svc), policy)));
    }

    private Set<String> podsSeen(int requests, String path, String... headers) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            var r = gw.get(HOST, path, headers);
            assertThat(r.statusCode()).isEqualTo(200);
            seen.add(r.body());
        }
        return seen;
    }

    @Test
    void a21_a45_sameRequestUriSamePodDifferentUrisSpread() {
        publish(pods(6), new HashBy(HashKey.parse("$request_uri"), 0));
        assertThat(podsSeen(100, "/")).hasSize(1);
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            spread.addAll(podsSeen(1, "/item/" + i));
        }
        assertThat(spread).as("60 URIs over 6 pods").hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void a22_subsetOfThreeServesFromExactlyThreePods() {
        publish(pods(6), new HashBy(HashKey.parse("$request_uri"), 3));
        assertThat(podsSeen(100, "/")).hasSize(3); // each of 3 missed in 100 random picks: p < 1e-17
    }

    @Test
    void a47_theLastSubsetIsPaddedWithTheFirstPods() {
        publish(pods(7), new HashBy(HashKey.parse("$request_uri"), 3));
        for (int i = 0; i < 6; i++) {
            assertThat(podsSeen(60, "/k" + i)).as("/k" + i).hasSize(3);
        }
    }

    @Test
    void headerCookieAndTextPiecesMakeTheKey() {
        publish(pods(6), new HashBy(HashKey.parse("${cookie_session}-$http_x_user"), 0));
        Map<String, String> podOf = new HashMap<>();
        for (int u = 0; u < 20; u++) {
            Set<String> seen = podsSeen(5, "/any/" + u, "X-User", "user" + u, "Cookie", "session=s" + (u % 3));
            assertThat(seen).as("user %d", u).hasSize(1);
            podOf.put("user" + u, seen.iterator().next());
        }
        assertThat(new HashSet<>(podOf.values())).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void remoteAddrPinsAClient() {
        publish(pods(4), new HashBy(HashKey.parse("$remote_addr"), 0));
        assertThat(podsSeen(30, "/a")).hasSize(1);
        assertThat(podsSeen(10, "/b")).isEqualTo(podsSeen(10, "/a"));
    }

    @Test
    void aRetryWalksOnAlongTheRingInsteadOfRepeatingTheRefusingPod() throws IOException {
        TestBackend good = gw.backend("good");
        Endpoint dead = refusingEndpoint();
        Backend svc = backend("echo", List.of(good.endpoint(), dead));
        publish(svc, new HashBy(HashKey.parse("$request_uri"), 0));
        HashRing ring = StickyIndex.ring(svc);
        String onDead = null;
        for (int i = 0; onDead == null; i++) { // a URI the ring gives to the refusing pod
            if (ring.owner(Crc32.of("/u" + i)) == 1) {
                onDead = "/u" + i;
            }
        }
        assertThat(gw.get(HOST, onDead).body()).isEqualTo("good");
    }

    @Test
    void a23_roundRobinSpreadsEvenly() {
        publish(pods(3), null);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            counts.merge(gw.get(HOST, "/").body(), 1, Integer::sum);
        }
        assertThat(counts).containsOnly(Map.entry("pod0", 200), Map.entry("pod1", 200), Map.entry("pod2", 200));
    }
}
