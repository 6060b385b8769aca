package dev.linnet.controller.cluster;

import static dev.linnet.controller.cluster.K8s.NS;
import static dev.linnet.controller.cluster.K8s.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.controller.cli.ClusterServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas against one API server: both serve, only the leader writes status and Events. */
class StatusAndEventsTest {

    private static final String HOST = "app.example.com";

    private final MockCluster cluster = new MockCluster();
    private final Backends backends = new Backends();
    private KubernetesClient kubectl;
    private ClusterServer a;
    private ClusterServer b;

    @BeforeEach
    void setUp() throws Exception {
        kubectl = cluster.client();
        int stable = backends.start("stable");
        kubectl.services().resource(K8s.service("stable")).create();
        kubectl.discovery().v1().endpointSlices().resource(K8s.slice("stable-a", "stable", stable, false)).create();
        kubectl.network().v1().ingresses().resource(K8s.ingress("app", "linnet", HOST, "stable",
                Map.of(PREFIX + "canary-weight", "ten"))).create(); // invalid on a non-canary: one warning
        kubectl.network().v1().ingresses().resource(K8s.ingress("other", "nginx", "other.example.com", "stable",
                Map.of())).create();
        a = Controllers.start(cluster.client(), "linnet-a", "10.0.0.1", "lb.example.com");
        b = Controllers.start(cluster.client(), "linnet-b", "10.0.0.1", "lb.example.com");
    }

    @AfterEach
    void tearDown() {
        Stream.of(a, b).filter(java.util.Objects::nonNull).forEach(ClusterServer::close);
        backends.close();
        cluster.close();
    }

