package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.SslRedirect;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.RewriteTarget;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.SourceRanges;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 5 item 5: every per-Ingress annotation with valid and invalid values, and the warning text. */
class ProxyAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private record Parsed(ProxyAnnotations value, IngressPolicies policies, List<String> warnings) {
        RouteOptions options() {
            return value.options();
        }

        SslRedirect redirect() {
            return policies.routes().find(SslRedirect.class);
        }

        SourceRanges sourceRanges() {
            AccessList list = policies.routes().find(AccessList.class);
            return list == null ? null : list.allowed();
        }
    }

    private static Parsed parse(String... kv) {
        Map<String, String> annotations = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            annotations.put(P + "/" + kv[i], kv[i + 1]);
        }
        List<String> warnings = new ArrayList<>();
        ProxyAnnotations proxy = ProxyAnnotations.parse(annotations, P, warnings::add);
        IngressPolicies policies = PolicyAnnotations.parse(annotations, P, "ns", ClusterLookup.EMPTY, warnings::add);
        return new Parsed(proxy, policies, warnings);
    }

    private static final Map<String, Function<Parsed, Object>> FIELD = Map.ofEntries(
            Map.entry("proxy-connect-timeout", p -> p.options().connectTimeout()),
            Map.entry("proxy-read-timeout", p -> p.options().readTimeout()),
            Map.entry("proxy-send-timeout", p -> p.options().sendTimeout()),
            Map.entry("proxy-body-size", p -> p.options().maxBodySize()),
            Map.entry("proxy-next-upstream-tries", p -> p.options().nextUpstreamTries()),
            Map.entry("proxy-next-upstream", p -> p.options().nextUpstream() == null ? "null"
                    : p.options().nextUpstream().words()),
            Map.entry("proxy-next-upstream-timeout", p -> String.valueOf(p.options().nextUpstream() == null ? null
                    : p.options().nextUpstream().timeout())),
            Map.entry("backend-protocol", p -> p.options().backendProtocol()),
            Map.entry("ssl-redirect", p -> p.redirect() != null && p.redirect().sslRedirect()),
            Map.entry("force-ssl-redirect", p -> p.redirect() != null && p.redirect().force()),
            Map.entry("preserve-trailing-slash", p -> p.redirect() != null && p.redirect().preserveTrailingSlash()),
            Map.entry("rewrite-target", p -> String.valueOf(p.options().rewriteTarget())),
            Map.entry("allowlist-source-range", p -> String.valueOf(p.sourceRanges())));

    /** ingress-nginx restores the catch-all's zero rewrite config: it never redirects. */
    @Test
    void theCatchAllKeepsTheAnnotationsButNeverRedirects() {
        Parsed p = parse("force-ssl-redirect", "true", "preserve-trailing-slash", "true", "proxy-read-timeout", "7",
                "rewrite-target", "/x", "allowlist-source-range", "10.0.0.0/8");
        RouteOptions catchAll = p.value().withoutRewrite();
        assertThat(p.policies().catchAll().find(SslRedirect.class)).isNull();
        assertThat(p.policies().catchAll().find(AccessList.class)).as("every other policy stays").isNotNull();
        assertThat(catchAll.rewriteTarget()).isNull();
        assertThat(catchAll.readTimeout()).hasSeconds(7);
        assertThat(p.redirect()).isEqualTo(new SslRedirect(true, true, true));
    }

    @Test
    void noAnnotationsAreTheDefaultsWithoutWarnings() {
        Parsed p = parse();
        assertThat(p.options()).isEqualTo(RouteOptions.DEFAULTS);
        assertThat(p.policies().routes().all()).as("ssl-redirect is on by default").containsExactly(SslRedirect.DEFAULT);
        assertThat(parse("ssl-redirect", "false").policies()).as("no redirect: no policy at all")
                .isEqualTo(IngressPolicies.NONE);
        assertThat(p.value().useRegex()).isFalse();
        assertThat(p.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{0}: \"{1}\" → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            proxy-connect-timeout     | 7       | PT7S
            proxy-connect-timeout     | +3      | PT3S
            proxy-read-timeout        | 120     | PT2M
            proxy-send-timeout        | 1       | PT1S
            proxy-body-size           | 0       | 0
            proxy-body-size           | 8m      | 8388608
            proxy-body-size           | 512k    | 524288
            proxy-body-size           | 1G      | 1073741824
            proxy-body-size           | 1000    | 1000
            proxy-next-upstream-tries | 0       | 0
            proxy-next-upstream-tries | 5       | 5
            proxy-next-upstream       | 'error timeout http_502' | error timeout http_502
            proxy-next-upstream       | 'HTTP_503  non_idempotent' | http_503 non_idempotent
            proxy-next-upstream       | 'error off' | off
            proxy-next-upstream-timeout | 0     | PT0S
            proxy-next-upstream-timeout | 15    | PT15S
            backend-protocol          | HTTPS   | HTTPS
            backend-protocol          | ' grpc' | GRPC
            backend-protocol          | GRPCS   | GRPCS
            backend-protocol          | http    | HTTP
            ssl-redirect              | false   | false
            force-ssl-redirect        | true    | true
            preserve-trailing-slash   | True    | true
            rewrite-target            | /$1     | /$1
            rewrite-target            | /a/$2?x=$1 | /a/$2?x=$1
            allowlist-source-range    | '10.0.0.0/8, 192.168.1.7,2001:db8::/32' | 10.0.0.0/8,192.168.1.7,2001:db8::/32
            """)
    void validValuesAreUsedWithoutWarnings(String key, String value, String expected) {
        Parsed p = parse(key, value);
        assertThat(p.warnings()).isEmpty();
        assertThat(String.valueOf(FIELD.get(key).apply(p))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            proxy-connect-timeout     | 5s   | a positive integer number of seconds, e.g. 30 | the listener's --connect-timeout | null
            proxy-connect-timeout     | 0    | a positive integer number of seconds, e.g. 30 | the listener's --connect-timeout | null
            proxy-read-timeout        | -1   | a positive integer number of seconds, e.g. 30 | the listener's --read-timeout    | null
            proxy-send-timeout        | 1.5  | a positive integer number of seconds, e.g. 30 | the listener's send timeout      | null
            proxy-body-size           | 8mb  | a size in bytes with an optional k, m or g suffix, e.g. 512k or 8m; 0 for unlimited | the listener's --max-body-size | -1
            proxy-body-size           | 1.5m | a size in bytes with an optional k, m or g suffix, e.g. 512k or 8m; 0 for unlimited | the listener's --max-body-size | -1
            proxy-body-size           | -1   | a size in bytes with an optional k, m or g suffix, e.g. 512k or 8m; 0 for unlimited | the listener's --max-body-size | -1
            proxy-next-upstream-tries | -2   | an integer >= 0 (0: every endpoint once)     | the listener's tries (3, as ingress-nginx) | -1
            proxy-next-upstream-tries | many | an integer >= 0 (0: every endpoint once)     | the listener's tries (3, as ingress-nginx) | -1
            proxy-next-upstream       | 'error http_418' | 'space-separated words from error timeout invalid_header http_500 http_502 http_503 http_504 http_403 http_404 http_429 non_idempotent, or off' | the listener's --proxy-next-upstream (error timeout, as ingress-nginx) | null
            proxy-next-upstream-timeout | -1 | an integer number of seconds >= 0 (0: no limit) | the listener's --proxy-next-upstream-timeout (0, no limit) | null
            ssl-redirect              | yes  | true or false                                | true                             | true
            force-ssl-redirect        | on   | true or false                                | false                            | false
            preserve-trailing-slash   | yes  | true or false                                | false                            | false
            rewrite-target            | '/a b' | 'a path such as /$1 or /app/$2 (letters, digits and - . _ ~ / : $ & ? = % + @ ! , ; * ( ) '' only; not a URL, which ingress-nginx turns into a redirect)' | '""' | null
            rewrite-target            | https://new.example/$1 | 'a path such as /$1 or /app/$2 (letters, digits and - . _ ~ / : $ & ? = % + @ ! , ; * ( ) '' only; not a URL, which ingress-nginx turns into a redirect)' | '""' | null
            rewrite-target            | $scheme://$host/x | 'a path such as /$1 or /app/$2 (letters, digits and - . _ ~ / : $ & ? = % + @ ! , ; * ( ) '' only; not a URL, which ingress-nginx turns into a redirect)' | '""' | null
            """)
    void invalidValuesFallBackToTheDefaultWithAWarning(String key, String value, String expected, String using,
            String field) {
        Parsed p = parse(key, value);
        assertThat(p.warnings()).containsExactly("annotation " + P + "/" + key + ": \"" + value
                + "\" is invalid (expected: " + expected + "); using " + using);
        assertThat(String.valueOf(FIELD.get(key).apply(p))).isEqualTo(field);
    }

    @ParameterizedTest
    @CsvSource({"AUTO_HTTP,is not supported by Linnet", "FCGI,is not supported by Linnet", "H2C,is invalid"})
    void unsupportedOrUnknownBackendProtocolsUseHttp(String value, String what) {
        Parsed p = parse("backend-protocol", value);
        assertThat(p.options().backendProtocol()).isEqualTo(BackendProtocol.HTTP);
        assertThat(p.warnings()).containsExactly("annotation " + P + "/backend-protocol: \"" + value + "\" " + what
                + " (expected: HTTP, HTTPS, GRPC or GRPCS); using HTTP");
    }

    @Test
    void useRegexAndRewriteTargetMakePathsRegexes() {
        assertThat(parse("use-regex", "true").value().regexFor("/a")).isTrue();
        assertThat(parse("use-regex", "false").value().regexFor("/a")).isFalse();
        Parsed rewrite = parse("rewrite-target", "/$1");
        assertThat(rewrite.value().useRegex()).isFalse();
        assertThat(rewrite.value().regexFor("/a/(.*)")).isTrue();
        assertThat(rewrite.value().optionsFor("/a/(.*)").rewriteTarget()).isEqualTo(RewriteTarget.of("/$1"));
        // ingress-nginx's needsRewrite: a target equal to the path is no rewrite and no regex
        Parsed same = parse("rewrite-target", "/x");
        assertThat(same.value().optionsFor("/x").rewriteTarget()).isNull();
        assertThat(same.value().regexFor("/x")).isFalse();
        assertThat(parse("use-regex", "maybe").warnings()).containsExactly("annotation " + P
                + "/use-regex: \"maybe\" is invalid (expected: true or false); using false");
    }

    /** L1, L2: enable-access-log (default true; invalid: true, with a warning); enable-rewrite-log is accepted. */
    @Test
    void enableAccessLogSwitchesTheRoutesLogAndRewriteLogIsAccepted() {
        assertThat(parse().options().accessLog()).isTrue();
        assertThat(parse("enable-access-log", "false").options().accessLog()).isFalse();
        assertThat(parse("enable-access-log", "false").value().optionsFor("/").accessLog())
                .as("kept on every path, the catch-all too").isFalse();
        assertThat(parse("enable-access-log", "false").value().withoutRewrite().accessLog()).isFalse();
        Parsed invalid = parse("enable-access-log", "nope");
        assertThat(invalid.options().accessLog()).isTrue();
        assertThat(invalid.warnings()).containsExactly("annotation " + P
                + "/enable-access-log: \"nope\" is invalid (expected: true or false); using true");
        Parsed rewriteLog = parse("enable-rewrite-log", "true");
        assertThat(rewriteLog.warnings()).isEmpty();
        assertThat(rewriteLog.options()).isEqualTo(parse().options());
        List<String> onCanary = new ArrayList<>();
        ProxyAnnotations.warnIgnoredOnCanary(Map.of(P + "/enable-access-log", "false"), P, onCanary::add);
        assertThat(onCanary).as("the main Ingress decides for canary-served requests").singleElement().asString()
                .contains("enable-access-log").contains("ignored on a canary Ingress");
    }

    @Test
    void allowlistWinsOverWhitelistWhenBothAreSet() throws Exception {
        Parsed p = parse("allowlist-source-range", "10.0.0.0/8", "whitelist-source-range", "192.168.0.0/16");
        assertThat(p.sourceRanges().entries()).containsExactly("10.0.0.0/8");
        assertThat(p.warnings()).containsExactly("annotation " + P + "/whitelist-source-range: \"192.168.0.0/16\""
                + " is ignored because " + P + "/allowlist-source-range is set, as in ingress-nginx");
        // the alias alone, or next to an empty allowlist, is used
        assertThat(parse("whitelist-source-range", "192.168.0.0/16").sourceRanges()
                .allows(InetAddress.getByName("192.168.3.4"))).isTrue();
        Parsed emptyAllow = parse("allowlist-source-range", "", "whitelist-source-range", "192.168.0.0/16");
        assertThat(emptyAllow.sourceRanges().entries()).containsExactly("192.168.0.0/16");
        assertThat(emptyAllow.warnings()).isEmpty();
    }

    @Test
    void invalidSourceRangeEntriesAreDroppedAndAnAllInvalidListAllowsNobody() throws Exception {
        Parsed p = parse("allowlist-source-range", "10.0.0.0/8,10.1,example.com,::1/129");
        assertThat(p.sourceRanges().entries()).containsExactly("10.0.0.0/8");
        assertThat(p.warnings()).hasSize(3).allSatisfy(w -> assertThat(w).startsWith("annotation " + P
                + "/allowlist-source-range: \"10.0.0.0/8,10.1,example.com,::1/129\": entry \"")
                .endsWith("is invalid (expected: an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32);"
                        + " entry ignored"));
        Parsed none = parse("whitelist-source-range", "everyone");
        assertThat(none.sourceRanges().allows(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(none.warnings()).last().isEqualTo("annotation " + P + "/whitelist-source-range: \"everyone\""
                + " has no valid entry; every client gets 403 (an allowlist never fails open)");
    }

    @Test
    void canaryIngressValuesAreReportedAsIgnored() {
        List<String> warnings = new ArrayList<>();
        Map<String, String> annotations = Map.of(P + "/proxy-read-timeout", "5", P + "/canary", "true",
                P + "/ssl-redirect", "false");
        ProxyAnnotations.warnIgnoredOnCanary(annotations, P, warnings::add);
        assertThat(PolicyAnnotations.validateOnCanary(annotations, P, "ns", ClusterLookup.EMPTY, warnings::add))
                .as("served").isNull();
        assertThat(warnings).containsExactly(
                "annotation " + P + "/proxy-read-timeout: \"5\" is ignored on a canary"
                        + " Ingress: the main Ingress's settings apply, as in ingress-nginx",
                "annotation " + P + "/ssl-redirect: \"false\" is ignored on a canary"
                        + " Ingress: the main Ingress's settings apply, as in ingress-nginx");
    }

    @Test
    void timeoutsAreSeconds() {
        assertThat(parse("proxy-read-timeout", "3600").options().readTimeout()).isEqualTo(Duration.ofHours(1));
    }

    /** U1 and U2 (catalogue §9.6): the buffer annotations, valid and invalid. */
    @Test
    void u1_u2_bufferAnnotations() {
        assertThat(parse().options().requestBuffering()).as("ingress-nginx's default: on").isTrue();
        assertThat(parse("proxy-request-buffering", "off").options().requestBuffering()).isFalse();
    }

    @Test
    void u1_theResponseBufferKeysAreAcceptedWithoutWarnings() {
        Parsed u1 = parse("proxy-buffering", "on", "proxy-buffers-number", "8", "proxy-buffer-size", "8k",
                "client-body-buffer-size", "16k");
        assertThat(u1.warnings()).isEmpty();
        assertThat(u1.options().requestBuffering()).as("request buffering stays on").isTrue();
        assertThat(u1.options().clientBodyBufferSize()).as("memory before the temporary file").isEqualTo(16 * 1024);
        assertThat(parse().options().clientBodyBufferSize()).as("absent: the ConfigMap's").isEqualTo(-1);
        assertThat(parse("proxy-buffer-size", "128k").warnings()).containsExactly("annotation " + P
                + "/proxy-buffer-size: \"128k\" is larger than the 64k Linnet reads of an upstream response head;"
                + " a larger head gets 502");
    }

    @Test
    void invalidBufferValuesWarnAndKeepTheDefaults() {
        Parsed p = parse("proxy-request-buffering", "OFF", "proxy-buffering", "yes", "proxy-buffer-size", "8 k",
                "proxy-buffers-number", "-1", "client-body-buffer-size", "big");
        assertThat(p.options().requestBuffering()).isTrue();
        assertThat(p.warnings()).containsExactly(
                "annotation " + P + "/proxy-request-buffering: \"OFF\" is invalid (expected: on or off); using on",
                "annotation " + P + "/proxy-buffering: \"yes\" is invalid (expected: on or off); using off",
                "annotation " + P + "/proxy-buffer-size: \"8 k\" is invalid (expected: " + NginxSize.EXPECTED
                        + "); using 4k",
                "annotation " + P + "/proxy-buffers-number: \"-1\" is invalid (expected: an integer >= 0 (0: every"
                        + " endpoint once)); using 4",
                "annotation " + P + "/client-body-buffer-size: \"big\" is invalid (expected: " + NginxSize.EXPECTED
                        + "); using the ConfigMap's client-body-buffer-size (8k)");
        assertThat(p.options().clientBodyBufferSize()).isEqualTo(-1);
    }

    /** U5: {@code proxy-http-version}; an invalid value keeps the default (the ConfigMap's, else 1.1) with a warning. */
    @Test
    void u5_proxyHttpVersion() {
        assertThat(parse().options().http10()).as("ingress-nginx's default: 1.1").isFalse();
        assertThat(parse("proxy-http-version", "1.0").options().http10()).isTrue();
        assertThat(parse("proxy-http-version", " 1.0 ").options().http10()).as("trimmed").isTrue();
        Parsed invalid = parse("proxy-http-version", "2");
        assertThat(invalid.options().http10()).isFalse();
        assertThat(invalid.warnings()).containsExactly("annotation " + P + "/proxy-http-version: \"2\" is invalid"
                + " (expected: 1.0 or 1.1); using 1.1");

        AnnotationDefaults http10 = new AnnotationDefaults(true, false, List.of(), null, "round_robin", null, List.of(),
                true, false, false, null, AnnotationDefaults.Rewrites.OFF, true);
        List<String> warnings = new ArrayList<>();
        assertThat(ProxyAnnotations.parse(Map.of(), P, warnings::add, http10).options().http10())
                .as("the ConfigMap's default").isTrue();
        assertThat(ProxyAnnotations.parse(Map.of(P + "/proxy-http-version", "1.1"), P, warnings::add, http10)
                .options().http10()).as("the annotation wins").isFalse();
        assertThat(ProxyAnnotations.parse(Map.of(P + "/proxy-http-version", "HTTP/1.1"), P, warnings::add, http10)
                .options().http10()).isTrue();
        assertThat(warnings).containsExactly("annotation " + P + "/proxy-http-version: \"HTTP/1.1\" is invalid"
                + " (expected: 1.0 or 1.1); using 1.0 (the ConfigMap's default)");
        assertThat(parse("proxy-http-version", "1.0").options().withoutRewrite().http10()).isTrue();
    }
}
