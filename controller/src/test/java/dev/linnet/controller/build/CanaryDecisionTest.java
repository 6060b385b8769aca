package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.build.Fixtures.IngressFixture;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.SplitDecider;
import dev.linnet.gateway.split.SplitRequest;
import dev.linnet.gateway.split.Variant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The canary-spec.md §6.2 e2e cases E7-E18 at unit level: the builder turns the annotations
 * into a table, {@link SplitDecider} decides on it. A cheap, deterministic cross-check that the
 * two halves agree on what the annotations mean.
 */
class CanaryDecisionTest {

    /** A request with headers and cookies; names match ignoring case, as nginx does. */
    private record FakeRequest(Map<String, String> headers, Map<String, String> cookies) implements SplitRequest {
        static FakeRequest of(String header, String value, String cookie, String cookieValue) {
            Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            Map<String, String> c = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (header != null) {
                h.put(header, value);
            }
            if (cookie != null) {
                c.put(cookie, cookieValue);
            }
            return new FakeRequest(h, c);
        }

        @Override
        public String header(String name) {
            return headers.get(name);
        }

        @Override
        public String cookie(String name) {
            return cookies.get(name);
        }
    }

    private static Route route(String... canaryAnnotations) {
        IngressFixture c = ingress("ns/foo-canary").canary().host("foo").path("/info").backend("httpbun-canary", 80);
        for (int i = 0; i < canaryAnnotations.length; i += 2) {
            c.canary(canaryAnnotations[i], canaryAnnotations[i + 1]);
        }
        BuildResult r = Fixtures.build(svc("ns/httpbun", "10.0.0.1"), svc("ns/httpbun-canary", "10.0.1.1"),
                ingress("ns/foo").host("foo").path("/info").backend("httpbun", 80), c);
        Route route = r.table().route("foo", "/info/");
        assertThat(route.canary()).isNotNull();
        return route;
    }

    private static Variant decide(Route route, FakeRequest request) {
        return SplitDecider.decide(route.canary(), request, new SplittableRandom(7)).variant();
    }

