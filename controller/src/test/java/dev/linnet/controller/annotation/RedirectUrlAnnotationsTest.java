package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.Redirect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * annotations-spec.md §2.1, the redirect group: ingress-nginx's DROP keeps the Ingress here with
 * the key's default and a warning that says so; a non-http temporal URL skips the whole group.
 */
class RedirectUrlAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private final List<String> warnings = new ArrayList<>();

    private RedirectUrlAnnotations.Group parse(String... kv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            a.put(P + "/" + kv[i], kv[i + 1]);
        }
        return RedirectUrlAnnotations.parse(a, P, false, warnings::add);
    }

    @Test
    void nothingSetNothingDone() {
        assertThat(parse()).isEqualTo(new RedirectUrlAnnotations.Group(null, false));
        assertThat(warnings).isEmpty();
    }

    @Test
    void r7_r8_r10_r11_permanentRedirect() {
        assertThat(parse("permanent-redirect", "http://redirect.example.com").redirect())
                .isEqualTo(new Redirect(301, "http://redirect.example.com", false));
        assertThat(parse("permanent-redirect", "http://r.example", "permanent-redirect-code", "308").redirect())
                .isEqualTo(new Redirect(308, "http://r.example", false));
        assertThat(parse("permanent-redirect", "/new-location", "relative-redirects", "true").redirect())
                .as("not scheme-checked").isEqualTo(new Redirect(301, "/new-location", true));
        assertThat(warnings).isEmpty();
    }

    @Test
    void theConfigMapsRelativeRedirectsIsTheDefaultTheAnnotationCanOnlyAdd() {
        Map<String, String> a = Map.of(P + "/permanent-redirect", "/x", P + "/relative-redirects", "false");
        assertThat(RedirectUrlAnnotations.parse(a, P, true, warnings::add).redirect().relative()).isTrue();
    }

    @Test
    void codesOutsideTheirRangeAreTheDefault() {
        assertThat(parse("permanent-redirect", "/x", "permanent-redirect-code", "309").redirect().code()).isEqualTo(301);
        assertThat(parse("temporal-redirect", "https://x", "temporal-redirect-code", "308").redirect().code())
                .as("X17").isEqualTo(302);
        assertThat(parse("temporal-redirect", "https://x", "temporal-redirect-code", "307").redirect().code())
                .isEqualTo(307);
        assertThat(warnings).hasSize(2).allMatch(w -> w.contains("is outside 300-"));
    }

    @Test
    void temporalWinsAndPermanentIsNotRead() {
        assertThat(parse("temporal-redirect", "https://t", "permanent-redirect", "bad url %").redirect())
                .isEqualTo(new Redirect(302, "https://t", false));
        assertThat(warnings).isEmpty();
    }

    @Test
    void dropValuesKeepTheIngressWithTheDefaultAndSaySo() {
        assertThat(parse("permanent-redirect", "https://a.example/%20").redirect()).isNull();
        assertThat(parse("permanent-redirect", "/x", "permanent-redirect-code", "three").redirect().code()).isEqualTo(301);
        assertThat(parse("from-to-www-redirect", "yes").fromToWww()).isFalse();
        assertThat(parse("relative-redirects", "maybe", "permanent-redirect", "/x").redirect().relative()).isFalse();
        assertThat(parse("temporal-redirect", "https://a b").redirect()).isNull();
        assertThat(warnings).hasSize(5).allMatch(w -> w.contains("ingress-nginx would not serve this Ingress at all"));
    }

    @Test
    void aTemporalUrlThatIsNotHttpSkipsTheWholeGroup() {
        assertThat(parse("temporal-redirect", "ftp://x", "from-to-www-redirect", "true", "permanent-redirect", "/p"))
                .isEqualTo(new RedirectUrlAnnotations.Group(null, false));
        assertThat(parse("temporal-redirect", "/relative").redirect()).isNull();
        assertThat(parse("temporal-redirect", "HTTPS://X").redirect()).as("Go lower-cases the scheme").isNotNull();
        assertThat(warnings).hasSize(2).allMatch(w -> w.contains("is not an http or https URL"));
    }

    @Test
    void fromToWwwIsPartOfTheGroup() {
        assertThat(parse("from-to-www-redirect", "true")).isEqualTo(new RedirectUrlAnnotations.Group(null, true));
    }
}
