package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TlsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The affinity cookie over Linnet's own HTTPS listener (affinity-spec.md §4.5, catalogue A15, A60). */
class AffinityHttpsTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension().configure(c -> c.withHttpsPort(0));

    @Test
    void a15_a60_httpsGetsSecureEvenWithSecureFalse() {
        gw.publish(table(withPolicies(route("sticky.foo.com", "/", backend("echo", gw.backend("pod0"))),
                new Affinity(false, false, StickyCookie.named("SERVERID")))));
        String response = TlsClient.get(gw.gateway().httpsPort(), "sticky.foo.com", "sticky.foo.com", "/").response();
        assertThat(response).containsPattern("(?i)set-cookie: SERVERID=[^;]+; Path=/; Secure; HttpOnly\r\n");
    }
}
