package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.RawH2Backend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP/2 upstream connection's lifecycle against a pod that misbehaves frame by frame:
 * GOAWAY and REFUSED_STREAM (RFC 9113 §6.8, §8.7). An HTTP/1.1 client in front: the upstream
 * protocol does not depend on the client's.
 */
class H2UpstreamTest {

    private static final String HOST = "h2.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private RawH2Backend pod(RawH2Backend.Mode mode) {
        RawH2Backend pod = gw.closeLater(RawH2Backend.start("pod", mode));
        gw.publish(table(route(HOST, "/", backend("pod", List.of(pod.endpoint())), BackendProtocol.GRPC)));
        return pod;
    }

    @Test
    void streamsShareOneConnectionToThePod() {
        RawH2Backend pod = pod(RawH2Backend.Mode.NORMAL);
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> r = gw.get(HOST, "/");
            assertThat(r.body()).isEqualTo("pod:" + i);
            assertThat(r.headers().map().keySet()).noneMatch(name -> name.startsWith("x-http2-"));
        }
        assertThat(pod.connections()).isEqualTo(1);
    }

    @Test
    void afterGoAwayTheConnectionIsNeverUsedForANewStream() {
        RawH2Backend pod = pod(RawH2Backend.Mode.GOAWAY_AFTER_EACH_ANSWER);
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = gw.send(gw.request(HOST, "/").POST(HttpRequest.BodyPublishers.ofString("x")).build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("pod:" + i);
        }
        assertThat(pod.connections()).isEqualTo(3); // the pod keeps each old connection open; we don't use it
        assertThat(pod.streams()).isEqualTo(3);
    }

    @Test
    void aRefusedStreamIsRetriedEvenForAPost() {
        RawH2Backend pod = pod(RawH2Backend.Mode.REFUSE_FIRST_STREAM);
        // A POST is never replayed after a connection error, but a refused stream was not processed.
        HttpResponse<String> r = gw.send(gw.request(HOST, "/").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("pod:1");
        assertThat(pod.streams()).isEqualTo(2);
    }
}
