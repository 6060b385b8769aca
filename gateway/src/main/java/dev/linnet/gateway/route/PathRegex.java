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
 * like {@link HeaderPattern}, so a catastrophic pattern costs one bounded search per request and
 * never stalls an event loop. A search that runs out of budget (or of stack) is a regex error,
 * not a miss: it throws {@link PathRegexException}, and the gateway answers 500 as nginx does
 * when PCRE hits its match limit while choosing a location. (A {@code canary-by-header-pattern}
 * out of budget is different on purpose: there a regex error sends the request to stable.)
 *
 * <p>Deviation: the path is a Java regular expression, not PCRE; the common syntax (classes,
 * groups, quantifiers, alternation) is the same. ingress-nginx's admission accepts only RE2
 * syntax anyway, which Java understands. {@link Pattern#UNIX_LINES} makes {@code .} and
 * {@code $} treat only {@code \n} as a line end, as PCRE does by default: the path is decoded
 * ({@link RequestPath}), and without it {@code /admin/%0D} would slip past {@code /admin/.+}.
 */
public final class PathRegex {

    /** Paths are short; this leaves room for any sane pattern and bounds a hostile one to ~1 ms. */
    public static final int STEP_BUDGET = 100_000;

    private final String source;
    private final Pattern pattern;

    private PathRegex(String source) {
        this.source = source;
        this.pattern = Pattern.compile("^" + source, Pattern.CASE_INSENSITIVE | Pattern.UNIX_LINES);
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

    /**
     * Whether {@code path} matches.
     *
     * @throws PathRegexException when the search runs out of its step budget or of stack: it
     *     could not tell
     */
    public boolean matches(CharSequence path) {
        return search(path) != null;
    }

    /**
     * The matcher after a successful search, for capture groups ({@code x-forwarded-prefix}'s
     * {@code $1}); {@code null} when none.
     *
     * @throws PathRegexException as {@link #matches}
     */
    public Matcher captures(CharSequence path) {
        return search(path);
    }

    /**
     * The matcher after a successful search, for capture groups; {@code null} when none.
     *
     * @throws PathRegexException as {@link #matches}
     */
    Matcher search(CharSequence path) {
        Matcher m = pattern.matcher(new BudgetedSequence(path, STEP_BUDGET));
        try {
            return m.find() ? m : null;
        } catch (BudgetedSequence.BudgetExceeded e) {
            throw new PathRegexException(source, "step budget of " + STEP_BUDGET + " exceeded");
        } catch (StackOverflowError e) {
            throw new PathRegexException(source, "stack overflow");
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
