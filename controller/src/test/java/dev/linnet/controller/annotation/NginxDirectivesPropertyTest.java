package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.Gen;
import dev.linnet.gateway.testing.PropertyCheck;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The snippet parser and compiler against random and hostile text (issue 19 §2): every input
 * parses or fails with the parser's own exception, compiles or is refused with a reason, never
 * with another exception, and in bounded time.
 */
class NginxDirectivesPropertyTest {

    private static final long BOUND_NANOS = 2_000_000_000L; // CPU time, far above any of these parses
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final Gen<String> TOKEN_SOUP = Gen.joined(Gen.of("add_header", "more_set_headers",
            "more_clear_headers", "proxy_set_header", "more_set_input_headers", "more_clear_input_headers",
            "proxy_hide_header", "return", "rewrite", "allow", "deny", "set", "server_tokens", "location", "if",
            "-s", "-t", "-r", "always", "last", "break", "redirect", "permanent", "all", "10.0.0.0/8", "::1/128",
            "301", "200", "444", "https://x$request_uri", "$host", "${http_x}", "$1", "$", "${", "}", "{", ";",
            "\"", "'", "\\", "\\\"", "#", "\n", " ", "\t", "X-A:", "'X-A: b'", "\"X-*\"", "^/(.*)$", "(", "*",
            "é", "\u0000", "$who", "$nope"), 40);

    @Test
    void tokenSoupParsesAndCompilesOrIsRefused() {
        PropertyCheck.forAll(TOKEN_SOUP).edgeCases("", ";", "{", "}", "\"", "'", "\\", "$", "${", "#",
                "rewrite ^(a+)+$ $1;", "set $a $a; add_header X $a;", "set $a $b; set $b $a; add_header X $a;")
                .check(2000, NginxDirectivesPropertyTest::check);
    }

    @Test
    void anyTextParsesOrFailsWithTheParsersException() {
        PropertyCheck.forAll(Gen.strings(Gen.anyChar(), 0, 300)).check(500, NginxDirectivesPropertyTest::check);
    }

    @Test
    void deepAndLongInputIsRefusedNotCrashed() {
        PropertyCheck.forAll(Gen.ints(1, 100_000)).edgeCases(1, 8, 9, 4096, 4097, 65_536, 65_537).check(30, n -> {
            check("a {".repeat(Math.min(n, 5000)) + "}".repeat(Math.min(n, 5000)));
            check("a ".repeat(Math.min(n, 40_000)) + ";");
            check("add_header X \"" + "x".repeat(n) + "\";");
            check("rewrite " + "(".repeat(Math.min(n, 30_000)) + ")".repeat(Math.min(n, 30_000)) + " /x break;");
            StringBuilder laughs = new StringBuilder("set $a0 \"" + "x".repeat(64) + "\";");
            for (int i = 1; i <= Math.min(n, 12); i++) { // each level ten times the one before
                laughs.append(" set $a").append(i).append(" \"").append(("$a" + (i - 1)).repeat(10)).append("\";");
            }
            check(laughs + " add_header X $a" + Math.min(n, 12) + ";");
        });
    }

    private static void check(String text) {
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            NginxDirectives.parse(text);
        } catch (NginxDirectives.SyntaxException expected) {
            // the parser's own
        }
        for (String key : new String[] {"configuration-snippet", "server-snippet"}) {
            SnippetAnnotations.Result r = SnippetAnnotations.compile(Map.of("p/" + key, text), "p", false, false,
                    w -> { });
            assertThat(r.refused() == null || !r.refused().isEmpty()).isTrue();
        }
        assertThat(THREADS.getCurrentThreadCpuTime() - start).isLessThan(BOUND_NANOS);
    }
}
