package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendTest {

    @Test
    void namedAsIngressNginxUpstream() {
        assertThat(Backend.of("prod", "web", "80", List.of()).name()).isEqualTo("prod-web-80");
        assertThat(Backend.of("prod", "web", "http", List.of()).name()).isEqualTo("prod-web-http");
    }

    @Test
    void roundRobinsOverEndpoints() {
        List<Endpoint> eps = List.of(new Endpoint("10.0.0.1", 80), new Endpoint("10.0.0.2", 80),
                new Endpoint("10.0.0.3", 80));
        Backend b = Backend.of("ns", "svc", "80", eps);
        List<Endpoint> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(b.nextEndpoint());
        }
        assertThat(picked).containsExactly(eps.get(0), eps.get(1), eps.get(2), eps.get(0), eps.get(1), eps.get(2));
    }

    @Test
    void nextIndexTakesTheFirstFitEndpointInRoundRobinOrderElseTheLeastBad() {
        List<Endpoint> eps = List.of(new Endpoint("10.0.0.1", 80), new Endpoint("10.0.0.2", 80),
                new Endpoint("10.0.0.3", 80));
        Backend b = Backend.of("ns", "svc", "80", eps);
        assertThat(b.nextIndex((i, e) -> 0)).as("cursor 0").isZero();
        assertThat(b.nextIndex((i, e) -> i == 1 ? 2 : 0)).as("cursor 1 is unfit: the next one").isEqualTo(2);
        assertThat(b.nextIndex((i, e) -> i == 1 ? 1 : 2)).as("none fit: the least bad").isEqualTo(1);
        assertThat(b.endpoint(1)).isEqualTo(eps.get(1));
        assertThat(Backend.of("ns", "svc", "80", List.of()).nextIndex((i, e) -> 0)).isEqualTo(-1);
    }

    @Test
    void noEndpointsGivesNull() {
        Backend b = Backend.of("ns", "svc", "80", List.of());
        assertThat(b.hasEndpoints()).isFalse();
        assertThat(b.nextEndpoint()).isNull();
    }

    @Test
    void equalityIgnoresTheCursor() {
        List<Endpoint> eps = List.of(new Endpoint("10.0.0.1", 80), new Endpoint("10.0.0.2", 80));
        Backend a = Backend.of("ns", "svc", "80", eps);
        Backend b = Backend.of("ns", "svc", "80", eps);
        a.nextEndpoint();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Backend.of("ns", "svc", "80", eps.subList(0, 1)));
    }

    @Test
    void endpointPrintsIpv6InBrackets() {
        assertThat(new Endpoint("::1", 8080)).hasToString("[::1]:8080");
        assertThat(new Endpoint("10.0.0.1", 80)).hasToString("10.0.0.1:80");
    }
}
