package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.linnet.gateway.testing.Gen;
import dev.linnet.gateway.testing.PropertyCheck;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

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

    private static final Gen<String> PATTERNS = Gen.oneOf(
            Gen.joined(Gen.of("a", "b", "(", ")", "[", "]", "|", "*", "+", "?", "{2}", "{1,}", ".", "^", "$", "\\",
                    "\\w", "\\s", "\\1", "(?:", "(?=", "(?!", "(?<=a)", "a+", "(a+)+", "-", "\n"), 16),
            Gen.of(CATASTROPHIC));

    /** Long runs of one unit with an ending that makes the match fail late, or any short text. */
    private static final Gen<String> SUBJECTS = Gen.oneOf(
            random -> {
                String unit = Gen.of("a", "ab", "x", "a ", "aa\n").next(random);
                int length = Gen.logUniform(0, 8192).next(random);
                return unit.repeat(length / unit.length()) + Gen.of("", "b", "!", "X", "\n", "ab", " ").next(random);
            },
            Gen.strings(Gen.anyChar(), 0, 64));

    /** A pattern and a subject; every catastrophic seed meets a long run that defeats it. */
    record Match(String pattern, String subject) {

        static final Gen<Match> GEN = random -> new Match(PATTERNS.next(random), SUBJECTS.next(random));

        static List<Match> edges() {
            List<Match> edges = new ArrayList<>(List.of(new Match("", ""), new Match("(", "a"), new Match("\\", ""),
                    new Match("a{2", "aa"), new Match("\\1", "a"), new Match("(?<=a)", "a".repeat(8192))));
            for (String seed : CATASTROPHIC) {
                edges.add(new Match(seed, "a".repeat(40) + "!"));
                edges.add(new Match(seed, "x".repeat(8192) + "\n"));
            }
            return edges;
        }

        @Override
        public String toString() {
            return pattern + " against " + (subject.length() > 80 ? subject.length() + " chars" : '"' + subject + '"');
        }
    }

    @Test
    void aHeaderPatternAnswersInBoundedTimeWithoutThrowing() {
        PropertyCheck.forAll(Match.GEN).edgeCases(Match.edges()).check(400, m -> {
            HeaderPattern pattern = HeaderPattern.of(m.pattern());
            long start = THREADS.getCurrentThreadCpuTime();
            HeaderPattern.Result result = pattern.match(m.subject());
            long took = THREADS.getCurrentThreadCpuTime() - start;
            assertThat(took).as("%s", m).isLessThan(BOUND_NANOS);
            assertThat(result).isNotNull();
            if (!pattern.isValid()) {
                assertThat(result).isEqualTo(HeaderPattern.Result.ERROR);
            }
        });
    }

    @Test
    void aPathRegexAnswersInBoundedTimeOrThrowsOnlyItsOwnException() {
        PropertyCheck.forAll(Match.GEN).edgeCases(Match.edges()).check(400, m -> {
            PathRegex regex;
            try {
                regex = PathRegex.of(m.pattern());
            } catch (PatternSyntaxException documented) {
                return;
            }
            long start = THREADS.getCurrentThreadCpuTime();
            try {
                regex.matches(m.subject());
            } catch (PathRegexException documented) {
                // out of budget or stack: the gateway answers 500, as nginx when PCRE gives up
            }
            assertThat(THREADS.getCurrentThreadCpuTime() - start).as("%s", m).isLessThan(BOUND_NANOS);
        });
    }

    /** The bound above means something: these seeds are only stopped by the budget. */
    @Test
    void theCatastrophicSeedsRunOutOfBudget() {
        String subject = "a".repeat(40) + "!";
        assertThat(HeaderPattern.of("((a+)+)+c").match(subject)).isEqualTo(HeaderPattern.Result.ERROR);
        assertThat(HeaderPattern.of("(.*a){20}X").match(subject)).isEqualTo(HeaderPattern.Result.ERROR);
        assertThat(catchThrowable(() -> PathRegex.of("((a+)*)+c").matches(subject)))
                .isInstanceOf(PathRegexException.class);
    }

    private static final String WORD_CHARS = "abAB01-_ /:=";

    /** {@code w1|w2}, bare or anchored as ingress-nginx users write it, against a short value. */
    private static final Gen<List<String>> WORD_MATCHES = random -> {
        String words = Gen.joined(Gen.strings(WORD_CHARS, 1, 5), 1, 4, "|").next(random);
        String source = Gen.of(words, "^(" + words + ")$", "^(?:" + words + ")$").next(random);
        return List.of(source, Gen.strings(WORD_CHARS + "\n", 0, 8).next(random));
    };

    /**
     * A plain alternation ({@code cd|sz}, {@code ^(user1|user2)$}) skips the regex engine; its
     * answer is the engine's answer, PCRE's {@code $} before a final newline included.
     */
    @Test
    void thePlainWordShortcutAgreesWithTheRegexEngine() {
        PropertyCheck.forAll(WORD_MATCHES).edgeCases(List.of("a", ""), List.of("a", "a"), List.of("^(a)$", "a\n"),
                List.of("^(a)$", "a\n\n"), List.of("^(a)$", "\na"), List.of("^(?:a|b)$", "ab"),
                List.of("^(a b|-)$", "a b"), List.of("a|ab", "ab"), List.of("^(A)$", "a"), List.of("/:=", "x/:=\n"))
                .check(3000, m -> {
                    String source = m.get(0);
                    String value = m.get(1);
                    HeaderPattern pattern = HeaderPattern.of(source);
                    assertThat(pattern.isPlainWords()).as(source).isTrue();
                    boolean engine = Pattern.compile(source, Pattern.UNIX_LINES).matcher(value).find();
                    assertThat(pattern.match(value)).as("%s against %s", source, value)
                            .isEqualTo(engine ? HeaderPattern.Result.MATCH : HeaderPattern.Result.NO_MATCH);
                });
    }
}