    @Test
    void onlyTheLeaderWritesStatusOnceAndPostsEachWarningOnce() {
        await().atMost(Duration.ofSeconds(10)).until(() -> a.status().isLeader() || b.status().isLeader());
        ClusterServer leader = a.status().isLeader() ? a : b;
        ClusterServer follower = leader == a ? b : a;
        assertThat(follower.status().isLeader()).isFalse();

        await().atMost(Duration.ofSeconds(10)).until(() -> addresses("app").size() == 2);
        assertThat(addresses("app")).extracting(IngressLoadBalancerIngress::getIp, IngressLoadBalancerIngress::getHostname)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("10.0.0.1", null),
                        org.assertj.core.groups.Tuple.tuple(null, "lb.example.com"));
        assertThat(addresses("other")).as("another controller's Ingress").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> warningEvents().size() == 1);

        // Both replicas serve traffic, leader or not.
        assertThat(new Traffic(a.httpPort(), HOST).get()).isEqualTo("stable");
        assertThat(new Traffic(b.httpPort(), HOST).get()).isEqualTo("stable");

        // More rebuilds with the same status and the same warning: nothing more is written.
        long writes = leader.status().statusWrites();
        long statusRequests = statusWritesSeenByApiServer();
        for (String touch : List.of("1", "2", "3")) {
            long passes = leader.status().passes();
            kubectl.network().v1().ingresses().inNamespace(NS).withName("app").edit(i -> {
                i.getMetadata().getAnnotations().put("touch", touch); // an annotation change rebuilds
                return i;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> leader.status().passes() > passes);
        }
        assertThat(leader.status().statusWrites()).isEqualTo(writes);
        assertThat(statusWritesSeenByApiServer()).as("status writes the API server received")
                .isEqualTo(statusRequests).isEqualTo(1);
        assertThat(warningEvents()).hasSize(1);
        assertThat(follower.status().statusWrites()).isZero();
        assertThat(follower.status().eventsPosted()).isZero();

        Event event = warningEvents().get(0);
        assertThat(event.getInvolvedObject().getUid()).isEqualTo(get("app").getMetadata().getUid());
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Ingress");
        assertThat(event.getSource().getComponent()).isEqualTo("linnet");
        assertThat(event.getMessage()).contains("canary-weight");
    }

    @Test
    void anEventQuotesAHugeInvalidValueShortenedWithItsLength() {
        String huge = "9".repeat(1 << 20) + "x"; // an invalid 1 MiB canary-weight (issue 15, item 6)
        // A merge patch, not edit(): the leader may be writing status meanwhile (no conflict to lose).
        kubectl.network().v1().ingresses().inNamespace(NS).withName("app").patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + PREFIX + "canary-weight\":\"" + huge + "\"}}}");

        await().atMost(Duration.ofSeconds(20)).until(() -> warningEvents().stream()
                .anyMatch(e -> e.getMessage().contains("(" + huge.length() + " characters)")));
        assertThat(warningEvents()).extracting(Event::getMessage).allSatisfy(m -> assertThat(m).hasSizeLessThan(400));
    }

    @Test
    void theFollowerTakesOverWhenTheLeaderStopsAndStatusIsKept() {
        await().atMost(Duration.ofSeconds(10)).until(() -> a.status().isLeader() || b.status().isLeader());
        ClusterServer leader = a.status().isLeader() ? a : b;
        ClusterServer follower = leader == a ? b : a;
        await().atMost(Duration.ofSeconds(10)).until(() -> addresses("app").size() == 2);

        // The leader stops leading (its status side closes: the Lease is released; with
        // --update-status-on-shutdown off the status stays). Only the status side is closed so
        // that no informer watch closes mid-test: fabric8's mock server can block its event loop
        // for seconds when a watch closes while it is sending to it.
        leader.status().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> follower.status().isLeader());
        assertThat(addresses("app")).hasSize(2);
        assertThat(new Traffic(follower.httpPort(), HOST).get()).isEqualTo("stable");
    }

    /** Issue 14 item 11: an Ingress not served for its snippet gets an Event and no address. */
    @Test
    void anIngressWithASnippetGetsAWarningEventAndNoAddressUntilTheSnippetGoes() {
        kubectl.network().v1().ingresses().resource(K8s.ingress("locked", "linnet", "locked.example.com", "stable",
                Map.of(PREFIX + "configuration-snippet", "deny all; sub_filter a b;"))).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> warningEvents().stream()
                .anyMatch(e -> e.getInvolvedObject().getName().equals("locked")));
        Event event = warningEvents().stream().filter(e -> e.getInvolvedObject().getName().equals("locked"))
                .findFirst().orElseThrow();
        assertThat(event.getMessage()).startsWith("annotation " + PREFIX + "configuration-snippet: directive sub_filter (line 1) is outside")
                .contains("NOT served").contains("--serve-ingresses-with-snippets");
        // The Event is posted in the pass that wrote the addresses: app has them by now, locked none.
        await().atMost(Duration.ofSeconds(10)).until(() -> addresses("app").size() == 2);
        assertThat(addresses("locked")).isEmpty();
        assertThat(new Traffic(a.httpPort(), "locked.example.com").get()).isEqualTo("status:404");

        kubectl.network().v1().ingresses().inNamespace(NS).withName("locked").edit(i -> {
            i.getMetadata().getAnnotations().remove(PREFIX + "configuration-snippet");
            return i;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> addresses("locked").size() == 2);
        assertThat(new Traffic(a.httpPort(), "locked.example.com").get()).isEqualTo("stable");
    }

    /** Counted on the server side: any request that writes the status subresource of app. */
    private long statusWritesSeenByApiServer() {
        return cluster.requests().stream()
                .filter(r -> !r.getMethod().equals("GET") && r.getPath().contains("/ingresses/app/status"))
                .count();
    }

    private Ingress get(String name) {
        return kubectl.network().v1().ingresses().inNamespace(NS).withName(name).get();
    }

    private List<IngressLoadBalancerIngress> addresses(String name) {
        Ingress i = get(name);
        if (i.getStatus() == null || i.getStatus().getLoadBalancer() == null
                || i.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return i.getStatus().getLoadBalancer().getIngress();
    }

    private List<Event> warningEvents() {
        return kubectl.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "InvalidConfiguration".equals(e.getReason()) && "Warning".equals(e.getType()))
                .toList();
    }
}
