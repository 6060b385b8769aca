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
        assertThat(HeaderPattern.of("z", 10).match("a".repeat(100))).isEqualTo(Result.ERROR);
        assertThat(HeaderPattern.of("z", 1_000).match("a".repeat(100))).isEqualTo(Result.NO_MATCH);
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
}
