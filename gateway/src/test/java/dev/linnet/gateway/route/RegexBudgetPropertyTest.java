package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The step budgets of {@link HeaderPattern} and {@link PathRegex} (issue 14 item 12): whatever
 * the pattern (written by an Ingress author) and the subject (sent by a client), a match ends
 * in bounded time and only with the documented outcomes. Unbudgeted, several of the seeds
 * below take minutes against these subjects.
 *
 * <p>The bound is on the thread's CPU time, so a busy build machine does not make it flaky, and
 * generous (the budgets cost a few milliseconds): what it catches is a search that is not
 * bounded at all.
 */
class RegexBudgetPropertyTest {

    /** CPU time far above a budgeted search (≈ 1–5 ms), far below an unbudgeted catastrophic one. */
    private static final long BOUND_NANOS = 1_000_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * Exponential for Java's engine (each takes 2–15 s unbudgeted against 27 characters); Java
     * 9+ memoises the textbook {@code (a+)+$}, so those are here as ordinary seeds.
     */
    private static final String[] CATASTROPHIC = {"((a+)+)+c", "^((a+)+)+$", "((a+)*)+c", "(.*a){20}X", "(.*){10}X",
        "(a+)+$", "(a|aa)+$", "(a*)*b", "^(\\w+\\s?)*$", "(x+x+)+y", "(?:a?){30}a{30}"};

    @Provide
    Arbitrary<String> patterns() {
        Arbitrary<String> random = Arbitraries.of("a", "b", "(", ")", "[", "]", "|", "*", "+", "?", "{2}", "{1,}",
                        ".", "^", "$", "\\", "\\w", "\\s", "\\1", "(?:", "(?=", "(?!", "(?<=a)", "a+", "(a+)+", "-", "\n")
                .list().ofMaxSize(16).map(l -> String.join("", l));
        return Arbitraries.oneOf(random, Arbitraries.of(CATASTROPHIC));
    }

    @Provide
    Arbitrary<String> subjects() {
        Arbitrary<String> tail = Arbitraries.of("", "b", "!", "X", "\n", "ab", " ");
        Arbitrary<Integer> length = Arbitraries.integers().between(0, 8192).withDistribution(
                net.jqwik.api.RandomDistribution.biased());
        Arbitrary<String> repeated = Combinators.combine(Arbitraries.of("a", "ab", "x", "a ", "aa\n"), length, tail)
                .as((unit, n, t) -> unit.repeat(Math.max(0, n / unit.length())) + t);
        return Arbitraries.oneOf(repeated, Arbitraries.strings().ofMaxLength(64));
    }

    @Property(tries = 400)
    void aHeaderPatternAnswersInBoundedTimeWithoutThrowing(@ForAll("patterns") String source,
            @ForAll("subjects") String value) {
        HeaderPattern pattern = HeaderPattern.of(source);
        long start = THREADS.getCurrentThreadCpuTime();
        HeaderPattern.Result result = pattern.match(value);
        long took = THREADS.getCurrentThreadCpuTime() - start;
        assertThat(took).as("%s against %d chars", source, value.length()).isLessThan(BOUND_NANOS);
        assertThat(result).isNotNull();
        if (!pattern.isValid()) {
            assertThat(result).isEqualTo(HeaderPattern.Result.ERROR);
        }
    }

    @Property(tries = 400)
    void aPathRegexAnswersInBoundedTimeOrThrowsOnlyItsOwnException(@ForAll("patterns") String source,
            @ForAll("subjects") String path) {
        PathRegex regex;
        try {
            regex = PathRegex.of(source);
        } catch (PatternSyntaxException documented) {
            return;
        }
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            regex.matches(path);
        } catch (PathRegexException documented) {
            // out of budget or stack: the gateway answers 500, as nginx when PCRE gives up
        }
        assertThat(THREADS.getCurrentThreadCpuTime() - start).as("%s against %d chars", source, path.length())
                .isLessThan(BOUND_NANOS);
    }

    /** The bound above means something: these seeds are only stopped by the budget. */
    @Example
    void theCatastrophicSeedsRunOutOfBudget() {
        String subject = "a".repeat(40) + "!";
        assertThat(HeaderPattern.of("((a+)+)+c").match(subject)).isEqualTo(HeaderPattern.Result.ERROR);
        assertThat(HeaderPattern.of("(.*a){20}X").match(subject)).isEqualTo(HeaderPattern.Result.ERROR);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> PathRegex.of("((a+)*)+c").matches(subject)))
                .isInstanceOf(PathRegexException.class);
    }

    @Provide
    Arbitrary<String> wordPatterns() {
        Arbitrary<String> words = Arbitraries.strings().withChars("abAB01-_ /:=").ofMinLength(1).ofMaxLength(5)
                .list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("|", l));
        return words.flatMap(w -> Arbitraries.of(w, "^(" + w + ")$", "^(?:" + w + ")$"));
    }

    @Provide
    Arbitrary<String> wordValues() {
        return Arbitraries.strings().withChars("abAB01-_ /:=\n").ofMaxLength(8);
    }

    /**
     * A plain alternation ({@code cd|sz}, {@code ^(user1|user2)$}) skips the regex engine; its
     * answer is the engine's answer, PCRE's {@code $} before a final newline included.
     */
    @Property(tries = 3000)
    void thePlainWordShortcutAgreesWithTheRegexEngine(@ForAll("wordPatterns") String source,
            @ForAll("wordValues") String value) {
        HeaderPattern pattern = HeaderPattern.of(source);
        assertThat(pattern.isPlainWords()).isTrue();
        boolean engine = Pattern.compile(source, Pattern.UNIX_LINES).matcher(value).find();
        assertThat(pattern.match(value)).as("%s against %s", source, value)
                .isEqualTo(engine ? HeaderPattern.Result.MATCH : HeaderPattern.Result.NO_MATCH);
    }
}
