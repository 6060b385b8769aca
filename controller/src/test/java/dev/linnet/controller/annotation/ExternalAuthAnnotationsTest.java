package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.ExternalAuth;
import dev.linnet.gateway.policy.Satisfy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The auth-url family and satisfy (auth-limits-spec.md §3.1, §1.2, §3.8): each key valid and invalid, and the warnings. */
class ExternalAuthAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";
    private static final String URL = "http://auth.ns.svc/check";

    private record Parsed(IngressPolicies policies, List<String> warnings) {
        ExternalAuth auth() {
            return policies.routes().find(ExternalAuth.class);
        }

        String denied() {
            Deny d = policies.routes().find(Deny.class);
            return d == null ? null : d.reason();
        }

        String dropped() {
            return policies.notServed();
        }
    }

    private static final ClusterLookup LOOKUP = new ClusterLookup() {
        @Override
        public io.fabric8.kubernetes.api.model.Secret secret(String namespace, String name) {
            return null;
        }

        @Override
        public ConfigMap configMap(String namespace, String name) {
            Map<String, Map<String, String>> maps = Map.of(
                    "ns/headers", Map.of("My-Custom-Header", "42", "X-User", "$http_x_user"),
                    "ns/bad-key", Map.of("Bad Key", "1"),
                    "ns/crlf", Map.of("X-A", "1\r\nX-Injected: 2"),
                    "ns/unknown-var", Map.of("X-A", "$hostname"),
                    "other/headers", Map.of("X-A", "1"));
            Map<String, String> data = maps.get(namespace + "/" + name);
            return data == null ? null : new ConfigMapBuilder().withNewMetadata().withNamespace(namespace)
                    .withName(name).endMetadata().withData(data).build();
        }
    };

    private static Parsed parse(String... kv) {
        Map<String, String> annotations = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            annotations.put(P + "/" + kv[i], kv[i + 1]);
        }
        List<String> warnings = new ArrayList<>();
        IngressPolicies policies = PolicyAnnotations.parse(annotations, P, "ns", LOOKUP, warnings::add);
        return new Parsed(policies, warnings);
    }

    @Test
    void aPlainAuthUrlGivesThePolicyWithIngressNginxDefaults() {
        Parsed p = parse("auth-url", URL);
        ExternalAuth auth = p.auth();
        assertThat(auth.url()).isEqualTo(AuthTemplate.compile(URL));
        assertThat(auth.method()).isNull();
        assertThat(auth.signin()).isNull();
        assertThat(auth.responseHeaders()).isEmpty();
        assertThat(auth.requestRedirect()).isNull();
        assertThat(auth.cacheKey()).isNull();
        assertThat(auth.cacheDurations()).isEqualTo(Map.of(200, Duration.ofMinutes(5), 202, Duration.ofMinutes(5),
                401, Duration.ofMinutes(5)));
        assertThat(auth.alwaysSetCookie()).isFalse();
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void withoutAuthUrlTheOtherKeysAreIgnoredWithAWarning() {
        Parsed p = parse("auth-signin", "https://x/start");
        assertThat(p.auth()).isNull();
        assertThat(p.warnings()).containsExactly("annotation nginx.ingress.kubernetes.io/auth-signin:"
                + " \"https://x/start\" is ignored without nginx.ingress.kubernetes.io/auth-url, as in ingress-nginx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://auth/%2F", "http://auth/#x", "http://auth/{x}", "http://auth/;x",
            "http://user@auth/", "http://auth/\nx", "http://auth/\0"})
    void authUrlWithACharacterIngressNginxRefusesIsDropped(String url) {
        Parsed p = parse("auth-url", url);
        assertThat(p.dropped()).contains("auth-url").contains("has a character ingress-nginx refuses");
        assertThat(p.warnings()).singleElement().asString().endsWith("; the Ingress is not served");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://invalid..auth.url | could not parse auth-url annotation: invalid url host",
        "auth.example.com/check | url scheme is empty",
        "http:///check | url host is empty",
        "ftp://auth/check | url scheme ftp (expected: http or https)",
        "http://$hostname/check | variable $hostname is not one Linnet evaluates"})
    void e26_e27_anUnusableAuthUrlDeniesTheIngress(String url, String reason) {
        Parsed p = parse("auth-url", url);
        assertThat(p.denied()).contains(reason);
        assertThat(p.auth()).isNull();
        assertThat(p.warnings()).singleElement().asString().endsWith("every path of this Ingress answers 503 (fails closed)");
    }

    @Test
    void variablesOfTheClosedSetAreAccepted() {
        Parsed p = parse("auth-url", "https://$host:$server_port/oauth2/auth?u=$escaped_request_uri&c=$cookie_Session"
                + "&h=$http_x_id&m=$request_method&ns=$namespace&i=$ingress_name&s=$service_name&l=$location_path");
        assertThat(p.auth()).isNotNull();
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void authMethodMustBeAnUpperCaseMethod() {
        assertThat(parse("auth-url", URL, "auth-method", "POST").auth().method()).isEqualTo("POST");
        for (String bad : new String[] {"post", "GET POST", "GETX", "XGET"}) {
            assertThat(parse("auth-url", URL, "auth-method", bad).denied()).as(bad).contains("is an invalid HTTP method");
        }
    }

    @Test
    void authSigninGetsTheRedirectParameterUnlessItHasIt() {
        assertThat(parse("auth-url", URL, "auth-signin", "http://$host/auth/start").auth().signin())
                .hasToString("http://$host/auth/start?rd=$pass_access_scheme://$http_host$escaped_request_uri");
        assertThat(parse("auth-url", URL, "auth-signin", "https://$host/oauth2/start?rd=$escaped_request_uri").auth()
                .signin()).hasToString("https://$host/oauth2/start?rd=$escaped_request_uri");
        assertThat(parse("auth-url", URL, "auth-signin", "https://x/start?a=b", "auth-signin-redirect-param", "orig")
                .auth().signin()).hasToString("https://x/start?a=b&orig=$pass_access_scheme://$http_host$escaped_request_uri");
    }

    @Test
    void anInvalidSigninIsIgnoredAndAnInvalidParamIsRd() {
        Parsed p = parse("auth-url", URL, "auth-signin", "https://x/%2F");
        assertThat(p.auth().signin()).isNull();
        assertThat(p.warnings()).containsExactly("annotation nginx.ingress.kubernetes.io/auth-signin: \"https://x/%2F\""
                + " is invalid (expected: a URL of letters, digits and - . _ ~ / : , ? & = $ only (no % # { } ; @ quotes));"
                + " ignored: unauthenticated requests get 401, as in ingress-nginx");
        p = parse("auth-url", URL, "auth-signin", "https://x/start", "auth-signin-redirect-param", "$rd");
        assertThat(p.auth().signin().toString()).contains("?rd=");
        assertThat(p.warnings()).singleElement().asString().contains("auth-signin-redirect-param").contains("using \"rd\"");
    }

    @Test
    void responseHeadersAreAListOfNames() {
        assertThat(parse("auth-url", URL, "auth-response-headers", "X-Auth-Request-User, X-Auth-Request-Email").auth()
                .responseHeaders()).containsExactly("X-Auth-Request-User", "X-Auth-Request-Email");
        assertThat(parse("auth-url", URL, "auth-response-headers", "X-User: 1").denied())
                .contains("auth-response-headers").contains("is invalid");
        assertThat(parse("auth-url", URL, "auth-response-headers", "A,,B").denied()).contains("auth-response-headers");
    }

    @Test
    void authRequestRedirectWithAVariableDeniesWhereIngressNginxServedOpen() {
        assertThat(parse("auth-url", URL, "auth-request-redirect", "/here?x=1").auth().requestRedirect())
                .isEqualTo("/here?x=1");
        Parsed p = parse("auth-url", URL, "auth-request-redirect", "$request_uri");
        assertThat(p.denied()).contains("ingress-nginx would have served the Ingress without authentication (#10813)");
    }

    @Test
    void e3_proxySetHeadersNameAConfigMapOfTheSameNamespace() {
        assertThat(parse("auth-url", URL, "auth-proxy-set-headers", "ns/headers").auth().proxySetHeaders())
                .containsExactly(new ExternalAuth.SetHeader("My-Custom-Header", AuthTemplate.compile("42")),
                        new ExternalAuth.SetHeader("X-User", AuthTemplate.compile("$http_x_user")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "headers | does not name a ConfigMap as namespace/name",
        "other/headers | names a ConfigMap in another namespace than the Ingress's ns",
        "ns/missing | names a ConfigMap that does not exist",
        "ns/bad-key | is not a header name",
        "ns/crlf | has a CR, LF or NUL (header injection)",
        "ns/unknown-var | variable $hostname is not one Linnet evaluates",
        "ns/a=b | is invalid"})
    void proxySetHeadersProblemsDeny(String value, String problem) {
        assertThat(parse("auth-url", URL, "auth-proxy-set-headers", value).denied()).contains(problem);
    }

    @Test
    void cacheKeyAndDurations() {
        ExternalAuth auth = parse("auth-url", URL, "auth-cache-key", "$remote_user$http_authorization",
                "auth-cache-duration", "200 202 10m, 401 1h30m").auth();
        assertThat(auth.cacheKey()).hasToString("$remote_user$http_authorization");
        assertThat(auth.cacheDurations()).isEqualTo(Map.of(200, Duration.ofMinutes(10), 202, Duration.ofMinutes(10),
                401, Duration.ofMinutes(90)));
        Parsed p = parse("auth-url", URL, "auth-cache-key", "a/b");
        assertThat(p.auth().cacheKey()).isNull();
        assertThat(p.warnings()).singleElement().asString().contains("auth answers are not cached");
        assertThat(parse("auth-url", URL, "auth-cache-key", "$hostname").denied()).contains("$hostname");
    }

    @Test
    void aBadCacheDurationDeniesInsteadOfSwitchingAuthOff() {
        assertThat(parse("auth-url", URL, "auth-cache-duration", "200 5m;").denied())
                .contains("has a character ingress-nginx refuses")
                .contains("ingress-nginx would have served the Ingress without authentication");
        assertThat(parse("auth-url", URL, "auth-cache-duration", "200").denied()).contains("item \"200\" is invalid");
        assertThat(parse("auth-url", URL, "auth-cache-duration", "5x 200").denied()).contains("is invalid");
    }

    @Test
    void alwaysSetCookieMustBeABoolean() {
        assertThat(parse("auth-url", URL, "auth-always-set-cookie", "true").auth().alwaysSetCookie()).isTrue();
        assertThat(parse("auth-url", URL, "auth-always-set-cookie", "yes").denied())
                .contains("ingress-nginx would have served the Ingress without authentication");
    }

    @Test
    void keepaliveKeysOnlyTuneThePool() {
        Parsed p = parse("auth-url", URL, "auth-keepalive", "10", "auth-keepalive-requests", "100",
                "auth-keepalive-timeout", "30", "auth-keepalive-share-vars", "true");
        assertThat(p.auth()).isNotNull();
        assertThat(p.warnings()).isEmpty();
        p = parse("auth-url", URL, "auth-keepalive", "ten");
        assertThat(p.auth()).isNotNull();
        assertThat(p.warnings()).containsExactly("annotation nginx.ingress.kubernetes.io/auth-keepalive: \"ten\""
                + " is invalid (expected: an integer); using 0");
    }

    @Test
    void enableGlobalAuthIsReadWithoutWarningAndAnInvalidValueIsTrue() {
        Parsed p = parse("enable-global-auth", "false");
        assertThat(p.warnings()).isEmpty();
        assertThat(p.auth()).as("no global auth without the ConfigMap").isNull();
        p = parse("enable-global-auth", "nope");
        assertThat(p.warnings()).containsExactly("annotation nginx.ingress.kubernetes.io/enable-global-auth: \"nope\""
                + " is invalid (expected: true or false); using true");
    }

    @Test
    void satisfyAnyOrAll() {
        assertThat(parse("satisfy", "any").policies().routes().satisfyAny()).isTrue();
        assertThat(parse("satisfy", "all").policies().routes().satisfyAny()).isFalse();
        Parsed p = parse("satisfy", "some");
        assertThat(p.policies().routes().find(Satisfy.class)).isNull();
        assertThat(p.warnings()).containsExactly("annotation nginx.ingress.kubernetes.io/satisfy: \"some\""
                + " is invalid (expected: any or all); using \"all\"");
    }

    @Test
    void authUrlKeysAreNoLongerReportedAsNotImplemented() {
        List<String> warnings = new ArrayList<>();
        UnsupportedAnnotations.warn(Map.of(P + "/auth-url", URL, P + "/auth-signin", "x", P + "/satisfy", "any"), P,
                warnings::add);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aCanaryWithAnInvalidAuthUrlIsNotServed() {
        List<String> warnings = new ArrayList<>();
        String reason = PolicyAnnotations.validateOnCanary(Map.of(P + "/auth-url", "http://auth/%"), P, "ns", LOOKUP,
                warnings::add);
        assertThat(reason).contains("has a character ingress-nginx refuses");
        assertThat(warnings.get(0)).contains("is ignored on a canary Ingress");
    }
}
