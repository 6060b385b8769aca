package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.BasicAuth;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.DigestAuth;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.Step;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** auth-type / auth-secret / auth-secret-type / auth-realm: ingress-nginx's outcome for every value (spec §2). */
class BasicAuthAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";
    private static final String HASH = "$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0";

    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Secret> secrets = new HashMap<>();
    private final ClusterLookup lookup = (ns, name) -> secrets.get(ns + '/' + name);

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void secret(String nsName, Map<String, String> data) {
        Map<String, String> encoded = new HashMap<>();
        data.forEach((k, v) -> encoded.put(k, b64(v)));
        String[] n = nsName.split("/");
        secrets.put(nsName, new SecretBuilder().withNewMetadata().withNamespace(n[0]).withName(n[1]).endMetadata()
                .withType("Opaque").withData(encoded).build());
    }

    private IngressPolicies parse(String... keyValues) {
        Map<String, String> annotations = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            annotations.put(P + '/' + keyValues[i], keyValues[i + 1]);
        }
        return PolicyAnnotations.parse(annotations, P, "ns", lookup, warnings::add);
    }

    /** The authentication policy, or the DENY that replaces every policy (ssl-redirect's default is left out). */
    private static Policy only(IngressPolicies p) {
        assertThat(p.served()).as("served").isTrue();
        List<Policy> auth = auth(p);
        assertThat(auth).hasSize(1);
        return auth.get(0);
    }

    private static List<Policy> auth(IngressPolicies p) {
        return p.routes().all().stream().filter(x -> x.step() == Step.BASIC_AUTH || x.step() == Step.DENY).toList();
    }

    @Test
    void withoutAuthTypeThereIsNoAuthenticationEvenWithASecret() {
        secret("ns/auth", Map.of("auth", "foo:" + HASH));
        assertThat(auth(parse("auth-secret", "auth"))).isEmpty();
        assertThat(auth(parse("auth-type", "", "auth-secret", "auth"))).as("empty = absent").isEmpty();
    }

    @Test
    void basicWithAnAuthFileSecret() {
        secret("ns/auth", Map.of("auth", "foo:" + HASH + "\n"));
        Policy p = only(parse("auth-type", "basic", "auth-secret", "auth", "auth-realm", "test auth"));
        assertThat(p).isEqualTo(new BasicAuth("test auth", Map.of("foo", HASH)));
        assertThat(only(parse("auth-type", "basic", "auth-secret", "ns/auth"))).as("namespace/name, realm \"\"")
                .isEqualTo(new BasicAuth("", Map.of("foo", HASH)));
        assertThat(warnings).isEmpty();
    }

    /** A7: auth-map, every key a user (a key named auth too). */
    @Test
    void a7_anAuthMapSecretMakesEveryKeyAUser() {
        secret("ns/map", Map.of("foo", HASH, "auth", "{PLAIN}x"));
        Policy p = only(parse("auth-type", "basic", "auth-secret", "map", "auth-secret-type", "auth-map"));
        assertThat(p).isEqualTo(new BasicAuth("", Map.of("foo", HASH, "auth", "{PLAIN}x")));
    }

    @Test
    void digestKeepsTheHtdigestLinesOfItsRealm() {
        String ha1 = "e2a47a93ec0bd0a4c0de4e2e2d4f0bfa";
        secret("ns/d", Map.of("auth", "foo:other:" + "0".repeat(32) + "\nfoo:test:" + ha1.toUpperCase() + "\nbar:test:nothex\n"));
        Policy p = only(parse("auth-type", "digest", "auth-secret", "d", "auth-realm", "test"));
        assertThat(p).isEqualTo(new DigestAuth("test", Map.of("foo", ha1)));
        assertThat(warnings).singleElement().asString().contains("user \"bar\"").doesNotContain("nothex");
    }

    /** [DIFF] xbasic: ingress-nginx accepts it and renders a configuration nginx refuses. */
    @ParameterizedTest
    @CsvSource({"xbasic", "Basic", "none", "basic digest", "DIGEST"})
    void anAuthTypeOtherThanBasicOrDigestIsNotServed(String type) {
        secret("ns/auth", Map.of("auth", "foo:" + HASH));
        IngressPolicies p = parse("auth-type", type, "auth-secret", "auth");
        assertThat(p.served()).isFalse();
        assertThat(p.notServed()).contains(P + "/auth-type").contains(type).contains("expected: basic or digest");
    }

    /** A2 and every other Secret problem: DENY, every path answers 503. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "something|not found",                 // A2: absent
        "''|is missing",
        "a/b/c|name or namespace/name",
        "ns/|name or namespace/name",
        "bad;name|is invalid",
        "other/auth|another namespace",
        "nokey|has no key auth",
    })
    void a2_anyProblemWithTheSecretDeniesTheIngress(String secret, String problem) {
        secret("ns/nokey", Map.of("users", "foo:" + HASH));
        secret("other/auth", Map.of("auth", "foo:" + HASH));
        Policy p = only(parse("auth-type", "basic", "auth-secret", secret, "auth-realm", "test auth"));
        assertThat(p).isInstanceOf(Deny.class);
        assertThat(((Deny) p).reason()).contains(problem);
        assertThat(warnings).anyMatch(w -> w.contains("answers 503"));
    }

    @Test
    void anAuthSecretTypeThatOnlyContainsAValidOneDeniesAndAnyOtherDrops() {
        secret("ns/auth", Map.of("auth", "foo:" + HASH));
        assertThat(only(parse("auth-type", "basic", "auth-secret", "auth", "auth-secret-type", "auth-files")))
                .isInstanceOf(Deny.class);
        assertThat(parse("auth-type", "basic", "auth-secret", "auth", "auth-secret-type", "file").served()).isFalse();
    }

    @Test
    void aRealmOutsideItsCharactersIsNotServedAndOffIsARealm() {
        secret("ns/auth", Map.of("auth", "foo:" + HASH));
        assertThat(parse("auth-type", "basic", "auth-secret", "auth", "auth-realm", "say \"hi\"").served()).isFalse();
        assertThat(parse("auth-type", "basic", "auth-secret", "auth", "auth-realm", "a,b").served()).isFalse();
        warnings.clear();
        assertThat(only(parse("auth-type", "basic", "auth-secret", "auth", "auth-realm", "off")))
                .isEqualTo(new BasicAuth("off", Map.of("foo", HASH)));
        assertThat(warnings).singleElement().asString().contains("authentication stays on");
    }

    /** nginx's reading of the file: comments and CR lines skipped, first line of a user wins, hash ends at ':' or CR. */
    @Test
    void theHtpasswdFileIsReadAsNginxReadsIt() {
        secret("ns/auth", Map.of("auth", "# comment\r\n\rfoo:{PLAIN}no\nfoo:{PLAIN}first:comment\r\nfoo:{PLAIN}second\n"
                + "bar:{PLAIN}b\r\nnocolon\nbaz:" + HASH));
        Policy p = only(parse("auth-type", "basic", "auth-secret", "auth"));
        assertThat(((BasicAuth) p).users()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "foo", "{PLAIN}first", "bar", "{PLAIN}b", "baz", HASH));
    }

    @Test
    void unsupportedSchemesAreWarnedAboutByUserNeverByHash() {
        secret("ns/auth", Map.of("auth", "bsdi:_J9..saltLXKE4peqNCg\nyes:$y$j9T$salt$hash\nempty:\nok:" + HASH));
        parse("auth-type", "basic", "auth-secret", "auth");
        assertThat(warnings).hasSize(3)
                .anyMatch(w -> w.contains("user \"bsdi\"") && w.contains("BSDi"))
                .anyMatch(w -> w.contains("user \"yes\"") && w.contains("$y$"))
                .anyMatch(w -> w.contains("user \"empty\"") && w.contains("empty password hash"))
                .noneMatch(w -> w.contains("saltLXKE") || w.contains("j9T") || w.contains("LrttPar"));
    }

    /** A bcrypt cost far above the e2e Secrets' 14 would hold the shared password threads for seconds per login. */
    @Test
    void aVeryExpensiveBcryptHashIsWarnedAbout() {
        secret("ns/auth", Map.of("auth", "slow:$2y$17$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n"
                + "e2e:$2a$14$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
        assertThat(only(parse("auth-type", "basic", "auth-secret", "auth"))).isInstanceOf(BasicAuth.class);
        assertThat(warnings).singleElement().asString().contains("user \"slow\"").contains("cost 17")
                .contains("12.8 s").doesNotContain("CCCC");
    }

    /** A canary's auth keys are ignored (the main's apply) but validated: a DROP value drops the canary. */
    @Test
    void onACanaryTheKeysAreIgnoredButValidated() {
        secret("ns/auth", Map.of("auth", "foo:" + HASH));
        Map<String, String> valid = Map.of(P + "/auth-type", "basic", P + "/auth-secret", "auth");
        assertThat(PolicyAnnotations.validateOnCanary(valid, P, "ns", lookup, warnings::add)).isNull();
        assertThat(warnings).anyMatch(w -> w.contains("auth-type") && w.contains("ignored on a canary"));
        Map<String, String> invalid = Map.of(P + "/auth-type", "xbasic", P + "/auth-secret", "auth");
        assertThat(PolicyAnnotations.validateOnCanary(invalid, P, "ns", lookup, warnings::add)).contains("auth-type");
    }
}
