package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCerts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code backend-protocol: HTTPS}: HTTP/1.1 over TLS to a pod with a self-signed certificate, with
 * ingress-nginx's defaults (no verification, no SNI).
 */
class HttpsUpstreamTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private TestBackend tlsBackend() throws Exception {
        return gw.closeLater(TestBackend.startTls("secure", TestCerts.serverContext(TestCerts.selfSigned("pod.internal"))));
    }

    @Test
    void httpsBackendIsReachedOverTlsWithoutVerificationOrSni() throws Exception {
        TestBackend pod = tlsBackend();
        gw.publish(table(route("app.example.com", "/", backend("secure", pod), BackendProtocol.HTTPS)));
        assertThat(gw.get("app.example.com", "/a").body()).isEqualTo("secure");
        assertThat(gw.get("app.example.com", "/b").body()).isEqualTo("secure");
        assertThat(pod.last().header("Host")).isEqualTo("app.example.com");
        assertThat(pod.serverNames()).containsExactly(List.of(), List.of()); // proxy_ssl_server_name off
        assertThat(pod.connectionCount()).isEqualTo(1); // TLS connections are kept alive and reused
    }

    @Test
    void plainHttpToATlsPodIsABadGateway() throws Exception {
        TestBackend pod = tlsBackend();
        gw.publish(table(route("app.example.com", "/", backend("secure", pod))));
        assertThat(gw.get("app.example.com", "/").statusCode()).isEqualTo(502);
    }

    @Test
    void aPodThatNeverAnswersTheTlsHandshakeTimesOutLikeAConnect() {
        gw.configure(c -> c.toBuilder().connectTimeout(Duration.ofMillis(500)).maxTries(1).build());
        TestBackend pod = gw.backend("plain"); // plain HTTP: waits for a request line that never comes
        gw.publish(table(route("app.example.com", "/", backend("plain", pod), BackendProtocol.HTTPS)));
        assertThat(gw.get("app.example.com", "/").statusCode()).isEqualTo(504);
    }
}
