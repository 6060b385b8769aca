package dev.linnet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.annotation.ClusterLookup;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.ExternalAuth;
import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.SourceRanges;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ConfigMap keys that are annotation defaults and global policies, read into {@link AnnotationDefaults}. */
class DefaultKeysTest {

    private static ControllerSettings read(Map<String, String> data) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("ingress").withName("linnet").endMetadata()
                .withData(data).build();
        ClusterLookup lookup = TestLookups.configMaps((namespace, name) ->
                namespace.equals("ingress") && name.equals("linnet") ? cm : null);
        return ConfigMapReader.read(new ConfigMapOptions("ingress/linnet", GatewayConfig.defaults(), Set.of()), lookup);
    }

    private static List<String> messages(ControllerSettings s) {
        return s.warnings().stream().map(ConfigWarning::message).toList();
    }

    @Test
    void withoutTheKeysTheDefaultsAreIngressNginxs() {
        ControllerSettings s = read(Map.of());
        assertThat(s.defaults()).isEqualTo(AnnotationDefaults.DEFAULT);
        assertThat(s.defaults().noTlsRedirectLocations()).containsExactly("/.well-known/acme-challenge");
        assertThat(s.defaults().noAuthLocations()).containsExactly("/.well-known/acme-challenge");
        assertThat(s.defaults().globalAuth()).isNull();
        assertThat(messages(s)).isEmpty();
        assertThat(ConfigMapReader.read(ConfigMapOptions.NONE, ClusterLookup.EMPTY).defaults())
                .isEqualTo(AnnotationDefaults.DEFAULT);
    }

    @Test
    void validValuesBecomeTheDefaultsWithoutWarnings() {
        ControllerSettings s = read(Map.ofEntries(
                Map.entry("ssl-redirect", "false"),
                Map.entry("force-ssl-redirect", "true"),
                Map.entry("no-tls-redirect-locations", "/check-no-tls, ,/.well-known"),
                Map.entry("whitelist-source-range", "10.0.0.0/8, 1.1.1.1"),
                Map.entry("load-balance", "ewma"),
                Map.entry("no-auth-locations", ""),
                Map.entry("global-auth-url", "http://auth.example.com/check?host=$host"),
                Map.entry("global-auth-method", "POST"),
                Map.entry("global-auth-signin", "https://login.example.com/start"),
                Map.entry("global-auth-signin-redirect-param", "orig"),
                Map.entry("global-auth-response-headers", "X-User, X-Email"),
                Map.entry("global-auth-request-redirect", "https://app.example.com/back"),
                Map.entry("global-auth-cache-key", "$http_authorization"),
                Map.entry("global-auth-cache-duration", "200 10m, 401 1m"),
                Map.entry("global-auth-always-set-cookie", "true")));
        AnnotationDefaults d = s.defaults();
        assertThat(messages(s)).isEmpty(); // none of these is reported as not implemented or unknown
        assertThat(d.sslRedirect()).isFalse();
        assertThat(d.forceSslRedirect()).isTrue();
        assertThat(d.noTlsRedirectLocations()).containsExactly("/check-no-tls", "/.well-known");
        assertThat(d.allowlist()).isEqualTo(new AccessList(SourceRanges.of(List.of("10.0.0.0/8", "1.1.1.1"))));
        assertThat(d.loadBalance()).isEqualTo("ewma");
        assertThat(d.noAuthLocations()).as("present but empty: nothing is exempt").isEmpty();
        assertThat(d.globalAuth()).isEqualTo(new ExternalAuth(
                AuthTemplate.compile("http://auth.example.com/check?host=$host"), "POST",
                AuthTemplate.compile("https://login.example.com/start?orig=$pass_access_scheme://$http_host$escaped_request_uri"),
                List.of("X-User", "X-Email"), "https://app.example.com/back", List.of(),
                AuthTemplate.compile("$http_authorization"),
                Map.of(200, Duration.ofMinutes(10), 401, Duration.ofMinutes(1)), true));
    }

    @Test
    void g9_aGlobalAuthSnippetIsNeverExecutedAndSaysSo() {
        ControllerSettings s = read(Map.of("global-auth-url", "http://auth.example.com/",
                "global-auth-snippet", "proxy_set_header Foo-Header 42;"));
        assertThat(s.defaults().globalAuth()).isInstanceOf(ExternalAuth.class);
        assertThat(messages(s)).containsExactly("key global-auth-snippet is never executed (Linnet runs no nginx"
                + " configuration); ignored");
    }

    @Test
    void anUnusableGlobalAuthUrlDeniesInTheAuthStepWhereIngressNginxWouldServeOpen() {
        ControllerSettings s = read(Map.of("global-auth-url", "https://invalid..auth.url",
                "global-auth-method", "GET"));
        assertThat(s.defaults().globalAuth()).isInstanceOf(Deny.class);
        Deny deny = (Deny) s.defaults().globalAuth();
        assertThat(deny.step()).as("exempted by no-auth-locations like the auth it stands for")
                .isEqualTo(Step.EXTERNAL_AUTH);
        assertThat(deny.reason()).isEqualTo("ConfigMap ingress/linnet key global-auth-url: \"https://invalid..auth.url\""
                + " is unusable: invalid url host");
        assertThat(messages(s)).containsExactly("key global-auth-url: \"https://invalid..auth.url\" is unusable:"
                + " invalid url host; every route under global auth answers 503 (ingress-nginx would serve them"
                + " without authentication)");
        for (String url : List.of("auth.example.com/check", "ftp://auth.example.com/", "http://auth/$unknown_var",
                "http://auth/a\u0001b")) {
            assertThat(read(Map.of("global-auth-url", url)).defaults().globalAuth()).as(url).isInstanceOf(Deny.class);
        }
    }

    @Test
    void invalidGlobalAuthDetailsAreWarnedAndLeaveAuthOnAsIngressNginxDoes() {
        ControllerSettings s = read(Map.of(
                "global-auth-url", "http://auth.example.com/",
                "global-auth-method", "get",
                "global-auth-signin", "login.example.com/start",
                "global-auth-signin-redirect-param", "r&d",
                "global-auth-response-headers", "X-User, Bad Header,X-Email",
                "global-auth-request-redirect", "$scheme://$host",
                "global-auth-cache-key", "$nope",
                "global-auth-cache-duration", "200",
                "global-auth-always-set-cookie", "maybe"));
        ExternalAuth auth = (ExternalAuth) s.defaults().globalAuth();
        assertThat(auth.url()).isEqualTo(AuthTemplate.compile("http://auth.example.com/"));
        assertThat(auth.method()).as("GET, without X-Original-URI").isNull();
        assertThat(auth.signin()).as("401 instead of a redirect").isNull();
        assertThat(auth.responseHeaders()).containsExactly("X-User", "X-Email");
        assertThat(auth.requestRedirect()).as("$request_uri").isNull();
        assertThat(auth.cacheKey()).as("no caching").isNull();
        assertThat(auth.cacheDurations()).isEqualTo(ExternalAuth.DEFAULT_CACHE_DURATIONS);
        assertThat(auth.alwaysSetCookie()).isFalse();
        assertThat(messages(s)).containsExactlyInAnyOrder(
                "key global-auth-method: \"get\" is invalid (expected: GET HEAD POST PUT PATCH DELETE CONNECT OPTIONS"
                        + " TRACE, upper case); using GET",
                "key global-auth-signin-redirect-param: \"r&d\" is invalid (expected: a query parameter name of letters,"
                        + " digits and - . _ ~); using rd",
                "key global-auth-signin: \"login.example.com/start\" is unusable (url scheme is empty); ignored:"
                        + " unauthenticated requests get 401, as in ingress-nginx",
                "key global-auth-response-headers: \"Bad Header\" is not a header name (expected: letters, digits, - and"
                        + " _); that name is dropped, as in ingress-nginx",
                "key global-auth-request-redirect: \"$scheme://$host\" is invalid (expected: "
                        + dev.linnet.controller.annotation.ValueType.URL_CHARS.expected() + "); using $request_uri",
                "key global-auth-cache-key: \"$nope\" is unusable (" + unknownVariable("$nope")
                        + "); auth answers are not cached",
                "key global-auth-cache-duration: \"200\" is invalid (expected: status codes then a time, such as 200 202"
                        + " 10m, comma-separated); using 200 202 401 5m",
                "key global-auth-always-set-cookie: \"maybe\" is invalid (expected: true or false); using false");
    }

    private static String unknownVariable(String text) {
        try {
            AuthTemplate.compile(text);
            throw new AssertionError(text + " compiled");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void globalAuthKeysWithoutAUrlAreWarnedAsIgnored() {
        ControllerSettings s = read(Map.of("global-auth-method", "GET", "global-auth-signin", "http://x/"));
        assertThat(s.defaults().globalAuth()).isNull();
        assertThat(messages(s)).containsExactly("keys global-auth-method, global-auth-signin are ignored without"
                + " global-auth-url, as in ingress-nginx");
    }

    @Test
    void s6_anUnusableWhitelistSourceRangeAllowsNobody() {
        ControllerSettings s = read(Map.of("whitelist-source-range", "1.1.1.1/99, nonsense"));
        assertThat(s.defaults().allowlist()).isEqualTo(new AccessList(SourceRanges.of(List.of())));
        assertThat(messages(s)).containsExactly(
                "key whitelist-source-range (the allowlist of every Ingress without its own): \"1.1.1.1/99, nonsense\":"
                        + " entry \"1.1.1.1/99\" is invalid (expected: " + SourceRanges.EXPECTED + "); entry ignored",
                "key whitelist-source-range (the allowlist of every Ingress without its own): \"1.1.1.1/99, nonsense\":"
                        + " entry \"nonsense\" is invalid (expected: " + SourceRanges.EXPECTED + "); entry ignored",
                "key whitelist-source-range (the allowlist of every Ingress without its own): \"1.1.1.1/99, nonsense\""
                        + " has no valid entry; every client gets 403 (an allowlist never fails open)");
    }

    @Test
    void invalidRedirectAndBalanceDefaultsFallBackWithAWarning() {
        ControllerSettings s = read(Map.of("ssl-redirect", "yes", "force-ssl-redirect", "", "load-balance", "fastest"));
        assertThat(s.defaults().sslRedirect()).isTrue();
        assertThat(s.defaults().forceSslRedirect()).as("empty is false, as Go's weak typing").isFalse();
        assertThat(s.defaults().loadBalance()).isEqualTo("round_robin");
        assertThat(messages(s)).containsExactly(
                "key ssl-redirect: \"yes\" is invalid (expected: true or false); using true",
                "key load-balance: \"fastest\" is invalid (expected: round_robin or ewma); using \"round_robin\"");
        ControllerSettings chash = read(Map.of("load-balance", "chash"));
        assertThat(chash.defaults().loadBalance()).isEqualTo("round_robin");
        assertThat(messages(chash)).containsExactly("key load-balance: \"chash\" needs per-Ingress configuration"
                + " (affinity or upstream-hash-by) and does nothing as a default; using \"round_robin\"");
    }

    /** annotations-spec.md §6: request buffering and service-upstream are annotation defaults; the rest is accepted. */
    @Test
    void upstreamBehaviourKeys() {
        ControllerSettings s = read(Map.of("proxy-request-buffering", "off", "service-upstream", "true",
                "proxy-buffering", "on", "proxy-buffer-size", "16k", "proxy-buffers-number", "8",
                "client-body-buffer-size", "1m"));
        assertThat(s.defaults().requestBuffering()).isFalse();
        assertThat(s.defaults().serviceUpstream()).isTrue();
        assertThat(s.gateway().clientBody().memorySize()).as("client-body-buffer-size: the routes' default")
                .isEqualTo(1 << 20);
        assertThat(messages(s)).isEmpty();

        ControllerSettings bad = read(Map.of("proxy-request-buffering", "no", "proxy-buffering", "On",
                "proxy-buffer-size", "lots"));
        assertThat(bad.defaults().requestBuffering()).isTrue();
        assertThat(bad.gateway().clientBody().memorySize()).isEqualTo(8192);
        assertThat(messages(bad)).containsExactlyInAnyOrder(
                "key proxy-request-buffering: \"no\" is invalid (expected: on or off); using on",
                "key proxy-buffering: \"On\" is invalid (expected: on or off); using off",
                "key proxy-buffer-size: \"lots\" is invalid (expected: " + dev.linnet.controller.annotation.NginxSize.EXPECTED
                        + "); using 4096");
    }

    /** annotations-spec.md §2.1, §3.7, §5.1, §6: the defaults of relative-redirects, the rewrites, the deny list and the HTTP version. */
    @Test
    void redirectRewriteDenylistAndHttpVersionDefaults() {
        ControllerSettings s = read(Map.of("relative-redirects", "true", "denylist-source-range", "10.0.0.0/8, 1.2.3.4",
                "proxy-redirect-from", "http://internal/", "proxy-redirect-to", "https://public/",
                "proxy-cookie-domain", "localhost example.org", "proxy-cookie-path", "/one/ /",
                "proxy-http-version", "1.0"));
        AnnotationDefaults d = s.defaults();
        assertThat(messages(s)).isEmpty(); // none is reported as not implemented any more
        assertThat(d.relativeRedirects()).isTrue();
        assertThat(d.denylist()).isEqualTo("10.0.0.0/8, 1.2.3.4");
        assertThat(d.rewrites()).isEqualTo(new AnnotationDefaults.Rewrites("http://internal/", "https://public/",
                "localhost example.org", "/one/ /"));
        assertThat(d.http10()).isTrue();
    }

    @Test
    void invalidRewriteAndHttpVersionDefaultsAreOffAnd11WithAWarning() {
        ControllerSettings s = read(Map.of("proxy-redirect-from", "http://a b%/", "proxy-cookie-domain", "one",
                "proxy-http-version", "2.0", "relative-redirects", "maybe"));
        assertThat(s.defaults().rewrites()).isEqualTo(AnnotationDefaults.Rewrites.OFF);
        assertThat(s.defaults().http10()).isFalse();
        assertThat(s.defaults().relativeRedirects()).isFalse();
        assertThat(messages(s)).containsExactlyInAnyOrder(
                "key proxy-redirect-from: \"http://a b%/\" is invalid (expected: a URL prefix, or off); using off",
                "key proxy-cookie-domain: \"one\" is invalid (expected: FROM TO, or off); using off",
                "key proxy-http-version: \"2.0\" is invalid (expected: 1.0 or 1.1); using 1.1",
                "key relative-redirects: \"maybe\" is invalid (expected: true or false); using false");
    }

    /** A deny list never fails open: the value is kept, so every Ingress without its own answers 503. */
    @Test
    void s6_anInvalidDenylistSourceRangeIsKeptToDenyAndSaidOnce() {
        ControllerSettings s = read(Map.of("denylist-source-range", "1.1.1.1, nonsense, also-bad"));
        assertThat(s.defaults().denylist()).isEqualTo("1.1.1.1, nonsense, also-bad");
        assertThat(messages(s)).containsExactly("key denylist-source-range: \"1.1.1.1, nonsense, also-bad\": entry"
                + " \"nonsense\" is invalid (expected: " + SourceRanges.EXPECTED + "); every Ingress without its own"
                + " denylist-source-range answers 503 (a deny list never fails open)");
    }
}
