package dev.linnet.gateway.accesslog;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.refusingEndpoint;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.LogLines;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The access log through the real gateway (annotations-spec.md §7, catalogue §9.7): real
 * sockets, real upstreams, lines captured from the writer instead of standard output.
 */
class AccessLogTest {

    private static final String HOST = "shop.example.com";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final LogLines lines = new LogLines();
    private TestBackend stable;
    private TestBackend canaryPod;
    private Backend stableBackend;
    private Backend canaryBackend;

    @BeforeEach
    void setUp() {
        gw.accessLog(AccessLog.create(lines, 1024));
        stable = gw.backend("stable");
        canaryPod = gw.backend("canary");
        stableBackend = backend("web", stable);
        canaryBackend = backend("web-canary", canaryPod);
    }

    private void settings(AccessLogSettings s) {
        gw.configs().set(gw.configs().current().toBuilder().accessLog(s).build());
    }

    @Test
    void aStableRequestGivesTheDefaultLineFieldByField() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        String basic = Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        assertThat(gw.get(HOST, "/info?x=1", "Referer", "https://ref.example/", "User-Agent", "curl/8.5.0",
                "Authorization", "Basic " + basic).body()).isEqualTo("stable");

        String raw = lines.single();
        DefaultLine l = DefaultLine.parse(raw);
        assertThat(l.remoteAddr()).isEqualTo("127.0.0.1");
        assertThat(l.remoteUser()).as("user of a Basic header, whether or not the route asks").isEqualTo("alice");
        assertThat(l.timeLocal()).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}");
        assertThat(l.request()).isEqualTo("GET /info?x=1 HTTP/1.1");
        assertThat(l.status()).isEqualTo(200);
        assertThat(l.bodyBytesSent()).as("the body, without the head").isEqualTo("stable".length());
        assertThat(l.referer()).isEqualTo("https://ref.example/");
        assertThat(l.userAgent()).isEqualTo("curl/8.5.0");
        assertThat(l.requestLength()).isGreaterThan(50);
        assertThat(l.requestTime()).matches("\\d+\\.\\d{3}");
        assertThat(l.upstreamName()).isEqualTo("default-web-80");
        assertThat(l.alternativeName()).as("no canary served").isEmpty();
        assertThat(l.upstreamAddr()).isEqualTo(stable.endpoint().toString());
        assertThat(l.upstreamResponseLength()).isEqualTo("6");
        assertThat(l.upstreamResponseTime()).matches("\\d+\\.\\d{3}");
        assertThat(l.upstreamStatus()).isEqualTo("200");
        assertThat(l.reqId()).as("the X-Request-ID sent upstream").matches("[0-9a-f]{32}")
                .isEqualTo(stable.last().header("X-Request-ID"));
        assertThat(raw).contains(" [default-web-80] [] ");
    }

    @Test
    void aCanaryRequestNamesTheMainUpstreamAndTheCanaryAsAlternative() {
        gw.publish(table(route(HOST, "/", stableBackend).withCanary(canary(canaryBackend).header("X-Canary").build())));
        assertThat(gw.get(HOST, "/", "X-Canary", "always", "X-Request-ID", "req-42").body()).isEqualTo("canary");

        DefaultLine l = DefaultLine.parse(lines.single());
        assertThat(l.upstreamName()).isEqualTo("default-web-80");
        assertThat(l.alternativeName()).isEqualTo("default-web-canary-80");
        assertThat(l.upstreamAddr()).isEqualTo(canaryPod.endpoint().toString());
        assertThat(l.remoteUser()).isEqualTo("-");
        assertThat(l.referer()).isEqualTo("-");
        assertThat(l.reqId()).as("the client's id, passed on").isEqualTo("req-42");
        assertThat(canaryPod.last().header("X-Request-ID")).isEqualTo("req-42");
    }

    @Test
    void aRetriedRequestListsEveryTry() throws Exception {
        Endpoint refusing = refusingEndpoint();
        Backend both = Backend.of("default", "web", "80", List.of(refusing, stable.endpoint()));
        gw.publish(table(route(HOST, "/", both)));
        DefaultLine retried = null;
        for (int i = 0; i < 4 && retried == null; i++) { // the round robin reaches the refusing pod within two
            assertThat(gw.get(HOST, "/").statusCode()).isEqualTo(200);
            DefaultLine l = DefaultLine.parse(lines.await(i + 1).get(i));
            if (l.upstreamAddr().contains(",")) {
                retried = l;
            }
        }
        assertThat(retried).as("one request met the refusing pod first").isNotNull();
        assertThat(retried.upstreamAddr()).isEqualTo(refusing + ", " + stable.endpoint());
        assertThat(retried.upstreamStatus()).isEqualTo("502, 200");
        assertThat(retried.upstreamResponseLength()).isEqualTo("0, 6");
        assertThat(retried.upstreamResponseTime()).matches("\\d+\\.\\d{3}, \\d+\\.\\d{3}");
        assertThat(retried.status()).isEqualTo(200);
    }

    @Test
    void l1_enableAccessLogFalseLogsNothingForItsRoutes() {
        Route off = new Route("default", "quiet", HOST, PathMatch.prefix("/quiet"), stableBackend, null,
                RouteOptions.DEFAULTS.withAccessLog(false));
        gw.publish(table(off, route(HOST, "/", stableBackend)));
        assertThat(gw.get(HOST, "/quiet").statusCode()).isEqualTo(200);
        assertThat(gw.get(HOST, "/loud").statusCode()).isEqualTo(200);
        List<String> all = lines.await(1);
        assertThat(all).hasSize(1); // FIFO: a line for /quiet would have come first
        assertThat(all.get(0)).contains("\"GET /loud HTTP/1.1\"");
    }

    @Test
    void l19_l20_theDefaultBackendsAnswerIsLoggedOnlyWhenAskedFor() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        assertThat(gw.get("foo", "/somethingTwo").statusCode()).isEqualTo(404); // L20: off by default
        assertThat(gw.get(HOST, "/marker").statusCode()).isEqualTo(200);
        assertThat(lines.await(1)).hasSize(1).allMatch(l -> l.contains("/marker"));

        lines.clear();
        settings(AccessLogSettings.DEFAULT.withDefaultBackend(true));
        assertThat(gw.get("foo", "/somethingOne").statusCode()).isEqualTo(404); // L19
        DefaultLine l = DefaultLine.parse(lines.single());
        assertThat(l.request()).isEqualTo("GET /somethingOne HTTP/1.1");
        assertThat(l.status()).isEqualTo(404);
        assertThat(l.upstreamName()).isEqualTo("upstream-default-backend");
        assertThat(l.upstreamAddr()).as("no upstream").isEqualTo("-");
        assertThat(l.upstreamStatus()).isEqualTo("-");
    }

    @Test
    void disableAccessLogStopsEveryLineAndALiveChangeAppliesToTheNextRequest() throws Exception {
        gw.publish(table(route(HOST, "/", stableBackend)));
        settings(AccessLogSettings.DEFAULT.withEnabled(false));
        try (RawHttp raw = new RawHttp(gw.port())) { // the close comes after the request ended, settings read
            assertThat(raw.send("GET /one HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n").readAll())
                    .startsWith("HTTP/1.1 200");
        }
        settings(AccessLogSettings.DEFAULT);
        assertThat(gw.get(HOST, "/two").statusCode()).isEqualTo(200);
        assertThat(lines.await(1)).hasSize(1).allMatch(l -> l.contains("/two"));
    }

    @Test
    void localAnswersAreLoggedWithoutUpstream() {
        Backend empty = Backend.of("default", "gone", "80", List.of());
        gw.publish(table(route(HOST, "/", empty)));
        assertThat(gw.get(HOST, "/").statusCode()).isEqualTo(503);
        DefaultLine l = DefaultLine.parse(lines.single());
        assertThat(l.status()).isEqualTo(503);
        assertThat(l.upstreamName()).isEqualTo("default-gone-80");
        assertThat(List.of(l.upstreamAddr(), l.upstreamResponseLength(), l.upstreamResponseTime(), l.upstreamStatus()))
                .containsOnly("-");
        assertThat(l.bodyBytesSent()).isPositive();
    }

    @Test
    void headsRefusedBeforeRoutingAreLoggedButNotCounted() throws Exception {
        gw.publish(table(route(HOST, "/", stableBackend)));
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("GET /x HTTP/1.1\r\nHost: bad host\r\n\r\n").read().status()).isEqualTo(400);
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("get / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").read().status()).isEqualTo(400);
        }
        // two connections, maybe on two event loops: each loop's lines keep their order, not the two loops'
        List<String> both = lines.await(2).stream().sorted(java.util.Comparator.comparing(
                (String line) -> line.contains("\"GET /x HTTP/1.1\"") ? 0 : 1)).toList();
        DefaultLine badHost = DefaultLine.parse(both.get(0));
        assertThat(badHost.request()).isEqualTo("GET /x HTTP/1.1");
        assertThat(badHost.status()).isEqualTo(400);
        assertThat(badHost.upstreamName()).as("no location: server level").isEqualTo("-");
        assertThat(badHost.upstreamAddr()).isEqualTo("-");
        DefaultLine unreadable = DefaultLine.parse(both.get(1));
        assertThat(unreadable.request()).as("no request line to show").isEqualTo("-");
        assertThat(unreadable.status()).isEqualTo(400);
        assertThat(new String(gw.metrics().scrape(null).bytes(), StandardCharsets.UTF_8))
                .as("as ingress-nginx: never in a location, never counted").doesNotContain("status=\"400\"");
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerIsLoggedOnceWith499() throws Exception {
        gw.publish(table(route(HOST, "/", stableBackend)));
        stable.respondAfter(java.time.Duration.ofSeconds(2));
        try (RawHttp raw = new RawHttp(gw.port())) {
            raw.send("GET /slow HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            org.awaitility.Awaitility.await().until(() -> !stable.seen().isEmpty()); // upstream has it
        } // the client leaves
        DefaultLine l = DefaultLine.parse(lines.single());
        assertThat(l.request()).isEqualTo("GET /slow HTTP/1.1");
        assertThat(l.status()).as("nginx's client closed request").isEqualTo(499);
        assertThat(l.upstreamAddr()).isEqualTo(stable.endpoint().toString());
        assertThat(l.upstreamStatus()).as("no answer came").isEqualTo("-");
        assertThat(l.reqId()).isEqualTo(stable.last().header("X-Request-ID"));
        stable.respondAfter(java.time.Duration.ZERO);
        assertThat(gw.get(HOST, "/after").statusCode()).isEqualTo(200);
        assertThat(lines.await(2)).hasSize(2).last().asString().contains("/after");
    }

    @Test
    void skipAccessLogUrlsMatchesTheWholeRequestUriOrARegex() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        List<String> invalid = new ArrayList<>();
        settings(new AccessLogSettings(true, LogFormat.compile("$request_uri"), Escaping.DEFAULT,
                SkipUrls.of(List.of("/health", "~^/ready"), invalid), false));
        assertThat(invalid).isEmpty();
        for (String path : List.of("/health", "/health?x=1", "/ready/now", "/not/ready", "/healthz")) {
            assertThat(gw.get(HOST, path).statusCode()).isEqualTo(200);
        }
        assertThat(gw.get(HOST, "/last").statusCode()).isEqualTo(200);
        assertThat(lines.await(4)).containsExactly("/health?x=1", "/not/ready", "/healthz", "/last");
    }

    @Test
    void anUnknownVariableLogsADash() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        LogFormat format = LogFormat.compile("$status $no_such_thing ${status}x");
        assertThat(format.unknown()).containsExactly("no_such_thing");
        settings(new AccessLogSettings(true, format, Escaping.DEFAULT, SkipUrls.NONE, false));
        gw.get(HOST, "/");
        assertThat(lines.single()).isEqualTo("200 - 200x");
    }

    /**
     * {@code $proxy_protocol_addr} and {@code $proxy_protocol_port}: the source of the connection's
     * PROXY header (nginx's {@code listen … proxy_protocol}); not found ({@code -}) for
     * {@code PROXY UNKNOWN}, as nginx, whose variables need the addresses.
     */
    @Test
    void proxyProtocolAddrAndPortAreTheProxyHeadersSource() throws java.io.IOException {
        gw.configure(c -> c.toBuilder().clientTrust(dev.linnet.gateway.proxy.ClientTrust.DEFAULT.toBuilder()
                .useProxyProtocol(true).build()).build());
        gw.publish(table(route(HOST, "/", stableBackend)));
        settings(new AccessLogSettings(true, LogFormat.compile("$proxy_protocol_addr $proxy_protocol_port $remote_addr"),
                Escaping.DEFAULT, SkipUrls.NONE, false));
        String get = "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n";
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("PROXY TCP4 192.168.0.1 192.168.0.11 56324 80\r\n" + get).read().status())
                    .isEqualTo(200);
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("PROXY TCP6 2001:db8::1 2001:db8::2 4000 443\r\n" + get).read().status())
                    .isEqualTo(200);
        }
        try (RawHttp raw = new RawHttp(gw.port())) {
            assertThat(raw.send("PROXY UNKNOWN\r\n" + get).read().status()).isEqualTo(200);
        }
        assertThat(lines.await(3)).containsExactly("192.168.0.1 56324 192.168.0.1", "2001:db8::1 4000 2001:db8::1",
                "- - 127.0.0.1");
    }

    /** {@code $server_port} is the listener's port (looked up only when the format names it). */
    @Test
    void serverPortIsTheListenersPort() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        settings(new AccessLogSettings(true, LogFormat.compile("$server_port $scheme $remote_port"), Escaping.DEFAULT,
                SkipUrls.NONE, false));
        gw.get(HOST, "/");
        assertThat(lines.single()).matches(gw.port() + " http [1-9][0-9]*");
    }

    @Test
    void linnetSplitReasonSaysWhyTheSideWasChosen() {
        gw.publish(table(route(HOST, "/", stableBackend).withCanary(
                canary(canaryBackend).header("X-Canary").cookie("try").weight(100, 100).build()),
                route("plain.example.com", "/", stableBackend)));
        settings(new AccessLogSettings(true, LogFormat.compile("$linnet_split_reason $proxy_alternative_upstream_name"),
                Escaping.DEFAULT, SkipUrls.NONE, false));
        gw.get(HOST, "/", "X-Canary", "never");
        gw.get(HOST, "/", "Cookie", "try=always");
        gw.get(HOST, "/");
        gw.get("plain.example.com", "/");
        assertThat(lines.await(4)).containsExactly("header ", "cookie default-web-canary-80",
                "weight default-web-canary-80", "no_canary ");
    }

    @Test
    void l16_l17_l18_escapingAsIngressNginxTests() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        settings(new AccessLogSettings(true, LogFormat.compile("{\"my_header1\":\"$http_header1\", \"my_header2\":\"$http_header2\"}"),
                Escaping.JSON, SkipUrls.NONE, false));
        gw.get(HOST, "/", "header1", "Here is \"header1\" with json escape");
        assertThat(lines.await(1).get(0))
                .isEqualTo("{\"my_header1\":\"Here is \\\"header1\\\" with json escape\", \"my_header2\":\"\"}");

        settings(new AccessLogSettings(true, LogFormat.compile("{\"my_header3\":\"$http_header3\", \"my_header4\":\"$http_header4\"}"),
                Escaping.DEFAULT, SkipUrls.NONE, false));
        gw.get(HOST, "/", "header3", "Here is \"header3\" with default escape");
        assertThat(lines.await(2).get(1))
                .isEqualTo("{\"my_header3\":\"Here is \\x22header3\\x22 with default escape\", \"my_header4\":\"-\"}");

        settings(new AccessLogSettings(true, LogFormat.compile("{\"my_header5\":\"$http_header5\", \"my_header6\":\"$http_header6\"}"),
                Escaping.NONE, SkipUrls.NONE, false));
        gw.get(HOST, "/", "header5", "Here is \"header5\" with none escape");
        assertThat(lines.await(3).get(2))
                .isEqualTo("{\"my_header5\":\"Here is \"header5\" with none escape\", \"my_header6\":\"\"}");
    }

    @Test
    void theDocsJsonFormatGivesValidValues() {
        gw.publish(table(route(HOST, "/", stableBackend)));
        settings(new AccessLogSettings(true, LogFormat.compile("{\"status\": $status, \"vhost\": \"$host\", \"path\": \"$uri\","
                + " \"request_query\": \"$args\", \"method\": \"$request_method\", \"proto\": \"$server_protocol\","
                + " \"ingress\": \"$namespace/$ingress_name\", \"svc\": \"$service_name:$service_port\", \"scheme\": \"$scheme\"}"),
                Escaping.JSON, SkipUrls.NONE, false));
        gw.get(HOST, "/a//b?q=1");
        assertThat(lines.single()).isEqualTo("{\"status\": 200, \"vhost\": \"shop.example.com\", \"path\": \"/a/b\","
                + " \"request_query\": \"q=1\", \"method\": \"GET\", \"proto\": \"HTTP/1.1\","
                + " \"ingress\": \"default/main\", \"svc\": \"web:80\", \"scheme\": \"http\"}");
    }

}