    static Stream<Arguments> cases() {
        String[] byHeader = {"canary-by-header", "CanaryByHeader"};
        String[] byValue = {"canary-by-header", "CanaryByHeader", "canary-by-header-value", "DoCanary"};
        String[] byPattern = {"canary-by-header", "CanaryByHeader", "canary-by-header-pattern", "^Do[A-Z][a-z]+y$"};
        String[] valueAndPattern = {"canary-by-header", "CanaryByHeader", "canary-by-header-value", "DoCanary",
            "canary-by-header-pattern", "^Do[A-Z][a-z]+y$"};
        String[] badPattern = {"canary-by-header", "CanaryByHeader", "canary-by-header-pattern", "[][**da?$&*",
            "canary-by-cookie", "CanaryByCookie"};
        String[] valueAndCookie = {"canary-by-header", "CanaryByHeader", "canary-by-header-value", "DoCanary",
            "canary-by-cookie", "CanaryByCookie"};
        String[] byCookie = {"canary-by-cookie", "Canary-By-Cookie"};
        return Stream.of(
                Arguments.of("E7 header always", byHeader, req("CanaryByHeader", "always"), Variant.CANARY),
                Arguments.of("E7 header never", byHeader, req("CanaryByHeader", "never"), Variant.STABLE),
                Arguments.of("E7 header other value", byHeader, req("CanaryByHeader", "badheadervalue"), Variant.STABLE),
                Arguments.of("E7 header name ignores case", byHeader, req("canarybyheader", "always"), Variant.CANARY),
                Arguments.of("E1 no header", byHeader, req(null, null), Variant.STABLE),
                Arguments.of("E8 value matches", byValue, req("CanaryByHeader", "DoCanary"), Variant.CANARY),
                Arguments.of("E8 always is just a value", byValue, req("CanaryByHeader", "always"), Variant.STABLE),
                Arguments.of("E8 never", byValue, req("CanaryByHeader", "never"), Variant.STABLE),
                Arguments.of("E8 other value", byValue, req("CanaryByHeader", "otherheadervalue"), Variant.STABLE),
                Arguments.of("E9 pattern matches", byPattern, req("CanaryByHeader", "DoCanary"), Variant.CANARY),
                Arguments.of("E9 pattern does not match", byPattern, req("CanaryByHeader", "Docanary"), Variant.STABLE),
                Arguments.of("E10 value beats pattern", valueAndPattern, req("CanaryByHeader", "DoCananry"),
                        Variant.STABLE),
                Arguments.of("E11 regex error short-circuits the cookie", badPattern,
                        FakeRequest.of("CanaryByHeader", "DoCanary", "CanaryByCookie", "always"), Variant.STABLE),
                Arguments.of("E12 value miss falls through to the cookie", valueAndCookie,
                        FakeRequest.of("CanaryByHeader", "otherheadervalue", "CanaryByCookie", "always"),
                        Variant.CANARY),
                Arguments.of("E13 cookie always", byCookie, cookie("Canary-By-Cookie", "always"), Variant.CANARY),
                Arguments.of("E13 cookie never", byCookie, cookie("Canary-By-Cookie", "never"), Variant.STABLE),
                Arguments.of("E13 cookie other value", byCookie, cookie("Canary-By-Cookie", "badcookievalue"),
                        Variant.STABLE),
                Arguments.of("E14 weight 0", new String[] {"canary-weight", "0"}, req(null, null), Variant.STABLE),
                Arguments.of("E15 weight 100", new String[] {"canary-weight", "100"}, req(null, null), Variant.CANARY),
                Arguments.of("E16 weight = total", new String[] {"canary-weight", "1000", "canary-weight-total", "1000"},
                        req(null, null), Variant.CANARY),
                Arguments.of("negative weight never", new String[] {"canary-weight", "-5"}, req(null, null),
                        Variant.STABLE),
                Arguments.of("header name with underscore matches dashes",
                        new String[] {"canary-by-header", "X_Canary"}, req("x-canary", "always"), Variant.CANARY));
    }

    private static FakeRequest req(String header, String value) {
        return FakeRequest.of(header, value, null, null);
    }

    private static FakeRequest cookie(String name, String value) {
        return FakeRequest.of(null, null, name, value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void builtTableDecidesAsIngressNginx(String name, String[] annotations, FakeRequest request, Variant expected) {
        assertThat(decide(route(annotations), request)).isEqualTo(expected);
    }

    @Test
    void weight50SplitsRoughlyInHalf() { // E17
        assertThat(canaryShare(route("canary-weight", "50"))).isBetween(0.40, 0.60);
    }

    @Test
    void weight100OfTotal200SplitsRoughlyInHalf() { // E18
        assertThat(canaryShare(route("canary-weight", "100", "canary-weight-total", "200"))).isBetween(0.40, 0.60);
    }

    @Test
    void weight25OfTotal50IsHalfHereNotAQuarter() { // DESIGN.md difference 2
        assertThat(canaryShare(route("canary-weight", "25", "canary-weight-total", "50"))).isBetween(0.40, 0.60);
    }

    @Test
    void canaryIsNeverChosenWithoutCanaryEndpoints() {
        BuildResult r = Fixtures.build(svc("ns/httpbun", "10.0.0.1"), svc("ns/httpbun-canary"),
                ingress("ns/foo").host("foo").path("/info").backend("httpbun", 80),
                ingress("ns/c").canary().canary("canary-weight", "100").host("foo").path("/info")
                        .backend("httpbun-canary", 80));
        Decision d = SplitDecider.decide(r.table().route("foo", "/info").canary(), req(null, null),
                new SplittableRandom(1));
        assertThat(d.variant()).isEqualTo(Variant.STABLE);
    }

    private static double canaryShare(Route route) {
        SplittableRandom random = new SplittableRandom(42);
        int canary = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            if (SplitDecider.decide(route.canary(), req(null, null), random).isCanary()) {
                canary++;
            }
        }
        return canary / (double) n;
    }
}
