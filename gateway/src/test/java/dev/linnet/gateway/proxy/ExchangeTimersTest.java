package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.H2Client.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The timeouts of one exchange, at the edges a review found: an interim 1xx, an HTTP/2 stream
 * whose end never comes, an HTTP/2 stream living longer than the keep-alive idle timeout.
 */
class ExchangeTimersTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    @Test
    void anInterim103DoesNotSwitchOffTheReadTimeout() throws Exception {
        gw.configure(c -> c.toBuilder().readTimeout(Duration.ofMillis(500)).build());
        RawBackend hints = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
            s.getInputStream().read(); // then silence, until the gateway gives up and closes
        }));
        gw.publish(table(route("h", "/", backend("b", List.of(hints.endpoint())))));

        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status()).isEqualTo(504);
        }
    }

    @Test
    void anHttp2StreamWhoseEndNeverComesGets408EvenWithContentLengthZero() throws Exception {
        gw.configure(c -> c.toBuilder().clientBodyTimeout(Duration.ofMillis(500)).build());
        RawBackend silent = gw.closeLater(new RawBackend((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getInputStream().read(); // no answer: only the client's clock can end this
        }));
        gw.publish(table(route("h", "/", backend("b", List.of(silent.endpoint())))));

        try (H2Client h2 = H2Client.connect(gw.port())) {
            H2Client.Response r = h2.startUnfinished(headers("POST", "h", "/").add("content-length", "0"))
                    .orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(r.status()).isEqualTo(408);
        }
    }

    @Test
    void anHttp2StreamMayOutliveTheKeepAliveIdleTimeout() throws Exception {
        gw.configure(c -> c.withIdleTimeout(Duration.ofMillis(300)));
        TestBackend upstream = gw.backend("b");
        CountDownLatch release = new CountDownLatch(1);
        upstream.holdUploads(release); // POST /upload answers once released
        gw.publish(table(route("h", "/", backend("b", upstream))));
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try (H2Client h2 = H2Client.connect(gw.port())) {
            // The answer comes well after the idle timeout: the stream is busy, not idle.
            later.schedule(release::countDown, 1500, TimeUnit.MILLISECONDS);
            assertThat(h2.send(headers("POST", "h", "/upload"), "abc").status()).isEqualTo(200);
        } finally {
            later.shutdownNow();
        }
    }
}
