package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.RequestPath;
import dev.linnet.gateway.route.RouteTable;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of {@link RequestTarget} (issue 14 item 12), following a request target the way
 * {@code FrontendHandler} does: clean? ─▶ origin form or absolute form taken apart ─▶ path
 * without query ─▶ {@link RequestPath#normalise}.
 */
class RequestTargetPropertyTest {

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of("http", "https", "HTTP", "h2c", "x+y", "1http", "://", ":", "//", "/", "?", "#", "@",
                        "[", "]", "[::1]", "[fe80::1]", "example.com", "a", "-", ".", "..", ":8080", ":", "%2F",
                        "\\", "admin", "q=1", "[v1.x]", "*"),
                Arbitraries.chars().range('\u0021', '\u00ff').map(String::valueOf));
        return pieces.list().ofMaxSize(12).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> absoluteTargets() {
        Arbitrary<String> scheme = Arbitraries.of("http", "https", "HTTP", "ws");
        Arbitrary<String> host = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcXYZ019.-").ofMinLength(0).ofMaxLength(12),
                Arbitraries.of("[::1]", "[2001:db8::7]", "[]", "[::1", "[x]", "..", ".", "a..b", "a.", "a..", ".a"));
        Arbitrary<String> port = Arbitraries.of("", ":", ":80", ":8080", ":x", ":99999");
        Arbitrary<String> rest = Arbitraries.oneOf(Arbitraries.of("", "/", "?q", "/p?q#f", "\\admin", "@evil/", "#x"),
                targets());
        return Combinators.combine(scheme, host, port, rest).as((s, h, p, r) -> s + "://" + h + p + r);
    }

    @Property(tries = 3000)
    void anyCleanTargetEitherFailsOrYieldsARootedPath(@ForAll("targets") String uri) {
        checkTarget(uri);
    }

    @Property(tries = 3000)
    void anyAbsoluteTargetEitherFailsOrYieldsARootedPathAndAValidHost(@ForAll("absoluteTargets") String uri) {
        checkTarget(uri);
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

    @Property(tries = 2000)
    void aHostHeaderIsRefusedOrANormalisedHostName(@ForAll("targets") String value, @ForAll boolean http11) {
        // Not validated here, so that the check sees every value (the decoder refuses some earlier).
        HttpRequest request = new DefaultHttpRequest(http11 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0,
                HttpMethod.GET, "/", DefaultHttpHeadersFactory.headersFactory().withValidation(false));
        request.headers().set(HttpHeaderNames.HOST, value);
        String host = RequestTarget.validHostHeader(request, false);
        if (host != null) {
            assertThat(host).isNotEmpty().isEqualTo(RouteTable.normaliseHost(value)).doesNotContain("..")
                    .doesNotEndWith(".");
            assertThat(RequestTarget.isHostName(host)).isTrue();
        }
    }

    @Property(tries = 2000)
    void pathOfIsIdempotentAndAPrefix(@ForAll("targets") String uri) {
        String path = RequestTarget.pathOf(uri);
        assertThat(uri).startsWith(path);
        assertThat(RequestTarget.pathOf(path)).isEqualTo(path);
    }
}
