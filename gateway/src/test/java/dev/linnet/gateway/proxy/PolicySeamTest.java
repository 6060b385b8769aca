package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.Answers;
import dev.linnet.gateway.policy.Flow;
import dev.linnet.gateway.policy.RequestContext;
import dev.linnet.gateway.policy.RequestPolicy;
import dev.linnet.gateway.policy.ResponsePolicy;
import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.policy.UpstreamPolicy;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.SourceRanges;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16 item 1: the route-policy seam. Test policies answer, edit, throw and wait; the
 * gateway must run them in nginx's stages, never read the body while one waits, resume from any
 * thread, forget a request whose client left, and fail closed when a policy breaks.
 */
class PolicySeamTest {

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    /** Records what each stage saw, in order. */
    private final List<String> trace = new CopyOnWriteArrayList<>();

    /** A request policy that writes its step and whether the split chose the canary. */
    private record Tracing(Step step, List<String> trace) implements RequestPolicy {
        @Override
        public Flow onRequest(RequestContext request) {
            trace.add(step + " canary=" + request.canary());
            return Flow.CONTINUE;
        }
    }

    /** Suspends every request and hands its context to the test, which resumes or answers it. */
    private record Waiting(BlockingQueue<RequestContext> waiting) implements RequestPolicy {
        @Override
        public Step step() {
            return Step.EXTERNAL_AUTH;
        }

        @Override
        public Flow onRequest(RequestContext request) {
            waiting.add(request);
            return Flow.SUSPENDED;
        }
    }

    private record Edits(List<String> trace) implements UpstreamPolicy, ResponsePolicy {
        @Override
        public Step step() {
            return Step.EXTERNAL_AUTH;
        }

        @Override
        public void onUpstreamRequest(RequestContext request, HttpRequest upstream) {
            upstream.headers().set("x-policy", "upstream");
        }

        @Override
        public void onResponse(RequestContext request, HttpResponse response) {
            trace.add("response " + response.status().code());
            response.headers().set("x-policy", "response " + response.status().code());
        }
    }

    private final BlockingQueue<RequestContext> waiting = new LinkedBlockingQueue<>();

    private RequestContext nextWaiting() throws InterruptedException {
        RequestContext r = waiting.poll(20, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the waiting policy").isNotNull();
        return r;
    }

    @Test
    void stagesRunInNginxOrderWithTheSplitBetweenRewriteAndAccess() {
        TestBackend main = gw.backend("main");
        TestBackend can = gw.backend("canary");
        // given out of order: the route sorts them by step
        Route r = withPolicies(route("h", "/", backend("main", main))
                        .withCanary(canary(backend("canary", can)).header("X-Canary").build()),
                new Tracing(Step.BASIC_AUTH, trace), new Edits(trace), new Tracing(Step.DENY, trace),
                new Tracing(Step.HOST_ACCESS, trace), new Tracing(Step.SOURCE_RANGES, trace));
        gw.publish(table(r));

        var response = gw.get("h", "/x", "X-Canary", "always");

        assertThat(response.body()).isEqualTo("canary");
        assertThat(trace).containsExactly("HOST_ACCESS canary=false", "DENY canary=false", "SOURCE_RANGES canary=true",
                "BASIC_AUTH canary=true", "response 200");
        assertThat(response.headers().firstValue("x-policy")).hasValue("response 200");
        assertThat(can.last().header("x-policy")).as("UPSTREAM stage edits the head that goes upstream")
                .isEqualTo("upstream");
    }

    @Test
    void aSuspendedRequestReadsNoBodyUntilResumedFromAnotherThreadThenStreamsIt() throws Exception {
        TestBackend b = gw.backend("b");
        gw.publish(table(withPolicies(route("h", "/", backend("b", b)), new Waiting(waiting))));
        String body = "x".repeat(100_000);
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            RequestContext request = nextWaiting();
            assertThat(b.seen()).as("nothing goes upstream while the policy waits").isEmpty();

            CompletableFuture.runAsync(request::resume).get(); // not the event loop: the call moves there

            RawHttp.Response r = raw.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith(body.length() + " ");
        }
    }

