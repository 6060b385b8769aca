package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Regex paths, rewrite targets and source ranges: the issue-5 additions to route/. */
class RouteMatchingExtrasTest {

    @Test
    void regexPathsAreCaseInsensitiveAndAnchoredAtTheStartOnly() {
        PathMatch m = PathMatch.regex("/v[0-9]+/items");
        assertThat(m.matches("/v2/items")).isTrue();
        assertThat(m.matches("/V2/ITEMS/7")).isTrue();
        assertThat(m.matches("/api/v2/items")).isFalse();
        assertThat(PathMatch.regex("/a").prefixLength()).isEqualTo(2);
        assertThat(PathMatch.prefix("/a/").prefixLength()).isEqualTo(2);
        assertThat(PathMatch.regex("/a/").prefixLength()).as("regexes sort by the raw length").isEqualTo(3);
        assertThatThrownBy(() -> PathMatch.regex("/bad(")).isInstanceOf(PatternSyntaxException.class);
        assertThat(PathMatch.exact("/x").asRegex()).isEqualTo(PathMatch.regex("/x"));
    }

    @Test
    void aPathRegexOutOfBudgetIsARegexErrorNotANoMatch() {
        // nginx: ngx_http_regex_exec fails (PCRE_ERROR_MATCHLIMIT), find_location answers 500
        // instead of trying the next location.
        PathRegex evil = PathRegex.of("/(a+)+$");
        String hostile = "/" + "a".repeat(1024) + "!"; // ~530 000 steps for Java's engine: over budget
        assertThat(evil.matches("/aaaa")).isTrue();
        assertThat(evil.matches("/b")).isFalse();
        assertThatThrownBy(() -> evil.matches(hostile))
                .isInstanceOfSatisfying(PathRegexException.class, e -> assertThat(e.pattern()).isEqualTo("/(a+)+$"));

        Route evilRoute = new Route("default", "evil", "h", PathMatch.regex("/(a+)+$"), backend(), null);
        Route root = new Route("default", "root", "h", PathMatch.regex("/"), backend(), null);
        RouteTable table = new RouteTable(1, Map.of("h", new VirtualHost("h", List.of(evilRoute, root), null)),
                Map.of(), new VirtualHost(VirtualHost.DEFAULT_SERVER, List.of(), null));
        assertThatThrownBy(() -> table.route("h", hostile)).as("no fall-through to the shorter regex")
                .isInstanceOf(PathRegexException.class);
        assertThat(table.route("h", "/aaa")).isEqualTo(evilRoute);
        assertThat(table.route("h", "/other")).isEqualTo(root);
    }

    private static Backend backend() {
        return Backend.of("default", "svc", "80", List.of(new Endpoint("127.0.0.1", 9000)));
    }

    @Test
    void aRewriteAlwaysGivesAnOriginFormTarget() {
        PathMatch m = PathMatch.regex("/(.*)");
        RewriteTarget bare = RewriteTarget.of("$1");

        assertThat(bare.apply(m, "/foo", null)).isEqualTo("/foo");
        assertThat(bare.apply(m, "/http://evil.example/x", null)).as("never an absolute-form target")
                .isEqualTo("/http://evil.example/x");
        assertThat(bare.apply(m, "/", null)).as("an empty capture").isEqualTo("/");
    }

    @Test
    void rewriteTargetsFillGroupsAndHandleTheQueryAsNginx() {
        PathMatch m = PathMatch.regex("/app(/|$)(.*)");
        RewriteTarget t = RewriteTarget.of("/$2");
        assertThat(t.apply(m, "/app/a/b", "q=1")).isEqualTo("/a/b?q=1");
        assertThat(t.apply(m, "/app", null)).isEqualTo("/");
        assertThat(RewriteTarget.of("/x/$9$1").apply(m, "/app/z", "")).as("missing groups are empty").isEqualTo("/x//");
        assertThat(RewriteTarget.of("/s?a=$2").apply(m, "/app/p", "b=2")).isEqualTo("/s?a=p&b=2");
        assertThat(RewriteTarget.of("/s?").apply(m, "/app/p", "b=2")).isEqualTo("/s");
        assertThat(RewriteTarget.of("/s?$9").apply(m, "/app/p", null)).as("empty arguments: no '?'").isEqualTo("/s");
        assertThat(RewriteTarget.of("/s??").apply(m, "/app/p", "b=2")).isEqualTo("/s");
        assertThat(RewriteTarget.of("/s?$9").apply(m, "/app/p", "b=2")).as("as nginx").isEqualTo("/s?&b=2");
        assertThat(RewriteTarget.of("/$1").apply(PathMatch.prefix("/app"), "/app/x", null))
                .as("no regex, no groups").isEqualTo("/");
    }

    @Test
    void sourceRangesMatchIpv4AndIpv6Networks() throws Exception {
        SourceRanges r = SourceRanges.of(List.of("10.1.2.3/8", "192.168.1.7", "2001:db8::/32", "::1"));
        assertThat(r.allows(InetAddress.getByName("10.200.0.1"))).isTrue();
        assertThat(r.allows(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(r.allows(InetAddress.getByName("192.168.1.7"))).isTrue();
        assertThat(r.allows(InetAddress.getByName("192.168.1.8"))).isFalse();
        assertThat(r.allows(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(r.allows(InetAddress.getByName("2001:db9::1"))).isFalse();
        assertThat(r.allows(InetAddress.getByName("::1"))).isTrue();
        assertThat(SourceRanges.of(List.of("0.0.0.0/0")).allows(InetAddress.getByName("8.8.8.8"))).isTrue();
        assertThat(SourceRanges.of(List.of("10.0.0.0/9")).allows(InetAddress.getByName("10.128.0.1"))).isFalse();
        assertThat(SourceRanges.of(List.of("10.0.0.0/9")).allows(InetAddress.getByName("10.127.0.1"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.1", "10.0.0.256", "010.0.0.1", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08",
            "example.com", "localhost", "fe80::1%eth0", "[::1]", "::1/129", "1:2:3", " 10.0.0.1", "10.0.0.1/-1"})
    void invalidEntriesAreRejectedWithoutAnyLookup(String entry) {
        assertThat(SourceRanges.isValid(entry)).isFalse();
        assertThatThrownBy(() -> SourceRanges.of(List.of(entry))).hasMessageContaining("(expected: an IPv4 or IPv6");
    }
}
