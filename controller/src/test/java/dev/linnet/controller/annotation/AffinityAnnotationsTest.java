package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.Affinity;
import dev.linnet.gateway.policy.SameSite;
import dev.linnet.gateway.policy.StickyCookie;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** affinity-spec.md §1 and the Go unit tests of §6.7, with Linnet's stricter lifetimes. */
class AffinityAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private final List<String> warnings = new ArrayList<>();

    private Affinity parse(String... kv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            a.put(P + "/" + kv[i], kv[i + 1]);
        }
        return AffinityAnnotations.parse(a, P, warnings::add);
    }

    @Test
    void a49_everyKeyAsWritten() {
        Affinity a = parse("affinity", "cookie", "affinity-mode", "balanced", "session-cookie-expires", "4500",
                "session-cookie-max-age", "3000", "session-cookie-path", "/foo", "session-cookie-domain", "foo.bar",
                "session-cookie-samesite", "Strict", "session-cookie-change-on-failure", "true",
                "session-cookie-secure", "true", "session-cookie-conditional-samesite-none", "true");
        assertThat(warnings).isEmpty();
        assertThat(a).isEqualTo(new Affinity(false, true, new StickyCookie("INGRESSCOOKIE", "/foo", "foo.bar", 4500L,
                3000L, true, SameSite.STRICT, true)));
    }

    @Test
    void a50_modesNamesAndAbsence() {
        assertThat(parse("affinity", "cookie", "affinity-mode", "persistent", "session-cookie-name", "route1"))
                .isEqualTo(new Affinity(true, false, StickyCookie.named("route1")));
        assertThat(parse("affinity", "cookie", "session-cookie-name", "")).isEqualTo(
                new Affinity(false, false, StickyCookie.named("INGRESSCOOKIE")));
        assertThat(parse()).isNull();
        assertThat(warnings).isEmpty();
    }

    @Test
    void a67_affinityIsCaseSensitiveAndAnInvalidValueMeansNoAffinity() {
        assertThat(parse("affinity", "Cookie", "session-cookie-name", "x")).isNull();
        assertThat(warnings).containsExactly(
                "annotation " + P + "/affinity: \"Cookie\" is invalid (expected: cookie); using no affinity",
                "annotation " + P + "/session-cookie-name has no effect without " + P + "/affinity: \"cookie\"; ignored");
    }

    @Test
    void anInvalidModeIsBalanced() {
        assertThat(parse("affinity", "cookie", "affinity-mode", "Persistent").persistent()).isFalse();
        assertThat(warnings).containsExactly("annotation " + P + "/affinity-mode: \"Persistent\" is invalid"
                + " (expected: balanced or persistent); using balanced");
    }

    @Test
    void lifetimesAreIntegersOnly() {
        for (String bad : List.of("1.5", "0x10", "abc12", "48h", "1e3", "05x")) {
            warnings.clear();
            Affinity a = parse("affinity", "cookie", "session-cookie-max-age", bad, "session-cookie-expires", bad);
            assertThat(a.cookie().maxAge()).as(bad).isNull();
            assertThat(a.cookie().expires()).as(bad).isNull();
            assertThat(warnings).as(bad).hasSize(2).allMatch(w -> w.contains("(expected: an integer)"));
        }
        warnings.clear();
        Affinity a = parse("affinity", "cookie", "session-cookie-max-age", "0", "session-cookie-expires", "-1");
        assertThat(a.cookie().maxAge()).isZero();
        assertThat(a.cookie().expires()).isEqualTo(-1L);
        assertThat(warnings).isEmpty();
    }

    @Test
    void sameSiteInAnyCaseOtherwiseNone() {
        assertThat(parse("affinity", "cookie", "session-cookie-samesite", "none").cookie().sameSite())
                .isEqualTo(SameSite.NONE);
        assertThat(parse("affinity", "cookie", "session-cookie-samesite", "LAX").cookie().sameSite())
                .isEqualTo(SameSite.LAX);
        assertThat(warnings).isEmpty();
        assertThat(parse("affinity", "cookie", "session-cookie-samesite", "sometimes").cookie().sameSite()).isNull();
        assertThat(warnings).singleElement().asString().contains("session-cookie-samesite: \"sometimes\" is invalid");
    }

    @Test
    void namesAndPathsThatCannotWork() {
        assertThat(parse("affinity", "cookie", "session-cookie-name", "a:b").cookie().name()).isEqualTo("INGRESSCOOKIE");
        assertThat(parse("affinity", "cookie", "session-cookie-path", "/foo/.*").cookie().path()).isNull();
        assertThat(parse("affinity", "cookie", "session-cookie-path", "/; Secure").cookie().path()).as("#6812 hack")
                .isNull();
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(0)).contains("session-cookie-name: \"a:b\" is invalid");
    }

    @Test
    void obsoleteHashIsWarnedAndIgnored() {
        assertThat(parse("affinity", "cookie", "session-cookie-hash", "sha1")).isNotNull();
        assertThat(warnings).containsExactly("annotation " + P + "/session-cookie-hash: \"sha1\" is obsolete"
                + " (removed from ingress-nginx in 2019); ignored");
    }

    @Test
    void affinityKeysAreNoLongerReportedAsNotImplemented() {
        Map<String, String> a = Map.of(P + "/affinity", "cookie", P + "/session-cookie-name", "x",
                P + "/affinity-canary-behavior", "legacy");
        UnsupportedAnnotations.warn(a, P, warnings::add);
        assertThat(warnings).isEmpty();
    }
}
