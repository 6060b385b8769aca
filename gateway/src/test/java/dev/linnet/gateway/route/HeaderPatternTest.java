package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.HeaderPattern.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderPatternTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
        "cd|sz,              cd,          MATCH",
        "cd|sz,              shenzhen-sz, MATCH",   // unanchored search, like ngx.re.match
        "cd|sz,              bj,          NO_MATCH",
        "^Do[A-Z][a-z]+y$,   DoCanary,    MATCH",     // e2e E9
        "^Do[A-Z][a-z]+y$,   Docanary,    NO_MATCH",
        "'[][**da?$&*',      DoCanary,    ERROR",     // e2e E11: does not compile
    })
    void searchesLikePcre(String pattern, String value, Result expected) {
        assertThat(HeaderPattern.of(pattern).match(value)).isEqualTo(expected);
    }

    /** The word-list fast path must answer exactly as the regex engine would. */
    @Test
    void plainAlternationsSkipTheEngineWithTheSameAnswers() {
        java.util.List<String> plain = java.util.List.of("cd|sz", "canary", "^(user1|user2)$", "^(?:a-b|c_d)$",
                "x y|ü", "always|always");
        java.util.List<String> regex = java.util.List.of("cd|", "^cd|sz$", "^(a)|(b)$", "a.b", "^(a|b)", "(a|b)$",
                "^(a|b)$|c", "a\\|b");
        java.util.List<String> values = java.util.List.of("", "cd", "xcdx", "sz", "s", "user1", "user12", "xuser1",
                "a-b", "c_d", "a-b ", "x y", "xx yy", "ü", "always", "a|b", "ab", "a", "b", "c");
        for (String source : plain) {
            assertThat(HeaderPattern.of(source).isPlainWords()).as(source).isTrue();
        }
        for (String source : regex) {
            assertThat(HeaderPattern.of(source).isPlainWords()).as(source).isFalse();
        }
        for (String source : plain) {
            java.util.regex.Pattern engine = java.util.regex.Pattern.compile(source);
            for (String value : values) {
                Result expected = engine.matcher(value).find() ? Result.MATCH : Result.NO_MATCH;
                assertThat(HeaderPattern.of(source).match(value)).as("%s ~ %s", source, value).isEqualTo(expected);
            }
        }
    }

    @Test
    void catastrophicBacktrackingRunsOutOfBudgetInsteadOfStalling() {
        // (a+)+$ against "aaaa…a!" is exponential for a backtracking engine (DESIGN.md difference 4).
        String value = "a".repeat(8 * 1024) + "!";
        assertThat(HeaderPattern.of("(a+)+$").match(value)).isEqualTo(Result.ERROR);
        assertThat(HeaderPattern.of("(x+x+)+y").match("x".repeat(8 * 1024))).isEqualTo(Result.ERROR);
    }

    @Test
    void ordinaryPatternOnLongValueStaysWithinBudget() {
        String value = "x".repeat(8 * 1024) + "cd";
        assertThat(HeaderPattern.of("cd|sz").match(value)).isEqualTo(Result.MATCH);
    }

    @Test
    void smallBudgetIsEnforced() {
        // "z+", not "z": a plain word is found without the engine, so without a budget (it needs none)
        assertThat(HeaderPattern.of("z+", 10).match("a".repeat(100))).isEqualTo(Result.ERROR);
        assertThat(HeaderPattern.of("z+", 1_000).match("a".repeat(100))).isEqualTo(Result.NO_MATCH);
    }

    @Test
    void invalidPatternIsKeptAndReported() {
        HeaderPattern p = HeaderPattern.of("(unclosed");
        assertThat(p.isValid()).isFalse();
        assertThat(p.source()).isEqualTo("(unclosed");
    }

    @Test
    void equalBySource() {
        assertThat(HeaderPattern.of("cd|sz")).isEqualTo(HeaderPattern.of("cd|sz"))
                .isNotEqualTo(HeaderPattern.of("cd"));
    }

    /**
     * Found by RegexBudgetPropertyTest: the plain-word shortcut for {@code ^(a|b)$} compared for
     * equality, but PCRE's (and Java's) {@code $} also matches before a final newline.
     */
    @Test
    void aWholeValueAlternationMatchesBeforeAFinalNewlineAsTheEngineDoes() {
        HeaderPattern p = HeaderPattern.of("^(user1|user2)$");
        assertThat(p.isPlainWords()).isTrue();
        assertThat(p.match("user1\n")).isEqualTo(Result.MATCH);
        assertThat(p.match("user1\n\n")).isEqualTo(Result.NO_MATCH);
        assertThat(p.match("user1x")).isEqualTo(Result.NO_MATCH);
        assertThat(p.match("user")).isEqualTo(Result.NO_MATCH);
    }
}
