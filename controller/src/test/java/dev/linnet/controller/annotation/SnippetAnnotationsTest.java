package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.AccessRules;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.ResponseHeaderEdits;
import dev.linnet.gateway.policy.SnippetRewrite;
import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.policy.UpstreamHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 19 §2: which snippets are inside the safe subset, what they become, and how a refusal reads. */
class SnippetAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private static SnippetAnnotations.Result compile(String key, String snippet) {
        return SnippetAnnotations.compile(Map.of(P + "/" + key, snippet), P, false, false, w -> { });
    }

    private static String refused(String key, String snippet) {
        return compile(key, snippet).refused();
    }

    @Test
    void everyKeyEndingInSnippetUnderThePrefixCountsEvenWhenEmpty() {
        for (String name : List.of("configuration-snippet", "server-snippet", "auth-snippet", "stream-snippet",
                "modsecurity-snippet", "anything-snippet")) {
            assertThat(SnippetAnnotations.present(Map.of(P + "/" + name, "deny all;"), P)).as(name).isTrue();
            assertThat(SnippetAnnotations.present(Map.of(P + "/" + name, ""), P)).as(name + " empty").isTrue();
        }
        assertThat(SnippetAnnotations.present(Map.of("example.com/server-snippet", "x", P + "/snippet", "x",
                P + "/snippets", "x", P + "/enable-cors", "true"), P)).isFalse();
        assertThat(SnippetAnnotations.present(null, P)).isFalse();
    }

    @Test
    void theSubsetBecomesPoliciesOfTheRightSteps() {
        SnippetAnnotations.Result r = compile("configuration-snippet", """
                set $who "$remote_addr";
                more_set_headers "X-Who: $who";
                add_header X-Frame-Options DENY always;
                proxy_set_header X-Tenant acme;
                allow 10.0.0.0/8;
                deny all;
                rewrite ^/old/(.*)$ /new/$1 break;
                server_tokens off;
                chunked_transfer_encoding on;
                """);
        assertThat(r.refused()).isNull();
        assertThat(r.location()).extracting(Policy::step).containsExactly(Step.SNIPPET_REWRITE, Step.SNIPPET_ACCESS,
                Step.UPSTREAM_HEADERS, Step.RESPONSE_HEADERS);
        assertThat(((ResponseHeaderEdits) r.location().get(3)).edits()).extracting(e -> e.value().source())
                .containsExactly("$remote_addr", "DENY");
        assertThat(((AccessRules) r.location().get(1)).rules()).hasSize(2);
        assertThat(((UpstreamHeaders) r.location().get(2)).edits().get(0).kind()).isEqualTo(UpstreamHeaders.Kind.PROXY_SET);
        assertThat(((SnippetRewrite) r.location().get(0)).ops()).singleElement().isInstanceOf(SnippetRewrite.Rewrite.class);
    }

    @Test
    void return444AloneIsInTheSubset() {
        for (String key : List.of("configuration-snippet", "server-snippet")) {
            SnippetAnnotations.Result r = compile(key, "return 444;");
            assertThat(r.refused()).as(key).isNull();
            SnippetRewrite rewrite = (SnippetRewrite) (key.equals("server-snippet") ? r.server() : r.location()).get(0);
            assertThat(rewrite.ops()).singleElement().isEqualTo(new SnippetRewrite.Return(444, null));
        }
    }

    @Test
    void aServerSnippetReturnRunsInTheServerStageAndItsProxySetHeaderDoesNothing() {
        SnippetAnnotations.Result r = compile("server-snippet", "return 301 https://new.example$request_uri;\n"
                + "proxy_set_header X-A b;");
        assertThat(r.location()).isEmpty();
        assertThat(r.server()).extracting(Policy::step).containsExactly(Step.SERVER_SNIPPET);
    }

    @Test
    void anEmptySnippetDoesNothingAndIsServed() {
        for (String key : List.of("configuration-snippet", "server-snippet", "auth-snippet", "stream-snippet")) {
            SnippetAnnotations.Result r = compile(key, "  # nothing\n");
            assertThat(r.refused()).as(key).isNull();
            assertThat(r.isEmpty()).isTrue();
        }
    }

    @Test
    void anythingOutsideTheSubsetRefusesTheWholeSnippetNamingTheDirective() {
        assertThat(refused("configuration-snippet", "more_set_headers 'X-A: 1';\nsub_filter a b;"))
                .isEqualTo("annotation " + P + "/configuration-snippet: directive sub_filter (line 2) is outside the"
                        + " subset Linnet understands (docs/snippets.md)");
        assertThat(refused("configuration-snippet", "location /x { return 200; }")).contains("directive location")
                .contains("a block");
        assertThat(refused("configuration-snippet", "if ($http_x = a) { return 403; }")).contains("directive if");
        assertThat(refused("configuration-snippet", "access_by_lua_block { ngx.exit(403) }"))
                .contains("access_by_lua_block");
        assertThat(refused("configuration-snippet", "include /etc/passwd;")).contains("directive include");
        assertThat(refused("configuration-snippet", "add_header X-A $upstream_addr;")).contains("$upstream_addr");
        assertThat(refused("configuration-snippet", "return 444 \"bye\";")).contains("text after 444");
        assertThat(refused("configuration-snippet", "return 199;")).contains("status 199");
        assertThat(refused("configuration-snippet", "rewrite ^(.*$ /x break;")).contains("regex");
        assertThat(refused("configuration-snippet", "rewrite ^/a /b Break;")).contains("flag");
        assertThat(refused("configuration-snippet", "allow unix:;")).contains("allow");
        assertThat(refused("configuration-snippet", "add_header X-A \"unterminated;")).contains("nginx syntax");
        assertThat(refused("server-snippet", "rewrite ^/a /b last;")).contains("server-snippet");
        assertThat(refused("stream-snippet", "server { listen 1; }")).contains("stream-snippet");
        assertThat(refused("configuration-snippet", "set $host x;")).contains("new $name");
        assertThat(refused("configuration-snippet", "add_header X-A \"a\\r\\nX-B: b\";")).contains("CR, LF");
        // a control character no response head may carry: each response's edit would throw, and the
        // route's later edits (this more_clear_headers) would be skipped
        assertThat(refused("configuration-snippet", "more_set_headers \"X-A: a\u0001b\"; more_clear_headers X-Secret;"))
                .contains("control character");
        assertThat(refused("configuration-snippet", "add_header X-A a\u007fb;")).contains("control character");
        assertThat(refused("configuration-snippet", "add_header X-A \"a\tb\";")).as("a tab is white space").isNull();
    }

    /**
     * One set variable of 16 KiB named by many directives: each value stays under the per-value
     * bound, but together they are a thousand times the snippet's own size, held by the controller
     * and the gateway and written on every response.
     */
    @Test
    void setVariablesCannotMultiplyASnippetBeyondItsOwnBound() {
        StringBuilder many = new StringBuilder("set $big \"" + "x".repeat(16_000) + "\";");
        for (int i = 0; i < 1000; i++) {
            many.append(" add_header X-").append(i).append(" $big;");
        }
        assertThat(refused("configuration-snippet", many.toString())).contains("set variables");
        StringBuilder rewrites = new StringBuilder("set $big \"" + "x".repeat(16_000) + "\";");
        for (int i = 0; i < 500; i++) {
            rewrites.append(" rewrite ^/").append(i).append("$ /$big break;");
        }
        assertThat(refused("configuration-snippet", rewrites.toString())).contains("set variables");
        assertThat(refused("configuration-snippet", "set $csp \"" + "x".repeat(4000) + "\";"
                + " add_header Content-Security-Policy $csp; more_set_headers \"X-CSP: $csp\";"))
                .as("a few uses of a large value").isNull();
    }

    @Test
    void aRewriteNextToRewriteTargetIsRefused() {
        assertThat(SnippetAnnotations.compile(Map.of(P + "/configuration-snippet", "rewrite ^ /x break;"), P, true,
                false, w -> { }).refused()).contains("rewrite-target");
    }

    @Test
    void anAuthSnippetWithoutAuthUrlIsIgnoredAndWithItSetsTheSubrequestsHeaders() {
        List<String> warnings = new ArrayList<>();
        SnippetAnnotations.Result r = SnippetAnnotations.compile(Map.of(P + "/auth-snippet", "proxy_set_header A b;"),
                P, false, false, warnings::add);
        assertThat(r.refused()).isNull();
        assertThat(r.isEmpty()).isTrue();
        assertThat(warnings).singleElement().asString().contains("without auth-url");
        r = SnippetAnnotations.compile(Map.of(P + "/auth-snippet", "proxy_set_header A \"b $host\"; server_tokens off;"),
                P, false, true, w -> { });
        assertThat(r.refused()).isNull();
        assertThat(r.auth()).singleElement().satisfies(h -> assertThat(h.name()).isEqualTo("A"));
        assertThat(SnippetAnnotations.compile(Map.of(P + "/auth-snippet", "add_header A b;"), P, false,
                true, w -> { }).refused()).contains("anything but proxy_set_header");
        assertThat(SnippetAnnotations.compile(Map.of(P + "/auth-snippet", "proxy_set_header A $upstream_addr;"), P,
                false, true, w -> { }).refused()).contains("upstream_addr");
        assertThat(SnippetAnnotations.compile(Map.of(P + "/auth-snippet", "proxy_set_header \"A:\" b;"), P, false,
                true, w -> { }).refused()).contains("header name");
    }

    @Test
    void serverAccessRulesAreKeptWholeForTheHostsRoutesToDecide() {
        Map<String, String> a = new HashMap<>();
        a.put(P + "/server-snippet", "deny 10.0.0.1;");
        a.put(P + "/configuration-snippet", "allow 10.0.0.0/8;");
        // Each route drops them only when it has access rules of its own (SnippetIngressTest): another
        // Ingress's routes on the host inherit them, as nginx's locations do.
        assertThat(SnippetAnnotations.compile(a, P, false, false, w -> { }).server()).hasSize(1);
        assertThat(SnippetAnnotations.compile(Map.of(P + "/server-snippet", "deny 10.0.0.1;"), P, false, false,
                w -> { }).server()).hasSize(1);
    }

    @Test
    void warningsNameTheKeyNeverTheSnippetsText() {
        String refused = refused("configuration-snippet", "proxy_set_header Authorization \"Basic c2VjcmV0\";\nfoo;");
        List<String> warnings = new ArrayList<>();
        SnippetAnnotations.warnNotServed(refused, warnings::add);
        SnippetAnnotations.warnIgnored(refused, warnings::add);
        assertThat(warnings).allSatisfy(w -> assertThat(w).doesNotContain("c2VjcmV0"));
        assertThat(warnings.get(0)).contains("NOT served").contains("--serve-ingresses-with-snippets");
        assertThat(warnings.get(1)).contains("served WITHOUT its snippets");
    }
}
