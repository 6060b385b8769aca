package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snippet response header edits with values a client shapes. */
class ResponseHeaderEditsTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final TestBackend app = gw.backend("app");

    /**
     * {@code $uri} is decoded: {@code %01} or {@code %7F} in the path is a control character, which a
     * response header cannot carry. It is written percent-encoded, and the edits after it still run
     * (a client must not be able to switch off a {@code more_clear_headers}).
     */
    @Test
    void aControlCharacterFromTheUriNeitherBreaksNorSkipsTheEdits() {
        app.respondWithHeaders(Map.of("X-Secret", "internal"));
        gw.publish(table(withPolicies(route("a.test", "/", backend("app", app)), new ResponseHeaderEdits(List.of(
                ResponseHeaderEdits.Edit.of(ResponseHeaderEdits.Kind.SET, "X-Uri", NginxValue.parse("$uri", false)),
                ResponseHeaderEdits.Edit.of(ResponseHeaderEdits.Kind.CLEAR, "X-Secret", null))))));
        HttpResponse<String> plain = gw.get("a.test", "/a");
        assertThat(plain.headers().firstValue("X-Uri")).hasValue("/a");
        assertThat(plain.headers().firstValue("X-Secret")).isEmpty();
        for (String path : List.of("/a%01b", "/a%7Fb", "/a%1Bb")) {
            HttpResponse<String> r = gw.get("a.test", path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Secret")).as(path).isEmpty();
            assertThat(r.headers().firstValue("X-Uri")).as(path).hasValue(path);
        }
    }
}
