package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.RequestPath;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.testing.Gen;
import dev.linnet.gateway.testing.PropertyCheck;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link RequestTarget} (issue 14 item 12), following a request target the way
 * {@code FrontendHandler} does: clean? ─▶ origin form or absolute form taken apart ─▶ path
 * without query ─▶ {@link RequestPath#normalise}.
 */
class RequestTargetPropertyTest {

    private static final Gen<String> TARGETS = Gen.joined(Gen.oneOf(
            Gen.of("http", "https", "HTTP", "h2c", "x+y", "1http", "://", ":", "//", "/", "?", "#", "@", "[", "]",
                    "[::1]", "[fe80::1]", "example.com", "a", "-", ".", "..", ":8080", ":", "%2F", "\\", "admin",
                    "q=1", "[v1.x]", "*"),
            Gen.chars('\u0021', '\u00ff').map(String::valueOf)), 12);

    private static final Gen<String> ABSOLUTE_TARGETS = random -> Gen.of("http", "https", "HTTP", "ws").next(random)
            + "://" + Gen.oneOf(Gen.strings("abcXYZ019.-", 0, 12),
                    Gen.of("[::1]", "[2001:db8::7]", "[]", "[::1", "[x]", "..", ".", "a..b", "a.", "a..", ".a"))
                    .next(random)
            + Gen.of("", ":", ":80", ":8080", ":x", ":99999").next(random)
            + Gen.oneOf(Gen.of("", "/", "?q", "/p?q#f", "\\admin", "@evil/", "#x"), TARGETS).next(random);

    /** Origin and absolute forms at their boundaries: empty parts, dots, userinfo, IPv6, odd ports. */
    private static final List<String> TARGET_EDGES = List.of("", "/", "*", "?", "#", "//", "//a/b", "/?", "/#",
            "/a?b#c", "/a#b?c", "a", "http://", "http:///", "http://a", "http://a/", "http://a?q", "http://a#f",
            "http://a:", "http://a:80/p", "http://a:99999/", "http://a:x/", "http://[::1]/", "http://[::1]:8080/",
            "http://[]/", "http://[::1/", "http://a..b/", "http://a./", "http://.a/", "http://../", "http://./",
            "http://u@evil/", "http://a\\admin", "HTTP://A/", "https://a/%2F..%2F", "ws://a/", "1http://a/",
            "x+y://a/", "http:/a", "http:a", "http://a@b/");

    @Test
    void anyCleanTargetEitherFailsOrYieldsARootedPath() {
        PropertyCheck.forAll(TARGETS).edgeCases(TARGET_EDGES).check(3000, RequestTargetPropertyTest::checkTarget);
    }

    @Test
    void anyAbsoluteTargetEitherFailsOrYieldsARootedPathAndAValidHost() {
        PropertyCheck.forAll(ABSOLUTE_TARGETS).edgeCases(TARGET_EDGES)
                .check(3000, RequestTargetPropertyTest::checkTarget);
    }

    private static void checkTarget(String uri) {
        if (!RequestTarget.isClean(uri)) {
            return; // 400
        }
        String origin = uri;
        if (!uri.startsWith("/")) {
            RequestTarget.Absolute absolute = RequestTarget.absolute(uri);
            if (absolute == null) {
                return; // 400
            }
            origin = absolute.originForm();
            assertThat(origin).startsWith("/");
            // nginx's ngx_http_validate_host on the request line's host: what routes is a host
            // name (never empty, never with an empty label such as "a..b").
            String host = RouteTable.normaliseHost(absolute.authority());
            assertThat(host).as("host of %s", uri).isNotEmpty();
            assertThat(RequestTarget.isHostName(host)).as("host of %s", uri).isTrue();
            assertThat(absolute.authority()).doesNotContain("..").doesNotContain("/").doesNotContain("@")
                    .doesNotContain("?").doesNotContain("\\");
        }
        String path = RequestTarget.pathOf(origin);
        assertThat(path).startsWith("/").doesNotContain("?").doesNotContain("#");
        assertThat(origin).startsWith(path);
        String normalised = RequestPath.normalise(path);
        if (normalised != null) {
            assertThat(normalised).startsWith("/");
        }
    }

    /** A Host header value, on HTTP/1.1 or 1.0. */
    record HostHeader(String value, boolean http11) {
        static final Gen<HostHeader> GEN = random -> new HostHeader(TARGETS.next(random), random.nextBoolean());
    }

    private static final List<String> HOST_EDGES = List.of("", " ", ".", "..", "a", "a.", "a..", "a..b", ".a",
            "A.Example.COM", "a:80", "a:", ":80", "a:x", "[::1]", "[::1]:80", "[]", "[::1", "a b", "a/b", "a@b",
            "a\\b", "a?b", "a#b", "é.example", "xn--e1a.example", "a,b", "-a", "a-", "1.2.3.4", "*");

    @Test
    void aHostHeaderIsRefusedOrANormalisedHostName() {
        List<HostHeader> edges = HOST_EDGES.stream()
                .flatMap(v -> List.of(new HostHeader(v, true), new HostHeader(v, false)).stream()).toList();
        PropertyCheck.forAll(HostHeader.GEN).edgeCases(edges).check(2000, h -> {
            // Not validated here, so that the check sees every value (the decoder refuses some earlier).
            HttpRequest request = new DefaultHttpRequest(h.http11() ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0,
                    HttpMethod.GET, "/", DefaultHttpHeadersFactory.headersFactory().withValidation(false));
            request.headers().set(HttpHeaderNames.HOST, h.value());
            String host = RequestTarget.validHostHeader(request, false);
            if (host != null) {
                assertThat(host).isNotEmpty().isEqualTo(RouteTable.normaliseHost(h.value())).doesNotContain("..")
                        .doesNotEndWith(".");
                assertThat(RequestTarget.isHostName(host)).isTrue();
            }
        });
    }

    @Test
    void pathOfIsIdempotentAndAPrefix() {
        PropertyCheck.forAll(TARGETS).edgeCases(TARGET_EDGES).check(2000, uri -> {
            String path = RequestTarget.pathOf(uri);
            assertThat(uri).startsWith(path);
            assertThat(RequestTarget.pathOf(path)).isEqualTo(path);
        });
    }
}
