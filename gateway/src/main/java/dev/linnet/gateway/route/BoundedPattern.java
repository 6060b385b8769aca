package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A regular expression from configuration (a snippet's {@code rewrite}) searched under the same
 * step budget as {@link PathRegex}, so a pathological pattern costs one bounded search per
 * request. A search out of budget (or of stack) throws {@link PathRegexException}: the gateway
 * answers 500, as nginx does when PCRE hits its match limit.
 *
 * <p>Case-sensitive and unanchored, as nginx's {@code rewrite}; {@link Pattern#UNIX_LINES} as in
 * {@link PathRegex}.
 */
public final class BoundedPattern {

    private final String source;
    private final Pattern pattern;

    private BoundedPattern(String source) {
        this.source = source;
        this.pattern = Pattern.compile(source, Pattern.UNIX_LINES);
    }

    /**
     * Compiles {@code regex}.
     *
     * @throws java.util.regex.PatternSyntaxException when it is not a valid regular expression
     */
    public static BoundedPattern of(String regex) {
        return new BoundedPattern(requireNonNull(regex, "regex"));
    }

    public String source() {
        return source;
    }

    /** The number of capture groups. */
    public int groups() {
        return pattern.matcher("").groupCount();
    }

    /**
     * The matcher after a successful search of {@code input}, or {@code null}.
     *
     * @throws PathRegexException when the search runs out of its step budget or of stack
     */
    public Matcher search(CharSequence input) {
        Matcher m = pattern.matcher(new BudgetedSequence(input, PathRegex.STEP_BUDGET));
        try {
            return m.find() ? m : null;
        } catch (BudgetedSequence.BudgetExceeded e) {
            throw new PathRegexException(source, "step budget of " + PathRegex.STEP_BUDGET + " exceeded");
        } catch (StackOverflowError e) {
            throw new PathRegexException(source, "stack overflow");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoundedPattern p && source.equals(p.source);
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
