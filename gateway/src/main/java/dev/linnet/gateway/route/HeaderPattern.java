package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code canary-by-header-pattern}, compiled once when the table is built and matched with a
 * step budget so that a pathological pattern cannot stall an event loop (DESIGN.md, deliberate
 * difference 4).
 *
 * <p>ingress-nginx runs the pattern through PCRE's {@code ngx.re.match}: an unanchored search
 * with no flags. {@link Matcher#find()} is the same search; {@link Pattern#UNIX_LINES} gives
 * {@code .} and {@code $} PCRE's notion of a line end ({@code \n} only). Java's backtracking engine has no
 * step limit of its own, so the subject is wrapped in a {@link CharSequence} that counts
 * {@code charAt} calls and aborts the match when the budget is spent:
 *
 * <pre>
 *   find() ──▶ charAt() ──▶ steps++ ──▶ steps &gt; budget ? throw BudgetExceeded : char
 *                                                          │
 *                                  match() returns ERROR ◀─┘   (request goes to stable)
 * </pre>
 *
 * A pattern that does not compile is kept, and every match reports {@link Result#ERROR}, just as
 * ingress-nginx reports a regex error at request time (canary-spec.md §3, e2e E11).
 *
 * <p>Most canary patterns are a list of words: {@code cd|sz}, {@code ^(user1|user2)$}. Those are
 * recognised when the table is built and matched without the regex engine (a substring search,
 * or an equality for the anchored group): the same answer, and no matcher per request.
 */
public final class HeaderPattern {

    /** Enough for any sane pattern against an 8 KiB header, and a few milliseconds at worst. */
    public static final int DEFAULT_STEP_BUDGET = 200_000;

    public enum Result { MATCH, NO_MATCH, ERROR }

    private final String source;
    private final Pattern pattern; // null when the source does not compile
    private final int budget;
    private final String[] words; // non-null when the source is a plain alternation (see class doc)
    private final boolean wholeValue; // ^(...)$: a word must be the whole value

    private HeaderPattern(String source, int budget) {
        this.source = requireNonNull(source, "source");
        if (budget < 1) {
            throw new IllegalArgumentException("budget: " + budget + " (expected: > 0)");
        }
        this.budget = budget;
        Pattern p;
        try {
            p = Pattern.compile(source, Pattern.UNIX_LINES);
        } catch (PatternSyntaxException e) {
            p = null;
        }
        this.pattern = p;
        boolean whole = source.startsWith("^(") && source.endsWith(")$") && source.length() > 4;
        String body = whole ? source.substring(source.startsWith("^(?:") ? 4 : 2, source.length() - 2) : source;
        this.words = p == null ? null : plainWords(body);
        this.wholeValue = whole;
    }

    /** The alternatives of {@code body} when each is a non-empty run of characters without regex meaning. */
    private static String[] plainWords(String body) {
        String[] words = body.split("\\|", -1);
        for (String word : words) {
            if (word.isEmpty()) {
                return null; // an empty alternative matches everything: leave it to the engine
            }
            for (int i = 0; i < word.length(); i++) {
                if ("\\^$.|?*+()[]{}".indexOf(word.charAt(i)) >= 0) {
                    return null;
                }
            }
        }
        return words;
    }

    /** Whether matching skips the regex engine (a plain alternation). */
    boolean isPlainWords() {
        return words != null;
    }

    public static HeaderPattern of(String source) {
        return new HeaderPattern(source, DEFAULT_STEP_BUDGET);
    }

    public static HeaderPattern of(String source, int stepBudget) {
        return new HeaderPattern(source, stepBudget);
    }

    public String source() {
        return source;
    }

    /** Whether the pattern compiled; one that did not always yields {@link Result#ERROR}. */
    public boolean isValid() {
        return pattern != null;
    }

    public Result match(CharSequence value) {
        if (pattern == null) {
            return Result.ERROR;
        }
        if (words != null) {
            String v = value.toString();
            for (String word : words) {
                if (wholeValue ? isWhole(v, word) : v.contains(word)) {
                    return Result.MATCH;
                }
            }
            return Result.NO_MATCH;
        }
        try {
            return pattern.matcher(new BudgetedSequence(value, budget)).find() ? Result.MATCH : Result.NO_MATCH;
        } catch (BudgetedSequence.BudgetExceeded e) {
            return Result.ERROR;
        } catch (StackOverflowError e) {
            // Deep recursion in java.util.regex on long inputs: also a regex error, not a crash.
            return Result.ERROR;
        }
    }

    /** {@code ^(word)$}: PCRE's {@code $} also matches before a final {@code \n}, as Java's does. */
    private static boolean isWhole(String value, String word) {
        return value.startsWith(word)
                && (value.length() == word.length() || value.length() == word.length() + 1 && value.endsWith("\n"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderPattern p && source.equals(p.source) && budget == p.budget;
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
