package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Ingress path used as a regular expression, the way ingress-nginx writes it when
 * {@code use-regex} or {@code rewrite-target} is on for the host: {@code location ~* "^<path>"},
 * a case-insensitive search anchored at the start of the path only
 * (<a href="https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/">ingress
 * path matching</a>). Compiled once when the table is built; matching runs under a step budget
 * like {@link HeaderPattern}, and a match that runs out of budget counts as no match, so a
 * catastrophic pattern costs one bounded search per request and never stalls an event loop.
 *
 * <p>Deviation: the path is a Java regular expression, not PCRE; the common syntax (classes,
 * groups, quantifiers, alternation) is the same. ingress-nginx's admission accepts only RE2
 * syntax anyway, which Java understands.
 */
public final class PathRegex {

    /** Paths are short; this leaves room for any sane pattern and bounds a hostile one to ~1 ms. */
    public static final int STEP_BUDGET = 100_000;

    private final String source;
    private final Pattern pattern;

    private PathRegex(String source) {
        this.source = source;
        this.pattern = Pattern.compile("^" + source, Pattern.CASE_INSENSITIVE);
    }

    /**
     * Compiles {@code path}.
     *
     * @throws java.util.regex.PatternSyntaxException when it is not a valid regular expression
     */
    public static PathRegex of(String path) {
        return new PathRegex(requireNonNull(path, "path"));
    }

    public String source() {
        return source;
    }

    /** Whether {@code path} matches; false also when the step budget runs out. */
    public boolean matches(CharSequence path) {
        return search(path) != null;
    }

    /** The matcher after a successful search, for capture groups; {@code null} when none. */
    Matcher search(CharSequence path) {
        Matcher m = pattern.matcher(new BudgetedSequence(path, STEP_BUDGET));
        try {
            return m.find() ? m : null;
        } catch (BudgetedSequence.BudgetExceeded | StackOverflowError e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathRegex r && source.equals(r.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return "~* ^" + source;
    }
}