    @Test
    void anAnswerFromAnotherThreadGoesThroughTheResponseStageAndKeepsTheConnection() throws Exception {
        TestBackend b = gw.backend("b");
        gw.publish(table(withPolicies(route("h", "/", backend("b", b)), new Waiting(waiting), new Edits(trace))));
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
            RequestContext request = nextWaiting();
            CompletableFuture.runAsync(() -> request.answer(Answers.status(request.channel().alloc(),
                    HttpResponseStatus.UNAUTHORIZED))).get();

            RawHttp.Response denied = raw.read();
            assertThat(denied.status()).isEqualTo(401);
            assertThat(denied.header("x-policy")).isEqualTo("response 401");
            assertThat(denied.header("server")).as("server-tokens: false").isNull();
            // the body was drained, the connection kept: the next request is served on it
            raw.send("GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
            nextWaiting().resume();
            assertThat(raw.read().body()).isEqualTo("b");
        }
        assertThat(b.seen()).extracting(TestBackend.Seen::uri).containsExactly("/b");
    }

    @Test
    void aClientThatLeavesWhileItsRequestWaitsIsForgotten() throws Exception {
        TestBackend b = gw.backend("b");
        gw.publish(table(withPolicies(route("h", "/", backend("b", b)), new Waiting(waiting))));
        RequestContext left;
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("GET /left HTTP/1.1\r\nHost: h\r\n\r\n");
            left = nextWaiting();
        }
        await().atMost(Duration.ofSeconds(10)).until(left::abandoned);
        left.resume(); // late callbacks are harmless
        left.answer(Answers.status(left.channel().alloc(), HttpResponseStatus.FORBIDDEN)); // released, not sent

        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("GET /stayed HTTP/1.1\r\nHost: h\r\n\r\n");
            nextWaiting().resume();
            assertThat(raw.read().status()).isEqualTo(200);
        }
        assertThat(b.seen()).extracting(TestBackend.Seen::uri).containsExactly("/stayed");
    }

    @Test
    void aResumeBeforeThePolicyReturnsIsNotLost() {
        TestBackend b = gw.backend("b");
        RequestPolicy eager = new RequestPolicy() {
            @Override
            public Step step() {
                return Step.BASIC_AUTH;
            }

            @Override
            public Flow onRequest(RequestContext request) {
                request.resume(); // e.g. a cache hit inside the asynchronous call
                return Flow.SUSPENDED;
            }
        };
        gw.publish(table(withPolicies(route("h", "/", backend("b", b)), eager)));

        assertThat(gw.get("h", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void aPolicyThatThrowsFailsClosedWith500() {
        TestBackend b = gw.backend("b");
        RequestPolicy broken = new RequestPolicy() {
            @Override
            public Step step() {
                return Step.BASIC_AUTH;
            }

            @Override
            public Flow onRequest(RequestContext request) {
                throw new IllegalStateException("broken on purpose");
            }
        };
        gw.publish(table(withPolicies(route("h", "/", backend("b", b)), broken)));

        assertThat(gw.get("h", "/").statusCode()).isEqualTo(500);
        assertThat(b.seen()).isEmpty();
    }

    @Test
    void responsePoliciesSeeTheRoutesLocalAnswers() {
        TestBackend b = gw.backend("b");
        gw.publish(table(
                withPolicies(route("h", "/closed", backend("b", b)), new AccessList(SourceRanges.of(List.of())),
                        new Edits(trace)),
                withPolicies(route("h", "/empty", backend("none", List.of())), new Edits(trace))));

        assertThat(gw.get("h", "/closed").headers().firstValue("x-policy")).hasValue("response 403");
        assertThat(gw.get("h", "/empty").headers().firstValue("x-policy")).hasValue("response 503");
        assertThat(gw.get("h", "/unrouted").headers().firstValue("x-policy")).as("no route, no policy").isEmpty();
    }

    @Test
    void anHttp2StreamWaitsAndResumesLikeAConnection() throws Exception {
        TestBackend b = gw.backend("b");
        RequestPolicy later = new RequestPolicy() {
            @Override
            public Step step() {
                return Step.EXTERNAL_AUTH;
            }

            @Override
            public Flow onRequest(RequestContext request) {
                CompletableFuture.runAsync(request::resume);
                return Flow.SUSPENDED;
            }
        };
        gw.publish(table(withPolicies(route("h", "/", backend("b", b)), later)));
        try (H2Client h2c = H2Client.connect(gw.port())) {
            H2Client.Response r = h2c.send(H2Client.headers("POST", "h", "/upload"), "hello");
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).startsWith("5 ");
        }
    }
}
