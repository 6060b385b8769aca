package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.Cors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** annotations-spec.md §1.1: every key valid and invalid; CORS never drops or denies an Ingress. */
class CorsAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private final List<String> warnings = new ArrayList<>();

    private Cors parse(String... kv) {
        Map<String, String> a = new HashMap<>();
        a.put(P + "/enable-cors", "true");
        for (int i = 0; i < kv.length; i += 2) {
            a.put(P + "/" + kv[i], kv[i + 1]);
        }
        return CorsAnnotations.parse(a, P, warnings::add);
    }

    @Test
    void enabledWithIngressNginxDefaults() {
        assertThat(parse()).isEqualTo(new Cors(List.of("*"), CorsAnnotations.DEFAULT_METHODS,
                CorsAnnotations.DEFAULT_HEADERS, true, "", 1728000));
        assertThat(warnings).isEmpty();
    }

    @Test
    void offUnlessEnableCorsIsTrue() {
        assertThat(CorsAnnotations.parse(Map.of(P + "/cors-allow-origin", "https://a.com"), P, warnings::add)).isNull();
        assertThat(parse("enable-cors", "false")).isNull();
        assertThat(parse("enable-cors", "yes")).as("invalid: false").isNull();
        assertThat(warnings).singleElement().asString().contains("enable-cors").contains("using false");
    }

    @Test
    void validValuesAreKeptVerbatim() {
        Cors c = parse("cors-allow-methods", "POST, GET", "cors-allow-headers", "DNT, User-Agent",
                "cors-allow-credentials", "false", "cors-expose-headers", "X-A, *", "cors-max-age", "200",
                "cors-allow-origin", "https://a.com, http://*.b.com:8080, null");
        assertThat(c).isEqualTo(new Cors(List.of("https://a.com", "http://*.b.com:8080", "null"), "POST, GET",
                "DNT, User-Agent", false, "X-A, *", 200));
        assertThat(warnings).isEmpty();
    }

    /** Each would end the head early: a blank line and the rest as body, or a line of its own. */
    @Test
    void aLineBreakInAValueNeverReachesAHeader() {
        Cors c = parse("cors-allow-methods", "GET,\r\n\r\nHTTP", "cors-expose-headers", "X-A,\nSet",
                "cors-allow-headers", "DNT,\rX");
        assertThat(c).isEqualTo(new Cors(List.of("*"), CorsAnnotations.DEFAULT_METHODS,
                CorsAnnotations.DEFAULT_HEADERS, true, "", 1728000));
        assertThat(warnings).hasSize(3).allMatch(w -> w.contains("is invalid"));
        assertThat(parse("cors-allow-methods", "GET,\tPOST").allowMethods()).as("a tab is white space in a value")
                .isEqualTo("GET,\tPOST");
    }

    @Test
    void invalidValuesFallBackToTheirDefaultsWithAWarning() {
        Cors c = parse("cors-allow-methods", "GET;", "cors-allow-headers", "X-$bad", "cors-allow-credentials", "maybe",
                "cors-expose-headers", "X-A;", "cors-max-age", "1d");
        assertThat(c).isEqualTo(new Cors(List.of("*"), CorsAnnotations.DEFAULT_METHODS,
                CorsAnnotations.DEFAULT_HEADERS, true, "", 1728000));
        assertThat(warnings).hasSize(5).allMatch(w -> w.contains("is invalid"));
    }

    @Test
    void aPathologicalMethodListIsRefusedQuickly() {
        long start = System.nanoTime();
        assertThat(parse("cors-allow-methods", "GET".repeat(5000) + "!").allowMethods())
                .isEqualTo(CorsAnnotations.DEFAULT_METHODS);
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    @Test
    void c10_c24_c25_originItems() {
        assertThat(parse("cors-allow-origin", "origin.cors.com:8080, https://origin2.cors.com").origins())
                .containsExactly("https://origin2.cors.com");
        assertThat(warnings).singleElement().asString().contains("\"origin.cors.com:8080\"").contains("skipped");
        assertThat(parse("cors-allow-origin", "https://a.com:8080,   ,https://b.com:8080,").origins())
                .containsExactly("https://a.com:8080", "https://b.com:8080");
        assertThat(parse("cors-allow-origin", "test://localhost, tauri://localhost:3000").origins())
                .containsExactly("test://localhost", "tauri://localhost:3000");
    }

    @Test
    void c13_c23_wildcardAndBlank() {
        assertThat(parse("cors-allow-origin", "*").origins()).containsExactly("*");
        assertThat(parse("cors-allow-origin", "      ").origins()).containsExactly("*");
        assertThat(parse("cors-allow-origin", "*, foo.bar.com").origins()).containsExactly("*");
    }

    @Test
    void anInvalidListFailsOpenToTheWildcardAndSaysSo() {
        assertThat(parse("cors-allow-origin", "https://a.com/path").origins()).containsExactly("*");
        assertThat(parse("cors-allow-origin", "HTTPS://A.COM").origins()).containsExactly("*");
        assertThat(warnings).hasSize(2).allMatch(w -> w.contains("using \"*\": every origin is allowed"));
    }

    @Test
    void noUsableOriginTurnsCorsOff() {
        assertThat(parse("cors-allow-origin", "a.com, b.com:80")).isNull();
        assertThat(warnings).last().asString().contains("CORS is off");
    }

    @Test
    void theListValidatorIsIngressNginxs() {
        for (String ok : List.of("", "*", "https://a.com", "https://a.com,http://*.b.com:80", "null", "a.com",
                "Ahttp://a.com", ":80", "http://", "a.comhttp://b.com")) {
            assertThat(CorsAnnotations.validList(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("HTTPS://a.com", "https://a.com/", "https:/a.com", "a.com:", "1://a", "*a.com",
                "https://a.com,*", "http:///", "a_b.com", "::80")) {
            assertThat(CorsAnnotations.validList(bad)).as(bad).isFalse();
        }
    }
}
